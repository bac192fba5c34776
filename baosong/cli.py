"""The `baosong` command line. Messages for people are in Chinese; JSON output is a stable contract."""

from __future__ import annotations

import errno
import json
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer
from rich.console import Console
from rich.markup import escape

from baosong.messages import say

if TYPE_CHECKING:
    from baosong.config.loader import ConfigError

# Start-up: every command module (config loader and pydantic, the ORM, the intake) is imported inside
# the command that needs it, so `--help`, `extract` and `inspect` stay fast (bench/bench_startup.py);
# tests/test_startup.py checks that they never import sqlalchemy.orm.

def _database_down(exc: BaseException) -> str | None:
    """The office's sentence when ``exc`` says the ledger's database cannot be reached, else None.

    Checked by class name so that a command which never opens the ledger does not import the ORM."""
    if type(exc).__name__ == "DatabaseUnavailable":
        return str(exc)
    if type(exc).__module__.startswith("sqlalchemy") and type(exc).__name__ in ("OperationalError",
                                                                                "InterfaceError"):
        from baosong.ledger.db import unavailable

        return str(unavailable(_state.get("database") or "", exc))
    return None


class _Group(typer.core.TyperGroup):
    """The root command: a database that cannot be reached is one message and exit 1, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            message = _database_down(exc)
            if message is None:
                raise
            fail(message)


app = typer.Typer(
    cls=_Group,
    help="报送（baosong）：政务信息报送邮箱自动收稿、登记、计分和通报。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ledger_app = typer.Typer(help="台账：查看、更正、导出和导入已登记的稿件。", no_args_is_help=True)
notify_app = typer.Typer(help="通报：月度通报的预览、批准和发送，约谈反馈函，提醒。", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")
app.add_typer(notify_app, name="notify")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

_state: dict[str, Any] = {"config": None}

ConfigOption = Annotated[
    Optional[Path],
    typer.Option("--config", "-c", help="配置目录（默认 ./config，或环境变量 BAOSONG_CONFIG）。",
                 envvar="BAOSONG_CONFIG", show_default=False),
]


@app.callback()
def _main(config: ConfigOption = None) -> None:
    _state["config"] = config


def fail(message: str, code: int = 1) -> NoReturn:
    from baosong.config.checks import mask_secrets

    err.print(f"[bold red]{say('cli.error_label')}[/]{escape(mask_secrets(message))}", soft_wrap=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    from baosong.config.checks import mask_secrets

    err.print(f"[yellow]{say('cli.warning_label')}[/]{escape(mask_secrets(message))}", soft_wrap=True)


def problem(label: str, message: str) -> None:
    from baosong.config.checks import mask_secrets

    err.print(f"[red]{label}：[/]{escape(mask_secrets(message))}", soft_wrap=True)


def _print_problems(e: ConfigError) -> None:
    err.print(f"[bold red]{say('cli.config_problems', count=len(e.problems))}[/]")
    from baosong.config.checks import mask_secrets

    for p in e.problems:
        err.print(f"  • {mask_secrets(str(p))}", soft_wrap=True, markup=False)


def _config_dir() -> Path:
    from baosong.config.loader import default_config_dir

    return _state["config"] or default_config_dir()


def open_app():  # -> baosong.app.App
    from baosong.app import App
    from baosong.config.loader import ConfigError

    try:
        application = App.open(_config_dir())
    except ConfigError as e:
        _print_problems(e)
        raise typer.Exit(1) from None
    _state["database"] = application.config.database_url   # named when the database cannot be reached
    return application


def _verdict_label(value: str) -> str:
    from baosong.notify.labels import verdict_labels

    return verdict_labels().get(value, value)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(say("cli.file_unreadable", path=path, reason=_os_reason(exc)))


def _parse_when(text: str, tz) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        fail(say("cli.bad_time", text=text))
    return when if when.tzinfo else when.replace(tzinfo=tz)


def _month(text: str):
    from baosong.ledger.periods import Month

    try:
        return Month.parse(text)
    except ValueError as exc:
        fail(str(exc))


# ------------------------------------------------------------------ commands


@app.command("check-config")
def check_config(config_dir: ConfigOption = None) -> None:
    """检查配置文件（settings.yaml、units.yaml、scoring.yaml）。"""
    from baosong import vocabulary
    from baosong.config.checks import mask_secrets
    from baosong.config.loader import ConfigError, load_config
    from baosong.notify.overrides import use_config_templates

    directory = config_dir or _config_dir()
    try:
        config = load_config(directory)
    except ConfigError as e:
        _print_problems(e)
        raise typer.Exit(1) from None
    use_config_templates(config.directory)
    for w in config.warnings:
        warn(str(w))
    _check_against_ledger(config)
    classes: dict[str, int] = {}
    for u in config.units:
        classes[u.class_] = classes.get(u.class_, 0) + 1
    labels = {k: (c.label or say("cli.class_label", key=k)) for k, c in config.scoring.classes.items()}
    period_labels = vocabulary.labels("scoring_period")
    summary = "，".join(say("cli.config_class_count", label=labels.get(k, k), count=v) for k, v in classes.items())
    out.print(say("cli.config_ok", directory=config.directory))
    out.print("  " + say("cli.config_regime", regime=config.scoring.regime,
                         period=period_labels[config.scoring.period]))
    out.print("  " + say("cli.config_units", units=len(config.units), classes=summary,
                         mailboxes=len(config.settings.mailboxes), outlets=len(config.scoring.outlets)))
    out.print("  " + say("cli.config_database", database=mask_secrets(config.database_url)), markup=False)


def _check_against_ledger(config) -> None:
    """check-config with a ledger: refuse a config that drops a unit, outlet or instruction level events use,
    and a database that cannot be reached."""
    from baosong.config.loader import ConfigError, Problem
    from baosong.judging import ledger_may_exist

    if not ledger_may_exist(config.database_url):
        return
    from baosong.ledger.config_check import dropped_names, recorded_usage
    from baosong.ledger.db import existing_sessionmaker

    try:
        sessions = existing_sessionmaker(config.database_url)
        if sessions is None:
            return
        with sessions() as session:
            problems = dropped_names(recorded_usage(session), config)
    except Exception as exc:
        message = _database_down(exc)
        if message is None:   # a ledger that cannot be read must not hide the rest of the check
            warn(say("cli.ledger_unreadable", error=exc))
            return
        _print_problems(ConfigError([Problem(file="settings.yaml", line=None, key="database", message=message)]))
        raise typer.Exit(1) from None
    if problems:
        _print_problems(ConfigError(problems))
        raise typer.Exit(1)


@app.command()
def inspect(
    file: Annotated[Path, typer.Argument(help="一封邮件（.eml 文件）。", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """判断一封邮件会被受理还是退回（不写台账）。"""
    from baosong.judging import judge_raw, ledger_may_exist

    application = open_app()  # the ledger opens lazily: inspect never creates it
    raw = _read_file(file)
    # read the ledger if there is one (to spot duplicates), but create and change nothing;
    # the ORM is imported only when there may be a ledger to read
    sessions = None
    if ledger_may_exist(application.config.database_url):
        from baosong.ledger.db import existing_sessionmaker

        sessions = existing_sessionmaker(application.config.database_url)
    if sessions is None:
        verdict = judge_raw(application.config, raw)
    else:
        from baosong.processing import ledger_lookups

        with sessions() as session:
            verdict = judge_raw(application.config, raw, ledger_lookups(session))
    # build the reply and alert exactly as `poll` would queue them (a message whose reply cannot be
    # built fails here the same way it would in the intake cycle)
    from baosong.replying import build_mails

    received = (verdict.message.received_at or datetime.now(timezone.utc)).astimezone(application.config.tz)
    mails = build_mails(application.config, verdict, received_at=say("cli.reply_received_at", when=received))
    if as_json:
        _json({**verdict.as_json(), **mails.as_json()})
        return
    label = _verdict_label(verdict.verdict.value)
    if verdict.reason:
        out.print(say("cli.inspect_verdict_reason", label=label, verdict=verdict.verdict.value, reason=verdict.reason))
    else:
        out.print(say("cli.inspect_verdict", label=label, verdict=verdict.verdict.value))
    out.print(say("cli.inspect_sender", sender=verdict.sender or say("cli.inspect_no_sender"),
                  unit=verdict.unit or say("cli.inspect_no_unit")))
    if verdict.detail:
        out.print(say("cli.inspect_detail", detail=verdict.detail), markup=False)
    for p in verdict.pieces:
        out.print("  " + say("cli.inspect_piece", title=p.title or say("cli.inspect_no_title"),
                             category=p.category or say("cli.inspect_no_category"), words=p.word_count,
                             author=p.author or "—", source=p.source), markup=False)
    for hit in verdict.hits:
        out.print("  " + say("cli.inspect_hit", rule=hit.rule.value, detail=hit.detail), markup=False)
    if mails.reply is not None:
        out.print(say("cli.inspect_reply", subject=mails.reply.subject), markup=False)
    elif mails.withheld:
        out.print(say("cli.inspect_no_reply", reason=mails.withheld), markup=False)


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="一篇 Word 文档（.docx）。", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    subject: Annotated[str, typer.Option("--subject", help="邮件主题（分类标签、无标题时的备用标题）。")] = "",
    sender: Annotated[str, typer.Option("--sender", help="发件邮箱（按登记单位核对稿件单位）。")] = "",
) -> None:
    """从一篇 .docx 稿件中提取标题、单位、作者、分类和字数。"""
    from baosong import vocabulary
    from baosong.config.loader import ConfigError, load_config
    from baosong.intake.extract import DEFAULT_CATEGORIES, extract_docx
    from baosong.intake.readers.base import UnreadableDocument
    from baosong.intake.units_match import UnitRegistry
    from baosong.notify.overrides import use_config_templates

    categories: tuple[str, ...] = tuple(DEFAULT_CATEGORIES)
    aliases: dict[str, str] = {}
    registry = UnitRegistry()
    sender_unit = None
    try:
        config = load_config(_config_dir())
        categories = tuple(config.scoring.categories)
        aliases = dict(config.scoring.category_aliases)
        registry = UnitRegistry.from_config(config.units)
        unit = config.unit_for(sender) if sender else None
        sender_unit = unit.name if unit else None
        use_config_templates(config.directory)
    except ConfigError:
        pass  # extraction works without a config; categories fall back to Tengzhou's five
    try:
        ex = extract_docx(_read_file(file), subject=subject, filename=file.name, categories=categories,
                          category_aliases=aliases, registry=registry, sender_unit=sender_unit)
    except UnreadableDocument as exc:
        fail(say("cli.extract_not_docx", path=file, error=exc))
    data = ex.as_json()
    if as_json:
        _json(data)
        return
    lines = {"title": "cli.extract_title", "title_fallback": "cli.extract_title_fallback", "unit": "cli.extract_unit",
             "stated_unit": "cli.extract_stated_unit", "author": "cli.extract_author",
             "approver": "cli.extract_approver", "category": "cli.extract_category",
             "word_count": "cli.extract_word_count"}
    for key, message in lines.items():
        if key in ("title_fallback", "stated_unit", "approver") and not data[key]:
            continue
        value = data[key] if data[key] is not None else say("cli.extract_unrecognised")
        out.print(say(message, value=value), markup=False)
    if ex.unit_source:
        out.print(say("cli.extract_unit_source", source=vocabulary.label(ex.unit_source)), markup=False)
    if ex.commissioned:
        out.print(say("cli.extract_commissioned"), markup=False)
    for flag in ex.flags:
        out.print(say("cli.extract_flag", flag=vocabulary.label(flag)), markup=False)


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="一封或多封邮件（.eml 文件）。", show_default=False)],
    received_at: Annotated[Optional[str], typer.Option(
        "--received-at", help="收到时间（ISO 格式）；不填则取最新一条 Received 头的时间。")] = None,
) -> None:
    """把 .eml 文件当作刚收到的邮件登记入账（用于导入历史邮件）。"""
    from baosong.intake.message import received_time
    from baosong.poll import deliver
    from baosong.processing import process

    application = open_app()
    tz = application.config.tz
    fixed = _parse_when(received_at, tz) if received_at else None
    failures = 0
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError as exc:  # a folder, a missing or unreadable file: say so and go on with the others
            failures += 1
            problem(say("cli.failed_label"), say("cli.ingest_unreadable", path=path, reason=_os_reason(exc)))
            continue
        try:
            when = fixed or received_time(raw)
            if when is None:
                warn(say("cli.ingest_no_received", path=path))
            outcome = process(application, raw, mailbox="ingest", received_at=when)
        except Exception as exc:  # report and continue with the other files
            if _database_down(exc) is not None:
                raise  # every file would fail the same way: one message from the root command
            failures += 1
            problem(say("cli.failed_label"), _ingest_failure(path, exc))
            continue
        state = say("cli.ingest_recorded") if outcome.new else say("cli.ingest_seen")
        line = dict(name=path.name, state=state, verdict=_verdict_label(outcome.verdict),
                    sender=outcome.unit or outcome.sender, pieces=outcome.pieces, ledger_id=outcome.ledger_id)
        if outcome.reason:
            out.print(say("cli.ingest_line_reason", reason=outcome.reason, **line), markup=False)
        else:
            out.print(say("cli.ingest_line", **line), markup=False)
    report = deliver(application)
    if report and report.anything:
        out.print(report.summary(say("cli.replies")))
        for e in report.errors[:5]:
            problem("  " + say("cli.sending_problem_label"), e)
    if failures:
        raise typer.Exit(1)


def _os_reason(exc: OSError) -> str:
    """Why a file or folder cannot be read or written, in the office's words (the system's own when unusual)."""
    key = {errno.ENOENT: "cli.os_not_found", errno.EISDIR: "cli.os_is_directory",
           errno.ENOTDIR: "cli.os_not_directory", errno.EACCES: "cli.os_no_permission",
           errno.EPERM: "cli.os_no_permission", errno.ENOSPC: "cli.os_disk_full",
           errno.EROFS: "cli.os_read_only"}.get(exc.errno or 0)
    return say(key) if key else say("cli.os_other", error=exc.strerror or exc)


def _ingest_failure(path: Path, exc: Exception) -> str:
    """One sentence for a file `ingest` could not record: which file and what is wrong (never a repr)."""
    if isinstance(exc, OSError):
        if exc.filename:
            return say("cli.ingest_os_error", path=path, where=exc.filename, reason=_os_reason(exc))
        return say("cli.ingest_failed", path=path, error=_os_reason(exc))
    return say("cli.ingest_failed", path=path, error=str(exc).strip() or type(exc).__name__)


def _poll_once(application) -> bool:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

    from baosong.poll import poll_all

    columns = (TextColumn(say("cli.poll_progress", mailbox="{task.description}")), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(mailbox: str, done: int, total: int) -> None:
            if mailbox not in tasks:
                tasks[mailbox] = bar.add_task(mailbox, total=total)
            bar.update(tasks[mailbox], completed=done)

        reports, delivery = poll_all(application, progress)
    ok = True
    for r in reports:
        out.print(r.summary(), markup=False)
        for note in r.notes:
            out.print("  " + say("cli.poll_note", note=note), markup=False)
        for e in r.errors:
            ok = False
            problem("  " + say("cli.problem_label"), e)
    if not reports:
        warn(say("cli.poll_no_mailboxes"))
    if delivery is not None and delivery.anything:
        out.print(delivery.summary())
        for e in delivery.errors[:5]:
            problem("  " + say("cli.sending_problem_label"), e)
        if delivery.failed and not delivery.sent:  # every reply refused for good: the admin must look
            ok = False
    return ok


@app.command()
def poll(
    once: Annotated[bool, typer.Option("--once", help="只收一次就退出。")] = False,
) -> None:
    """收取所有报送邮箱的新邮件并登记（不加 --once 则按设置的间隔一直收）。"""
    application = open_app()
    if once:
        if not _poll_once(application):
            raise typer.Exit(1)
        return
    minutes = application.config.settings.schedule.poll_minutes
    out.print(say("cli.poll_every", minutes=minutes))
    try:
        while True:
            _poll_once(application)
            time.sleep(minutes * 60)
    except KeyboardInterrupt:
        out.print(say("cli.poll_stopped"))


TABLE_PAGE = 200  # rows `ledger list` shows as a table unless --limit says otherwise


@ledger_app.command("list")
def ledger_list(
    month: Annotated[Optional[str], typer.Option("--month", help="月份 YYYY-MM；不填则列出全部。")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    limit: Annotated[Optional[int], typer.Option(
        "--limit", min=0, help=f"最多列出多少篇（表格默认 {TABLE_PAGE} 篇，JSON 默认全部；0 表示全部）。")] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="跳过前面多少篇（翻页用）。")] = 0,
) -> None:
    """列出已登记的稿件（按收到时间排序）。"""
    from baosong.ledger.messages import count_pieces
    from baosong.views import ledger_table, piece_rows

    application = open_app()
    period = _month(month) if month else None
    tz = application.config.tz
    if limit is None:
        limit = 0 if as_json else TABLE_PAGE
    with application.sessions() as session:
        rows = piece_rows(session, period, tz, limit=limit or None, offset=offset)
        if as_json:
            _json_stream(rows)
            return
        page = list(rows)
        total = count_pieces(session, period, tz)
    out.print(ledger_table(page, period, total, offset))
    if offset + len(page) < total:
        out.print(say("cli.ledger_more", rest=total - offset - len(page), offset=offset + len(page)))


def _json_stream(rows) -> None:
    """Write a JSON list item by item, exactly as _json would write the whole list (indent 2)."""
    first = True
    for row in rows:
        sys.stdout.write("[\n  " if first else ",\n  ")
        sys.stdout.write(_indented(row))
        first = False
    sys.stdout.write("[]\n" if first else "\n]\n")


_encode = json.JSONEncoder(ensure_ascii=False).encode
_encode_str = json.encoder.encode_basestring  # the C function json.dumps(ensure_ascii=False) uses for str


def _scalar(value: Any) -> str:
    """One JSON scalar as json.dumps writes it, without the encoder's per-call set-up."""
    if isinstance(value, str):
        return _encode_str(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return int.__repr__(value)
    return _encode(value)


def _indented(row: dict) -> str:
    """``json.dumps(row, ensure_ascii=False, indent=2)`` as an item of a list (nested two more spaces), for a
    dict of scalars and lists of scalars (json.dumps with indent is pure Python, and slow on a long listing);
    anything else goes through json.dumps."""
    parts = []
    for key, value in row.items():
        if isinstance(value, list):
            if any(isinstance(v, (dict, list)) for v in value):
                return json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            text = "[\n      " + ",\n      ".join(map(_scalar, value)) + "\n    ]" if value else "[]"
        elif isinstance(value, dict):
            return json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        else:
            text = _scalar(value)
        parts.append(f"    {_scalar(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n  }" if parts else "{}"


@ledger_app.command("failures")
def ledger_failures(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（含完整的错误追踪）。")] = False,
) -> None:
    """列出处理失败的邮件：失败次数、最后的错误，以及是否已移入隔离文件夹。"""
    from baosong.views import failure_rows, failures_table

    application = open_app()
    with application.sessions() as session:
        rows = failure_rows(session, application.config.tz)
    if as_json:
        _json(rows)
        return
    out.print(failures_table(rows))


@app.command()
def adopt(
    piece_id: Annotated[int, typer.Argument(metavar="ID", help="稿件编号（见 baosong ledger list）。", show_default=False)],
    outlet: Annotated[str, typer.Argument(metavar="OUTLET", help="采用的刊物，须是 scoring.yaml 中 outlets 的一个键。", show_default=False)],
    instruction: Annotated[Optional[str], typer.Option("--instruction", metavar="LEVEL", help="领导批示级别，须是 scoring.yaml 中 instructions 的一个键。")] = None,
    on: Annotated[Optional[str], typer.Option("--date", help="采用日期 YYYY-MM-DD，决定计入哪个月；默认今天。")] = None,
    piece_type: Annotated[Optional[str], typer.Option("--type", metavar="TYPE", help="稿件类型（如 动态类、综合类），刊物分值按类型区分时使用。")] = None,
    joint: Annotated[Optional[list[str]], typer.Option("--joint", metavar="UNIT", help="合作完成（或报送相同信息）的其他单位，可重复；得分按单位数平分。")] = None,
    undo: Annotated[bool, typer.Option("--undo", help="撤销这条采用（带 --instruction 时只撤销该批示）。")] = False,
    reason: Annotated[Optional[str], typer.Option("--reason", help="撤销的原因（记入更正记录）。")] = None,
    by: Annotated[Optional[str], typer.Option("--by", help="登记人（记入更正记录）；默认为当前系统用户名。")] = None,
) -> None:
    """登记一篇稿件被某刊物采用（可同时登记领导批示、稿件类型和合作单位）；加 --undo 撤销。"""
    from baosong.cli_corrections import adopt_undo, who_is
    from baosong.ledger.corrections import adopt as record_adoption
    from baosong.ledger.errors import LedgerError
    from baosong.ledger.models import Piece
    from baosong.ledger.piece_credit import add_joint_units, set_piece_type
    from baosong.ledger.regime.context import points_for

    application = open_app()
    scoring = application.config.scoring
    if undo:
        adopt_undo(application, piece_id, outlet, instruction, reason, by)
        return
    day = _day(on, application.config.tz)
    with application.sessions() as session:
        piece = session.get(Piece, piece_id)
        try:
            if piece is not None and piece_type:
                set_piece_type(session, piece, piece_type, scoring)
            added = add_joint_units(session, piece, joint) if piece is not None and joint else []
            adoption, instr = record_adoption(session, piece_id, outlet, scoring, who_is(by),
                                              on=day, instruction=instruction)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
        title = piece.title if piece is not None else None
        kind = piece.piece_type or piece.category if piece is not None else None
    parts = []
    if adoption:
        value = points_for(scoring.outlets[outlet], kind)
        shown = say("cli.adopt_points", points=value) if value is not None else say("cli.adopt_points_unknown")
        parts.append(say("cli.adopt_outlet", outlet=outlet, points=shown))
    if instr:
        parts.append(say("cli.adopt_instruction", instruction=instruction, points=scoring.instructions[instruction]))
    if added:
        parts.append(say("cli.adopt_joint", units="、".join(added)))
    out.print(say("cli.adopt_recorded", piece_id=piece_id, title=title or say("cli.adopt_no_title"),
                  what="，".join(parts), day=day), markup=False)


def _day(on: str | None, tz) -> date:
    if not on:
        return datetime.now(tz).date()
    try:
        return date.fromisoformat(on)
    except ValueError:
        fail(say("cli.bad_date", text=on))


def _office_entry(application, record) -> tuple[str, str]:  # noqa: ANN001 - App, a recorder of unit_entries
    """Record one office entry (an endorsement, an adjustment) in its own transaction: (unit name, entry key)."""
    from baosong.ledger.errors import LedgerError

    with application.sessions() as session:
        try:
            entry = record(session)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
        return entry.unit.name, entry.key


@app.command()
def endorse(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="单位全称或简称。", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="批示人：主要负责同志（principal）或 分管负责同志（deputy）。", show_default=False)],
    on: Annotated[Optional[str], typer.Option("--date", help="批示日期 YYYY-MM-DD，决定计入哪个月；默认今天。")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注，如批示的是哪一期通报。")] = None,
) -> None:
    """登记通报被某单位主要负责同志或分管负责同志批示（按 scoring.yaml 的 endorsements 加分）。"""
    from baosong.ledger.unit_entries import record_endorsement

    application = open_app()
    scoring = application.config.scoring
    day = _day(on, application.config.tz)
    name, who = _office_entry(application, lambda session: record_endorsement(
        session, unit, by, scoring, on=day, note=note))
    points = getattr(scoring.endorsements, who)
    label = say("cli.endorse_principal") if who == "principal" else say("cli.endorse_deputy")
    out.print(say("cli.endorse_recorded", unit=name, who=label, points=points, day=day), markup=False)


@app.command()
def adjust(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="单位全称或简称。", show_default=False)],
    key: Annotated[str, typer.Argument(metavar="ADJUSTMENT", help="调整项，须是 scoring.yaml 中 adjustments 的一个键。", show_default=False)],
    done: Annotated[Optional[bool], typer.Option("--done/--not-done", help="年度任务是否完成（按完成与否计分的调整项必填）。", show_default=False)] = None,
    on: Annotated[Optional[str], typer.Option("--date", help="日期 YYYY-MM-DD，决定计入哪个周期；默认今天。")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注。")] = None,
) -> None:
    """登记某单位的加减分调整项（如年度培训、跟岗轮训、信息失实、批示反馈）。"""
    from baosong.ledger.unit_entries import record_adjustment

    application = open_app()
    scoring = application.config.scoring
    day = _day(on, application.config.tz)
    name, _ = _office_entry(application, lambda session: record_adjustment(
        session, unit, key, scoring, on=day, done=done, note=note))
    rule = scoring.adjustments[key]
    points = rule.points if rule.points is not None else (rule.done if done else rule.not_done) or 0
    how = "" if done is None else (say("cli.adjust_done") if done else say("cli.adjust_not_done"))
    when = say("cli.adjust_yearly") if rule.period == "year" else ""
    out.print(say("cli.adjust_recorded", unit=name, label=rule.label or key, done=how, points=points, yearly=when,
                  day=day), markup=False)


