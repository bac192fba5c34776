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

from baosong.vocabulary import VERDICT_LABELS

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
notify_app = typer.Typer(help="通报：发送月度通报。", no_args_is_help=True)
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


@app.command("check-config")
def check_config() -> None:
    """检查配置文件（settings.yaml、units.yaml、scoring.yaml）。"""
    from baosong.config.loader import ConfigError, load_config

    directory = _config_dir()
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
    summary = "，".join(f"{k}类 {v} 个" for k, v in classes.items())
    out.print(f"配置正确：{config.directory}")
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
    out.print(f"结论：{VERDICT_LABELS[verdict.verdict.value]}（{verdict.verdict.value}）"
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
        out.print(f"{path.name}：{state}｜{VERDICT_LABELS[outcome.verdict]}"
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
        out.print(f"还有 {total - offset - len(page)} 篇未显示：用 --offset {offset + len(page)} 查看后面的稿件，"
                  "--limit 0 显示全部。")


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
) -> None:
    """登记一篇稿件被某刊物采用（可同时登记领导批示）。"""
    from baosong.ledger.credits import record_adoption
    from baosong.ledger.errors import LedgerError

    application = open_app()
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            fail(f"日期格式不对：{on!r}，应为 YYYY-MM-DD")
    else:
        day = datetime.now(application.config.tz).date()
    with application.sessions() as session:
        try:
            adoption, instr = record_adoption(session, piece_id, outlet, application.config.scoring,
                                              on=day, instruction=instruction)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
        recorded = adoption or instr
        assert recorded is not None  # record_adoption records one or the other, or raises
        title = recorded.piece.title
    parts = []
    if adoption:
        parts.append(f"被“{outlet}”采用（{application.config.scoring.outlets[outlet]:g} 分）")
    if instr:
        parts.append(f"获“{instruction}”批示（{application.config.scoring.instructions[instruction]:g} 分）")
    out.print(f"已登记：稿件 {piece_id}《{title or '无标题'}》" + "，".join(parts) + f"，日期 {day}", markup=False)


@app.command()
def score(
    month: Annotated[str, typer.Option("--month", help="月份 YYYY-MM。", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
) -> None:
    """计算某月各单位得分和分类排名。"""
    from baosong.notices import month_scores
    from baosong.views import class_labels, ranking_table

    application = open_app()
    period = _month(month)
    scores = month_scores(application, period)
    if as_json:
        _json([s.as_json() for s in scores])
        return
    out.print(ranking_table(scores, class_labels(application.config.scoring.classes), period))


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


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
