"""The `baosong` command line. Messages for people are in Chinese; JSON output is a stable contract."""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from baosong.config.loader import ConfigError

# Start-up: every command module (config loader and pydantic, the ORM, the intake) is imported inside
# the command that needs it, so `--help`, `extract` and `inspect` stay fast (bench/bench_startup.py);
# tests/test_startup.py checks that they never import sqlalchemy.orm.

app = typer.Typer(
    help="报送（baosong）：政务信息报送邮箱自动收稿、登记、计分和通报。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ledger_app = typer.Typer(help="台账：查看已登记的稿件。", no_args_is_help=True)
notify_app = typer.Typer(help="通报：月度通报、约谈反馈函、提醒。", no_args_is_help=True)
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
    err.print(f"[bold red]错误：[/]{escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    err.print(f"[yellow]提醒：[/]{escape(message)}", soft_wrap=True)


def problem(label: str, message: str) -> None:
    err.print(f"[red]{label}：[/]{escape(message)}", soft_wrap=True)


def _print_problems(e: ConfigError) -> None:
    err.print(f"[bold red]配置有 {len(e.problems)} 处问题：[/]")
    for p in e.problems:
        err.print(f"  • {p}", soft_wrap=True, markup=False)


def _config_dir() -> Path:
    from baosong.config.loader import default_config_dir

    return _state["config"] or default_config_dir()


def open_app():  # -> baosong.app.App
    from baosong.app import App
    from baosong.config.loader import ConfigError

    try:
        return App.open(_config_dir())
    except ConfigError as e:
        _print_problems(e)
        raise typer.Exit(1) from None


def _verdict_label(value: str) -> str:
    from baosong.notify.labels import verdict_labels

    return verdict_labels().get(value, value)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"无法读取文件 {path}：{exc.strerror or exc}")


def _parse_when(text: str, tz) -> datetime:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        fail(f"时间格式不对：{text!r}，应为 ISO 格式，例如 2026-10-12T09:30:00+08:00 或 2026-10-12 09:30")
    return when if when.tzinfo else when.replace(tzinfo=tz)


def _month(text: str):
    from baosong.ledger.periods import Month

    try:
        return Month.parse(text)
    except ValueError as exc:
        fail(str(exc))


# ------------------------------------------------------------------ commands


_PERIOD_LABELS = {"month": "月", "quarter": "季度", "half": "半年", "year": "年度"}


@app.command("check-config")
def check_config(config_dir: ConfigOption = None) -> None:
    """检查配置文件（settings.yaml、units.yaml、scoring.yaml）。"""
    from baosong.config.loader import ConfigError, load_config

    directory = config_dir or _config_dir()
    try:
        config = load_config(directory)
    except ConfigError as e:
        _print_problems(e)
        raise typer.Exit(1) from None
    for w in config.warnings:
        warn(str(w))
    classes: dict[str, int] = {}
    for u in config.units:
        classes[u.class_] = classes.get(u.class_, 0) + 1
    labels = {k: (c.label or f"{k}类") for k, c in config.scoring.classes.items()}
    summary = "，".join(f"{labels.get(k, k)} {v} 个" for k, v in classes.items())
    out.print(f"配置正确：{config.directory}")
    out.print(f"  计分办法：{config.scoring.regime}（计分周期：{_PERIOD_LABELS[config.scoring.period]}）")
    out.print(f"  单位 {len(config.units)} 个（{summary}），报送邮箱 {len(config.settings.mailboxes)} 个，"
              f"刊物 {len(config.scoring.outlets)} 种")
    out.print(f"  数据库：{config.database_url}")


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
        from baosong.processing import piece_seen_in

        with sessions() as session:
            verdict = judge_raw(application.config, raw, piece_seen_in(session))
    if as_json:
        _json(verdict.as_json())
        return
    out.print(f"结论：{_verdict_label(verdict.verdict.value)}（{verdict.verdict.value}）"
              + (f"  原因：{verdict.reason}" if verdict.reason else ""))
    out.print(f"发件人：{verdict.sender or '（无）'}  单位：{verdict.unit or '未登记'}")
    if verdict.detail:
        out.print(f"说明：{verdict.detail}", markup=False)
    for p in verdict.pieces:
        out.print(f"  稿件：{p.title or '（无标题）'}｜{p.category or '未标明分类'}｜{p.word_count} 字｜"
                  f"作者 {p.author or '—'}｜来源 {p.source}", markup=False)


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="一篇 Word 文档（.docx）。", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """从一篇 .docx 稿件中提取标题、单位、作者、分类和字数。"""
    from baosong.config.loader import ConfigError, load_config
    from baosong.intake.extract import DEFAULT_CATEGORIES, extract_docx
    from baosong.intake.readers.base import UnreadableDocument

    categories: tuple[str, ...] = tuple(DEFAULT_CATEGORIES)
    try:
        categories = tuple(load_config(_config_dir()).scoring.categories)
    except ConfigError:
        pass  # extraction works without a config; categories fall back to Tengzhou's five
    try:
        ex = extract_docx(_read_file(file), filename=file.name, categories=categories)
    except UnreadableDocument as exc:
        fail(f"{file} 不是可读的 .docx 文档：{exc}")
    data = {"title": ex.title, "unit": ex.unit, "author": ex.author, "category": ex.category,
            "word_count": ex.word_count}
    if as_json:
        _json(data)
        return
    labels = {"title": "标题", "unit": "单位", "author": "作者", "category": "分类", "word_count": "字数"}
    for key, label in labels.items():
        out.print(f"{label}：{data[key] if data[key] is not None else '（未识别）'}", markup=False)



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
        raw = _read_file(path)
        when = fixed or received_time(raw)
        if when is None:
            warn(f"{path} 没有 Received 头，也没有 --received-at，按当前时间登记")
        try:
            outcome = process(application, raw, mailbox="ingest", received_at=when)
        except Exception as exc:  # report and continue with the other files
            failures += 1
            problem("失败", f"{path}：{exc!r}")
            continue
        state = "已登记" if outcome.new else "此前已登记，跳过"
        out.print(f"{path.name}：{state}｜{_verdict_label(outcome.verdict)}"
                  + (f"（{outcome.reason}）" if outcome.reason else "")
                  + f"｜{outcome.unit or outcome.sender}｜稿件 {outcome.pieces} 篇｜台账编号 {outcome.ledger_id}",
                  markup=False)
    report = deliver(application)
    if report and report.anything:
        out.print(report.summary("回复邮件"))
        for e in report.errors[:5]:
            problem("  发信问题", e)
    if failures:
        raise typer.Exit(1)


def _poll_once(application) -> bool:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

    from baosong.poll import poll_all

    columns = (TextColumn("收信：{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
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
        for e in r.errors:
            ok = False
            problem("  问题", e)
    if not reports:
        warn("settings.yaml 中没有配置报送邮箱（mailboxes）")
    if delivery is not None and delivery.anything:
        out.print(delivery.summary())
        for e in delivery.errors[:5]:
            problem("  发信问题", e)
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
    out.print(f"每 {minutes} 分钟收一次邮件，按 Ctrl-C 停止。")
    try:
        while True:
            _poll_once(application)
            time.sleep(minutes * 60)
    except KeyboardInterrupt:
        out.print("已停止。")


@ledger_app.command("list")
def ledger_list(
    month: Annotated[Optional[str], typer.Option("--month", help="月份 YYYY-MM；不填则列出全部。")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """列出已登记的稿件。"""
    from baosong.views import ledger_table, piece_rows

    application = open_app()
    period = _month(month) if month else None
    with application.sessions() as session:
        rows = piece_rows(session, period, application.config.tz)
    if as_json:
        _json(rows)
        return
    out.print(ledger_table(rows, period))


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
) -> None:
    """登记一篇稿件被某刊物采用（可同时登记领导批示、稿件类型和合作单位）。"""
    from baosong.ledger.credits import record_adoption
    from baosong.ledger.errors import LedgerError
    from baosong.ledger.models import Piece
    from baosong.ledger.piece_credit import add_joint_units, set_piece_type
    from baosong.ledger.regime.context import points_for

    application = open_app()
    scoring = application.config.scoring
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            fail(f"日期格式不对：{on!r}，应为 YYYY-MM-DD")
    else:
        day = datetime.now(application.config.tz).date()
    with application.sessions() as session:
        piece = session.get(Piece, piece_id)
        try:
            if piece is not None and piece_type:
                set_piece_type(session, piece, piece_type, scoring)
            added = add_joint_units(session, piece, joint) if piece is not None and joint else []
            adoption, instr = record_adoption(session, piece_id, outlet, scoring, on=day, instruction=instruction)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
        title = piece.title if piece is not None else None
        kind = piece.piece_type or piece.category if piece is not None else None
    parts = []
    if adoption:
        value = points_for(scoring.outlets[outlet], kind)
        shown = f"{value:g} 分" if value is not None else "按类型计分，稿件类型未知，请用 --type 补登"
        parts.append(f"被“{outlet}”采用（{shown}）")
    if instr:
        parts.append(f"获“{instruction}”批示（{scoring.instructions[instruction]:g} 分）")
    if added:
        parts.append(f"与{'、'.join(added)}合作（得分平分）")
    out.print(f"已登记：稿件 {piece_id}《{title or '无标题'}》" + "，".join(parts) + f"，日期 {day}", markup=False)


def _day(on: str | None, tz) -> date:
    if not on:
        return datetime.now(tz).date()
    try:
        return date.fromisoformat(on)
    except ValueError:
        fail(f"日期格式不对：{on!r}，应为 YYYY-MM-DD")


@app.command()
def endorse(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="单位全称或简称。", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="批示人：主要负责同志（principal）或 分管负责同志（deputy）。", show_default=False)],
    on: Annotated[Optional[str], typer.Option("--date", help="批示日期 YYYY-MM-DD，决定计入哪个月；默认今天。")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注，如批示的是哪一期通报。")] = None,
) -> None:
    """登记通报被某单位主要负责同志或分管负责同志批示（按 scoring.yaml 的 endorsements 加分）。"""
    from baosong.ledger.errors import LedgerError
    from baosong.ledger.unit_entries import record_endorsement

    application = open_app()
    scoring = application.config.scoring
    day = _day(on, application.config.tz)
    with application.sessions() as session:
        try:
            entry = record_endorsement(session, unit, by, scoring, on=day, note=note)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
        name = entry.unit.name
        who = entry.key
    points = getattr(scoring.endorsements, who)
    label = "主要负责同志" if who == "principal" else "分管负责同志"
    out.print(f"已登记：{name} {label}批示通报（{points:+g} 分），日期 {day}", markup=False)


@app.command()
def adjust(
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="单位全称或简称。", show_default=False)],
    key: Annotated[str, typer.Argument(metavar="ADJUSTMENT", help="调整项，须是 scoring.yaml 中 adjustments 的一个键。", show_default=False)],
    done: Annotated[Optional[bool], typer.Option("--done/--not-done", help="年度任务是否完成（按完成与否计分的调整项必填）。", show_default=False)] = None,
    on: Annotated[Optional[str], typer.Option("--date", help="日期 YYYY-MM-DD，决定计入哪个周期；默认今天。")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="备注。")] = None,
) -> None:
    """登记某单位的加减分调整项（如年度培训、跟岗轮训、信息失实、批示反馈）。"""
    from baosong.ledger.errors import LedgerError
    from baosong.ledger.unit_entries import record_adjustment

    application = open_app()
    scoring = application.config.scoring
    day = _day(on, application.config.tz)
    with application.sessions() as session:
        try:
            entry = record_adjustment(session, unit, key, scoring, on=day, done=done, note=note)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
        name = entry.unit.name
    rule = scoring.adjustments[key]
    points = rule.points if rule.points is not None else (rule.done if done else rule.not_done) or 0
    how = "" if done is None else ("（完成）" if done else "（未完成）")
    when = "，按年度计入" if rule.period == "year" else ""
    out.print(f"已登记：{name} {rule.label or key}{how}（{points:+g} 分{when}），日期 {day}", markup=False)


