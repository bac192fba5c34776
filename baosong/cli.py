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
    help=say("help.cmd_baosong"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ledger_app = typer.Typer(help=say("help.cmd_ledger"), no_args_is_help=True)
notify_app = typer.Typer(help=say("help.cmd_notify"), no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")
app.add_typer(notify_app, name="notify")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

_state: dict[str, Any] = {"config": None}

ConfigOption = Annotated[
    Optional[Path],
    typer.Option("--config", "-c", help=say("help.config"),
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
    sys.stdout.write(_dumps(data) + "\n")


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


@app.command("check-config", help=say("help.cmd_check_config"))
def check_config(config_dir: ConfigOption = None) -> None:
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


@app.command(help=say("help.cmd_inspect"))
def inspect(
    file: Annotated[Path, typer.Argument(help=say("help.inspect_file"), show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help=say("help.inspect_json"))] = False,
) -> None:
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


@app.command(help=say("help.cmd_extract"))
def extract(
    file: Annotated[Path, typer.Argument(help=say("help.extract_file"), show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help=say("help.extract_json"))] = False,
    subject: Annotated[str, typer.Option("--subject", help=say("help.extract_subject"))] = "",
    sender: Annotated[str, typer.Option("--sender", help=say("help.extract_sender"))] = "",
) -> None:
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


@app.command(help=say("help.cmd_ingest"))
def ingest(
    files: Annotated[list[Path], typer.Argument(help=say("help.ingest_files"), show_default=False)],
    received_at: Annotated[Optional[str], typer.Option(
        "--received-at", help=say("help.ingest_received_at"))] = None,
) -> None:
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


@app.command(help=say("help.cmd_poll"))
def poll(
    once: Annotated[bool, typer.Option("--once", help=say("help.poll_once"))] = False,
) -> None:
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


@ledger_app.command("list", help=say("help.cmd_ledger_list"))
def ledger_list(
    month: Annotated[Optional[str], typer.Option("--month", help=say("help.ledger_list_month"))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=say("help.ledger_list_json"))] = False,
    limit: Annotated[Optional[int], typer.Option(
        "--limit", min=0, help=say("help.ledger_list_limit", page=TABLE_PAGE))] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help=say("help.ledger_list_offset"))] = 0,
) -> None:
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


_encode_str = json.encoder.encode_basestring  # the C function json.dumps(ensure_ascii=False) uses for str


def _dumps(data: Any, level: int = 0) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, nested ``level`` times (json.dumps with an indent is
    pure Python, slow on a long listing; this writes each run of plain values with json's C encoder, its
    item separator carrying the indent). Anything it does not expect goes through json.dumps itself, which
    writes it or raises as it always did. ``tests/test_json_listing.py`` holds it to json.dumps."""
    try:
        return _indented_value(data, level)
    except Exception:  # noqa: BLE001 - e.g. a non-string key, a value json cannot write, a cycle: json.dumps decides
        text = json.dumps(data, ensure_ascii=False, indent=2)
        return text.replace("\n", "\n" + "  " * level) if level else text


_CONTAINERS = (list, tuple, dict)
_FLAT: dict[int, Any] = {}  # json's C encoder with the item separator of each nesting level, made once


def _flat(level: int) -> Any:
    encode = _FLAT.get(level)
    if encode is None:
        separator = ",\n" + "  " * level
        plain = json.JSONEncoder(ensure_ascii=False, separators=(separator, ": "))
        c_encoder = getattr(json.encoder, "c_make_encoder", None)  # json's C accelerator (absent on some Pythons)
        if c_encoder is None:
            encode = plain.encode
        else:  # no circular check: a run of plain values holds no container
            made = c_encoder(None, plain.default, _encode_str, None, ": ", separator, False, False, True)
            encode = lambda value: "".join(made(value, 0))  # noqa: E731
        _FLAT[level] = encode
    return encode


def _indented_value(value: Any, level: int) -> str:
    if not isinstance(value, _CONTAINERS):
        return _flat(level)(value)
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    if level > 64:
        raise RecursionError("nested too deep: json.dumps decides")
    inner = "  " * (level + 1)
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if item and isinstance(item, _CONTAINERS):
            break
    else:  # one run of plain values
        text = _flat(level + 1)(value)
        return f"{text[0]}\n{inner}{text[1:-1]}\n{'  ' * level}{text[-1]}"
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError("a key json.dumps turns into a string its own way")
            parts.append(f"{inner}{_encode_str(key)}: {_indented_value(item, level + 1)}")
        return "{\n" + ",\n".join(parts) + f"\n{'  ' * level}}}"
    return "[\n" + ",\n".join(inner + _indented_value(item, level + 1) for item in value) + f"\n{'  ' * level}]"


def _indented(row: dict) -> str:
    """One item of a JSON list as ``_json`` writes it (nested once)."""
    return _dumps(row, 1)


@ledger_app.command("failures", help=say("help.cmd_ledger_failures"))
def ledger_failures(
    as_json: Annotated[bool, typer.Option("--json", help=say("help.ledger_failures_json"))] = False,
) -> None:
    from baosong.views import failure_rows, failures_table

    application = open_app()
    with application.sessions() as session:
        rows = failure_rows(session, application.config.tz)
    if as_json:
        _json(rows)
        return
    out.print(failures_table(rows))


@app.command(help=say("help.cmd_adopt"))
def adopt(
    piece_id: Annotated[int, typer.Argument(metavar="ID", help=say("help.adopt_piece_id"), show_default=False)],
    outlet: Annotated[str, typer.Argument(metavar="OUTLET", help=say("help.adopt_outlet"), show_default=False)],
    instruction: Annotated[Optional[str], typer.Option("--instruction", metavar="LEVEL", help=say("help.adopt_instruction"))] = None,
    on: Annotated[Optional[str], typer.Option("--date", help=say("help.adopt_on"))] = None,
    piece_type: Annotated[Optional[str], typer.Option("--type", metavar="TYPE", help=say("help.adopt_piece_type"))] = None,
    joint: Annotated[Optional[list[str]], typer.Option("--joint", metavar="UNIT", help=say("help.adopt_joint"))] = None,
    undo: Annotated[bool, typer.Option("--undo", help=say("help.adopt_undo"))] = False,
    reason: Annotated[Optional[str], typer.Option("--reason", help=say("help.adopt_reason"))] = None,
    by: Annotated[Optional[str], typer.Option("--by", help=say("help.adopt_by"))] = None,
) -> None:
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


@app.command(help=say("help.cmd_endorse"))
def endorse(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help=say("help.endorse_unit"), show_default=False)],
    by: Annotated[str, typer.Option("--by", help=say("help.endorse_by"), show_default=False)],
    on: Annotated[Optional[str], typer.Option("--date", help=say("help.endorse_on"))] = None,
    note: Annotated[Optional[str], typer.Option("--note", help=say("help.endorse_note"))] = None,
) -> None:
    from baosong.ledger.unit_entries import record_endorsement

    application = open_app()
    scoring = application.config.scoring
    day = _day(on, application.config.tz)
    name, who = _office_entry(application, lambda session: record_endorsement(
        session, unit, by, scoring, on=day, note=note))
    points = getattr(scoring.endorsements, who)
    label = say("cli.endorse_principal") if who == "principal" else say("cli.endorse_deputy")
    out.print(say("cli.endorse_recorded", unit=name, who=label, points=points, day=day), markup=False)


@app.command(help=say("help.cmd_adjust"))
def adjust(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help=say("help.adjust_unit"), show_default=False)],
    key: Annotated[str, typer.Argument(metavar="ADJUSTMENT", help=say("help.adjust_key"), show_default=False)],
    done: Annotated[Optional[bool], typer.Option("--done/--not-done", help=say("help.adjust_done"), show_default=False)] = None,
    on: Annotated[Optional[str], typer.Option("--date", help=say("help.adjust_on"))] = None,
    note: Annotated[Optional[str], typer.Option("--note", help=say("help.adjust_note"))] = None,
) -> None:
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


@app.command(help=say("help.cmd_score"))
def score(
    month: Annotated[Optional[str], typer.Option("--month", help=say("help.score_month"), show_default=False)] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", help=say("help.score_quarter"), show_default=False)] = None,
    half: Annotated[Optional[str], typer.Option("--half", help=say("help.score_half"), show_default=False)] = None,
    year: Annotated[Optional[str], typer.Option("--year", help=say("help.score_year"), show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help=say("help.score_json"))] = False,
    at: Annotated[Optional[str], typer.Option("--at", help=say("help.score_at"))] = None,
) -> None:
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


_NOTICE_MONTH = say("help.notice_month")
_NOTICE_QUARTER = say("help.notice_quarter")
_NOTICE_HALF = say("help.notice_half")
_NOTICE_YEAR = say("help.notice_year")


def _notice_period(application, month: str | None, quarter: str | None, half: str | None, year: str | None):
    """The notice's period from exactly one of --month / --quarter / --half / --year."""
    from baosong.notices import as_notice_period

    given = [v for v in (month, quarter, half, year) if v]
    if len(given) != 1:
        fail(say("cli.no_notice_period"))
    return as_notice_period(_period(month, quarter, half, year, application.config.scoring))


@notify_app.command("monthly", help=say("help.cmd_notify_monthly"))
def notify_monthly(
    month: Annotated[Optional[str], typer.Option("--month", help=_NOTICE_MONTH, show_default=False)] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", help=_NOTICE_QUARTER, show_default=False)] = None,
    half: Annotated[Optional[str], typer.Option("--half", help=_NOTICE_HALF, show_default=False)] = None,
    year: Annotated[Optional[str], typer.Option("--year", help=_NOTICE_YEAR, show_default=False)] = None,
    outbox: Annotated[Optional[Path], typer.Option("--outbox", help=say("help.notify_monthly_outbox"))] = None,
    resend: Annotated[bool, typer.Option("--resend", help=say("help.notify_monthly_resend"))] = False,
) -> None:
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


@notify_app.command("preview", help=say("help.cmd_notify_preview"))
def notify_preview(
    month: Annotated[Optional[str], typer.Option("--month", help=_NOTICE_MONTH, show_default=False)] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", help=_NOTICE_QUARTER, show_default=False)] = None,
    half: Annotated[Optional[str], typer.Option("--half", help=_NOTICE_HALF, show_default=False)] = None,
    year: Annotated[Optional[str], typer.Option("--year", help=_NOTICE_YEAR, show_default=False)] = None,
    outbox: Annotated[Path, typer.Option("--outbox", help=say("help.notify_preview_outbox"))] = Path("notice-preview"),
) -> None:
    application = open_app()
    _preview(application, _notice_period(application, month, quarter, half, year), outbox)


@notify_app.command("approve", help=say("help.cmd_notify_approve"))
def notify_approve(
    period: Annotated[str, typer.Argument(metavar="PERIOD", help=say("help.notify_approve_period"), show_default=False)],
) -> None:
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


@app.command(help=say("help.cmd_status"))
def status(
    as_json: Annotated[bool, typer.Option("--json", help=say("help.status_json"))] = False,
) -> None:
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


@notify_app.command("letters", help=say("help.cmd_notify_letters"))
def notify_letters(
    month: Annotated[str, typer.Option("--month", help=say("help.notify_letters_month"), show_default=False)],
    outbox: Annotated[Optional[Path], typer.Option("--outbox", help=say("help.notify_letters_outbox"))] = None,
    at: Annotated[Optional[str], typer.Option("--at", help=say("help.notify_letters_at"))] = None,
) -> None:
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


@notify_app.command("reminders", help=say("help.cmd_notify_reminders"))
def notify_reminders(
    outbox: Annotated[Optional[Path], typer.Option("--outbox", help=say("help.notify_reminders_outbox"))] = None,
    at: Annotated[Optional[str], typer.Option("--at", help=say("help.notify_reminders_at"))] = None,
) -> None:
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


@app.command(help=say("help.cmd_run"))
def run() -> None:
    from baosong.config.checks import install_log_masking
    from baosong.daemon import run_daemon

    install_log_masking()
    application = open_app()
    run_daemon(application, out)


@app.command(help=say("help.cmd_demo"))
def demo(
    directory: Annotated[Optional[Path], typer.Option("--dir", help=say("help.demo_directory"))] = None,
) -> None:
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