def _period(month: str | None, quarter: str | None, half: str | None, year: str | None, scoring):
    from baosong.ledger.periods import Period
    from baosong.ledger.regime.context import scoring_year_of

    given = [(k, v) for k, v in (("month", month), ("quarter", quarter), ("half", half), ("year", year)) if v]
    if len(given) != 1:
        fail(say("cli.no_period"))
    kind, text = given[0]
    try:
        return Period.parse(kind, text, scoring_year_of(scoring))
    except ValueError as exc:
        fail(str(exc))


@app.command()
def score(
    month: Annotated[Optional[str], typer.Option("--month", help="月份 YYYY-MM。", show_default=False)] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", help="季度，例如 2026Q4。", show_default=False)] = None,
    half: Annotated[Optional[str], typer.Option("--half", help="半年，例如 2026H2（下半年）。", show_default=False)] = None,
    year: Annotated[Optional[str], typer.Option("--year", help="年度，例如 2026（按 scoring.yaml 的计分年度）。", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    at: Annotated[Optional[str], typer.Option("--at", help="按这个时间计算约稿状态和报送任务（尚未结束的月份只计进度，不扣分；默认现在），例如 2026-12-06 09:00。")] = None,
) -> None:
    """计算某月（季度、半年、年度）各单位得分、任务完成情况和分类排名。"""
    application = open_app()
    period = _period(month, quarter, half, year, application.config.scoring)
    scores = application.period_scores(period, _parse_when(at, application.config.tz) if at else None)
    if as_json:
        _json([s.as_json() for s in scores])
        return
    from baosong.views import class_labels, ranking_table

    out.print(ranking_table(scores, class_labels(application.config.scoring.classes), period))
    for s in scores:
        for w in s.warnings:
            warn(say("cli.unit_warning", unit=s.unit, warning=w))


_NOTICE_MONTH = "通报的月份 YYYY-MM。"
_NOTICE_QUARTER = "季度通报，例如 2026Q4（按季度通报的办法，如烟草系统）。"
_NOTICE_HALF = "半年通报，例如 2026H2（下半年）。"
_NOTICE_YEAR = "年度通报，例如 2026（按 scoring.yaml 的计分年度）。"


def _notice_period(application, month: str | None, quarter: str | None, half: str | None, year: str | None):
    """The notice's period from exactly one of --month / --quarter / --half / --year."""
    from baosong.notices import as_notice_period

    given = [v for v in (month, quarter, half, year) if v]
    if len(given) != 1:
        fail(say("cli.no_notice_period"))
    return as_notice_period(_period(month, quarter, half, year, application.config.scoring))


@notify_app.command("monthly")
def notify_monthly(
    month: Annotated[Optional[str], typer.Option("--month", help=_NOTICE_MONTH, show_default=False)] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", help=_NOTICE_QUARTER, show_default=False)] = None,
    half: Annotated[Optional[str], typer.Option("--half", help=_NOTICE_HALF, show_default=False)] = None,
    year: Annotated[Optional[str], typer.Option("--year", help=_NOTICE_YEAR, show_default=False)] = None,
    outbox: Annotated[Optional[Path], typer.Option("--outbox", help="只预览：把批准后将发出的每封邮件写成 .eml 文件放到这个目录，不发送、不记为已发。")] = None,
    resend: Annotated[bool, typer.Option("--resend", help="本期通报已发过也再发一次。")] = False,
) -> None:
    """发送通报（月度；--quarter/--half/--year 发季度、半年、年度通报）给办公室收件人和各单位主要负责同志；
    须批准时先把送审稿发给信息科。"""
    application = open_app()
    period = _notice_period(application, month, quarter, half, year)
    if outbox is not None:
        _preview(application, period, outbox)
        return
    from baosong.notices import NoticeError, send_notice

    try:
        run = send_notice(application, period, resend=resend)
    except NoticeError as exc:
        fail(str(exc))
    if run.refused:
        fail(run.refused)
    if run.awaiting_approval:
        out.print(say("cli.notice_awaiting_approval", period=period.label, code=run.awaiting_approval, key=period,
                      summary=run.delivery.summary()), markup=False)
        _delivery_exit(run.delivery)
        return
    if run.skipped and not run.queued:
        out.print(say("cli.notice_sent_before", period=period.label, count=run.skipped))
        return
    out.print(say("cli.notice_sent", period=period.label, summary=run.delivery.summary()))
    _delivery_exit(run.delivery)


def _delivery_exit(delivery) -> None:
    for e in delivery.errors[:5]:
        problem("  " + say("cli.sending_problem_label"), e)
    if delivery.all_failed:
        raise typer.Exit(1)


def _preview(application, period, folder: Path) -> None:
    from baosong.notices import NoticeError, preview, refusal

    try:
        written = preview(application, period, folder)
    except NoticeError as exc:
        fail(str(exc))
    out.print(say("cli.notice_preview", period=period.label, count=len(written), folder=folder), markup=False)
    # the preview applies no guard (the office may look at any period), but says when the real run would refuse
    why = refusal(application, period)
    if why:
        out.print(say("cli.notice_preview_refused", why=why), markup=False, soft_wrap=True)


@notify_app.command("preview")
def notify_preview(
    month: Annotated[Optional[str], typer.Option("--month", help=_NOTICE_MONTH, show_default=False)] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", help=_NOTICE_QUARTER, show_default=False)] = None,
    half: Annotated[Optional[str], typer.Option("--half", help=_NOTICE_HALF, show_default=False)] = None,
    year: Annotated[Optional[str], typer.Option("--year", help=_NOTICE_YEAR, show_default=False)] = None,
    outbox: Annotated[Path, typer.Option("--outbox", help="写入 .eml 文件的目录。")] = Path("notice-preview"),
) -> None:
    """预览某期通报：写出批准后将发出的每封邮件（.eml），不发送、不记为已发。"""
    application = open_app()
    _preview(application, _notice_period(application, month, quarter, half, year), outbox)


@notify_app.command("approve")
def notify_approve(
    period: Annotated[str, typer.Argument(metavar="PERIOD", help="通报的期别：月份 2026-10，季度 2026Q4，半年 2026H2，年度 2026。", show_default=False)],
) -> None:
    """批准某期通报（送审稿已发给信息科之后），随即发出。"""
    import getpass

    from baosong.notices import NoticeError, approve, parse_period

    application = open_app()
    try:
        month = parse_period(application, period)
        result = approve(application, str(month), f"cli:{getpass.getuser()}")
    except NoticeError as exc:
        fail(str(exc))
    run = result.run
    state = say("cli.approved") if result.newly else say("cli.approved_before")
    if run is None or run.refused:
        fail(say("cli.approved_not_sent", period=month.label, state=state, why=run.refused if run else ""))
    if run.skipped and not run.queued:
        out.print(say("cli.approved_sent_before", period=month.label, state=state, count=run.skipped))
        return
    out.print(say("cli.approved_sent", period=month.label, state=state, summary=run.delivery.summary()))
    _delivery_exit(run.delivery)


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """运行状况：各邮箱最近收信及结果、今日收信、待发和发送失败的邮件、处理失败的邮件、下次任务；
    某邮箱超过 daemon.stale_minutes 未成功收信时返回非零（供监控使用）。"""
    from baosong.status import collect, status_lines

    application = open_app()
    report = collect(application)
    if as_json:
        _json(report)
    else:
        for line in status_lines(report):
            out.print(line, markup=False, soft_wrap=True)
    if not report["ok"]:
        raise typer.Exit(1)


@notify_app.command("letters")
def notify_letters(
    month: Annotated[str, typer.Option("--month", help="按哪个月的排名约谈，YYYY-MM。", show_default=False)],
    outbox: Annotated[Optional[Path], typer.Option("--outbox", help="不发送，把每封反馈函邮件写成 .eml 文件放到这个目录（预览）。")] = None,
    at: Annotated[Optional[str], typer.Option("--at", help="按这个时间计算约稿情况和落款日期（ISO 时间）；默认现在。")] = None,
) -> None:
    """约谈反馈函：按 scoring.yaml 的 interviews 规则选出单位，给主要负责同志发《反馈函》（抄送办公室）。"""
    from baosong.letters import send_letters
    from baosong.notices import NoticeError

    application = open_app()
    period = _month(month)
    now = _parse_when(at, application.config.tz) if at else None
    if outbox is not None:  # a pure preview: every letter written as it would go out, nothing queued or marked
        from baosong.letters import build_letters
        from baosong.notices import preview_mails, refusal

        try:
            written = preview_mails(application, build_letters(application, period, now=now), outbox)
        except NoticeError as exc:
            fail(str(exc))
        out.print(say("cli.letters_preview", period=period.label, count=len(written), folder=outbox))
        why = refusal(application, period)   # the preview applies no guard, but says when sending would be refused
        if why:
            out.print(say("cli.letters_preview_refused", why=why), markup=False, soft_wrap=True)
        return
    try:
        result = send_letters(application, period, transport=None, now=now)
    except NoticeError as exc:
        fail(str(exc))
    if not result.mails:
        out.print(say("cli.letters_none", period=period.label))
        return
    for mail in result.mails:
        cc = say("cli.letters_cc", cc=escape(", ".join(mail.cc))) if mail.cc else ""
        out.print(f"  {escape(mail.subject)} → {escape(', '.join(mail.to))}{cc}")
    if result.skipped and not result.queued:
        out.print(say("cli.letters_sent_before", period=period.label, count=result.skipped))
        return
    out.print(say("cli.letters_sent", period=period.label, summary=result.delivery.summary()))
    for e in result.delivery.errors[:5]:
        problem("  " + say("cli.sending_problem_label"), e)
    if result.delivery.failed or result.delivery.deferred:
        raise typer.Exit(1)


@notify_app.command("reminders")
def notify_reminders(
    outbox: Annotated[Optional[Path], typer.Option("--outbox", help="不发送，把提醒写成 .eml 文件放到这个目录（预览）。")] = None,
    at: Annotated[Optional[str], typer.Option("--at", help="按这个时间判断（ISO 时间）；默认现在。")] = None,
) -> None:
    """运行一次提醒：约稿截止前 N 小时提醒尚未报送的单位；（可选）月中提醒报送进度落后的单位。"""
    from baosong.notices import NoticeError
    from baosong.notify.send import FolderTransport
    from baosong.reminders import send_reminders

    application = open_app()
    now = _parse_when(at, application.config.tz) if at else None
    try:
        commissions, pace = send_reminders(application, now=now, transport=FolderTransport(outbox) if outbox else None)
    except NoticeError as exc:
        fail(str(exc))
    for label, result in ((say("cli.reminders_commissions"), commissions), (say("cli.reminders_pace"), pace)):
        if result.queued:
            out.print(say("cli.reminders_counts_sent", label=label, queued=result.queued, skipped=result.skipped,
                          summary=result.delivery.summary()))
        else:
            out.print(say("cli.reminders_counts", label=label, queued=result.queued, skipped=result.skipped))
        for mail in result.mails:
            out.print(f"  {escape(mail.subject)} → {escape(', '.join(mail.to))}")
        for e in result.delivery.errors[:5]:
            problem("  " + say("cli.sending_problem_label"), e)
    if any(r.delivery.failed or r.delivery.deferred for r in (commissions, pace)):
        raise typer.Exit(1)


@app.command()
def run() -> None:
    """以守护进程方式运行：定时收信，每月按时发送通报。"""
    from baosong.config.checks import install_log_masking
    from baosong.daemon import run_daemon

    install_log_masking()
    application = open_app()
    run_daemon(application, out)


@app.command()
def demo(
    directory: Annotated[Optional[Path], typer.Option("--dir", help="演示数据目录（默认 ./baosong-demo）。")] = None,
) -> None:
    """在本机演示完整流程：启动本地 IMAP/SMTP 服务器，投递一个月的样稿，收稿、计分、发通报。"""
    from baosong.demo.run import run_demo

    run_demo(directory or Path("baosong-demo"), out)


# `baosong commission …` lives in its own module (it uses the helpers above)
from baosong.commission_cli import commission_app  # noqa: E402

app.add_typer(commission_app, name="commission")


def _register_correction_commands() -> None:
    from baosong.cli_corrections import register

    register(app, ledger_app)


_register_correction_commands()


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