def _period(month: str | None, quarter: str | None, half: str | None, year: str | None, scoring):
    from baosong.ledger.periods import Period
    from baosong.ledger.regime.context import scoring_year_of

    given = [(k, v) for k, v in (("month", month), ("quarter", quarter), ("half", half), ("year", year)) if v]
    if len(given) != 1:
        fail("请给出一个计分周期：--month 2026-10、--quarter 2026Q4、--half 2026H2 或 --year 2026（只能选一个）")
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
) -> None:
    """计算某月（季度、半年、年度）各单位得分、任务完成情况和分类排名。"""
    from baosong.notices import period_scores
    from baosong.views import class_labels, ranking_table

    application = open_app()
    period = _period(month, quarter, half, year, application.config.scoring)
    scores = period_scores(application, period)
    if as_json:
        _json([s.as_json() for s in scores])
        return
    out.print(ranking_table(scores, class_labels(application.config.scoring.classes), period))
    for s in scores:
        for w in s.warnings:
            warn(f"{s.unit}：{w}")


@notify_app.command("monthly")
def notify_monthly(
    month: Annotated[str, typer.Option("--month", help="通报的月份 YYYY-MM。", show_default=False)],
    outbox: Annotated[Optional[Path], typer.Option("--outbox", help="不发送，把每封邮件写成 .eml 文件放到这个目录。")] = None,
    resend: Annotated[bool, typer.Option("--resend", help="本月通报已发过也再发一次。")] = False,
) -> None:
    """发送月度通报（给办公室收件人和各单位主要负责同志）。"""
    from baosong.notices import NoticeError, send_monthly
    from baosong.notify.send import FolderTransport

    application = open_app()
    period = _month(month)
    transport = FolderTransport(outbox) if outbox else None
    try:
        run = send_monthly(application, period, transport=transport, resend=resend)
    except NoticeError as exc:
        fail(str(exc))
    if run.skipped and not run.queued:
        out.print(f"{period.label}的通报此前已发送（{run.skipped} 封），未重复发送；如需重发请加 --resend。")
        return
    where = f"写入 {outbox}" if outbox else "发送"
    out.print(f"{period.label}通报（{where}）：{run.delivery.summary()}")
    for e in run.delivery.errors[:5]:
        problem("  发信问题", e)
    if run.delivery.failed or run.delivery.deferred:
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
    from baosong.notify.send import FolderTransport

    application = open_app()
    period = _month(month)
    now = _parse_when(at, application.config.tz) if at else None
    try:
        result = send_letters(application, period, transport=FolderTransport(outbox) if outbox else None, now=now)
    except NoticeError as exc:
        fail(str(exc))
    if not result.mails:
        out.print(f"{period.label}没有需要约谈的单位（规则见 scoring.yaml 的 interviews）。")
        return
    for mail in result.mails:
        out.print(f"  {escape(mail.subject)} → {escape(', '.join(mail.to))}" + (f"（抄送 {escape(', '.join(mail.cc))}）" if mail.cc else ""))
    if result.skipped and not result.queued:
        out.print(f"{period.label}的反馈函此前已发送（{result.skipped} 封），未重复发送。")
        return
    where = f"写入 {outbox}" if outbox else "发送"
    out.print(f"{period.label}反馈函（{where}）：{result.delivery.summary()}")
    for e in result.delivery.errors[:5]:
        problem("  发信问题", e)
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
    for label, result in (("约稿提醒", commissions), ("进度提醒", pace)):
        out.print(f"{label}：新发 {result.queued} 封，此前已发 {result.skipped} 封" +
                  (f"；{result.delivery.summary()}" if result.queued else ""))
        for mail in result.mails:
            out.print(f"  {escape(mail.subject)} → {escape(', '.join(mail.to))}")
        for e in result.delivery.errors[:5]:
            problem("  发信问题", e)
    if any(r.delivery.failed or r.delivery.deferred for r in (commissions, pace)):
        raise typer.Exit(1)


@app.command()
def run() -> None:
    """以守护进程方式运行：定时收信，每月按时发送通报。"""
    from baosong.daemon import run_daemon

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


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
