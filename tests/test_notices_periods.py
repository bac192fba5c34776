"""Quarterly (half-yearly, yearly) notices where the regime says so, on aiosmtpd.

The tobacco regime (seed 003: 省局按季度通报) ships ``notices.periods: [quarter]``. Its quarterly notice goes
out by the command (``notify monthly --quarter``, the approval step, ``notify approve 2026Q4``) and by the
daemon's notice job on the configured day after the quarter ends, each exactly once (outbox keys
``notice:2026Q4:…``); previews touch nothing; a quarter without intake, or one before ``start_month``,
gets no notice; a catch-up sends only the latest due quarter and says which it skipped.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from conftest import problems, write_office_config
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.daemon import Daemon, notices_due
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.ledger.outbox import deliver_pending
from baosong.ledger.periods import Month, Period
from baosong.notices import approved, notice_sent, parse_period, preview, send_notice

TZ = ZoneInfo("Asia/Shanghai")
EXAMPLES = Path(__file__).resolve().parents[1] / "config" / "examples"
TOBACCO = EXAMPLES / "tobacco"
Q4 = Period.quarter(2026, 4)
QUARTER_SUBJECT = "采用情况通报（2026年第四季度）"


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def invoke(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def tobacco_config(tmp_path: Path, smtp_sink, *, require_approval: bool, **notices) -> Path:
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, source=TOBACCO, require_approval=require_approval)
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    shipped = yaml.safe_load((TOBACCO / "settings.yaml").read_text(encoding="utf-8"))
    settings["notices"] = {**shipped["notices"], "require_approval": require_approval, **notices}
    settings["schedule"] = {"poll_minutes": 30, "monthly_notice": {"day": 3, "hour": 9, "minute": 0}}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return config


def submit(app: App, when: datetime) -> None:
    piece = docx_bytes("甲市局推进现代烟草农业", ["正文内容。"], "（甲市烟草专卖局 张伟）")
    process_mail = mail(sender="jiashi-yc@example.com", to="office@example.com", subject="【信息】现代烟草农业",
                        body="请审阅", when=when, attachments=[("a.docx", piece, DOCX_TYPE)])
    from baosong.processing import process

    process(app, process_mail, mailbox="test", received_at=when)
    deliver_pending(app.sessions, app.smtp_transport())  # the receipt, out of the way


def quarterly(sink, label: str = QUARTER_SUBJECT) -> list:
    return [parse(m.data) for m in sink.messages if label in parse(m.data)["Subject"]]


def test_the_shipped_regimes_say_which_periods_and_a_wrong_one_is_reported(tmp_path: Path):
    shipped = {d.name: yaml.safe_load((d / "settings.yaml").read_text(encoding="utf-8"))["notices"]["periods"]
               for d in EXAMPLES.iterdir() if (d / "settings.yaml").exists()}
    assert shipped == {"tengzhou": ["month"], "tobacco": ["quarter"], "changchun-hitech": ["quarter"],
                       "changzhou-culture": ["month"], "changzhou-jiguan": ["quarter", "half"]}
    config = write_office_config(tmp_path / "config")
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    assert App.open(config).config.settings.notices.periods == ["month"]  # the default
    settings["notices"] = {"periods": ["month", "weekly"]}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    (problem,) = problems(config)
    assert "settings.yaml" in problem and "notices" in problem and "periods" in problem
    assert "不认识的通报期别" in problem and "unknown notice period" in problem and "'weekly'" in problem


def test_a_quarterly_notice_by_command_previewed_approved_and_sent_once(tmp_path: Path, smtp_sink):
    config = tobacco_config(tmp_path, smtp_sink, require_approval=True)
    app = App.open(config)
    submit(app, datetime(2026, 11, 12, 10, 0, tzinfo=TZ))
    smtp_sink.clear()

    # a preview is pure: every mail as it would go out, nothing sent, nothing marked
    result = invoke(config, "notify", "preview", "--quarter", "2026Q4", "--outbox", str(tmp_path / "p"))
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "p").glob("*.eml"))
    assert len(files) == 2  # the office, and 甲市局's principal (the only one registered)
    assert all(QUARTER_SUBJECT in parse(f.read_bytes())["Subject"] for f in files)
    assert preview(app, Q4, tmp_path / "q") and not smtp_sink.messages
    assert not notice_sent(app, Q4) and not approved(app, Q4)
    outbox = invoke(config, "notify", "monthly", "--quarter", "2026Q4", "--outbox", str(tmp_path / "o"))
    assert outbox.exit_code == 0 and len(list((tmp_path / "o").glob("*.eml"))) == 2 and not smtp_sink.messages

    # a quarter without intake, and a malformed or doubled period, are refused with nothing sent
    empty = invoke(config, "notify", "monthly", "--quarter", "2026Q3")
    assert empty.exit_code == 1 and "2026年第三季度没有收到任何邮件" in empty.output
    assert invoke(config, "notify", "monthly", "--quarter", "2026-Q5").exit_code == 1
    both = invoke(config, "notify", "monthly", "--quarter", "2026Q4", "--month", "2026-11")
    assert both.exit_code == 1 and "只能选一个" in both.output
    assert not smtp_sink.messages

    # the approval step: one draft to the office, then `notify approve 2026Q4` releases the quarter
    drafted = invoke(config, "notify", "monthly", "--quarter", "2026Q4")
    assert drafted.exit_code == 0, drafted.output
    assert "notifyapprove2026Q4" in "".join(drafted.output.split())  # the console wraps lines
    (draft,) = [parse(m.data) for m in smtp_sink.messages]
    assert "送审稿" in draft["Subject"] and "2026年第四季度" in draft["Subject"] and not quarterly(smtp_sink)
    attached = [parse(p.get_payload(decode=True)) for p in draft.iter_attachments()]
    assert len(attached) == 2 and all(QUARTER_SUBJECT in a["Subject"] for a in attached)
    released = invoke(config, "notify", "approve", "2026Q4")
    assert released.exit_code == 0 and "已批准" in released.output, released.output
    sent = quarterly(smtp_sink)
    assert len(sent) == 2 and approved(app, Q4) and notice_sent(app, Q4)
    assert {m["To"] for m in sent} == {"leaders-office@example.com, xinxike@example.com", "jiashi-leader@example.com"}
    office = next(m for m in sent if "xinxike@example.com" in m["To"])
    assert "现将2026年第四季度全省政务信息报送和采用情况通报如下" in office.get_body(("plain",)).get_content()
    assert any(a.get_filename().endswith("（2026年第四季度）.docx") for a in office.iter_attachments())
    # exactly once: again by the command, by the approval, and not as a month's notice either
    again = invoke(config, "notify", "monthly", "--quarter", "2026Q4")
    assert again.exit_code == 0 and "此前已发送" in again.output
    assert invoke(config, "notify", "approve", "2026Q4").exit_code == 0
    assert len(quarterly(smtp_sink)) == 2
    assert not notice_sent(app, Month(2026, 11))
    assert parse_period(app, "2026Q4") == Q4 and parse_period(app, "2026-11") == Month(2026, 11)
    assert parse_period(app, "2026H2") == Period.half(2026, 2) and parse_period(app, "2026") == Period.year(2026)


def test_the_daemon_sends_the_quarter_when_due_once_and_catches_up_only_the_latest(tmp_path: Path, smtp_sink):
    config = tobacco_config(tmp_path, smtp_sink, require_approval=False, start_month="2026-07")
    app = App.open(config)
    submit(app, datetime(2026, 11, 12, 10, 0, tzinfo=TZ))
    submit(app, datetime(2027, 2, 9, 10, 0, tzinfo=TZ))
    smtp_sink.clear()
    clock_at = [datetime(2026, 10, 3, 9, 30, tzinfo=TZ)]
    daemon = Daemon(app, clock=lambda: clock_at[0], holder="test")

    # 2026Q3 is due on October 3rd but had no intake: nothing is sent. Q2 ends before start_month.
    assert notices_due(app, clock_at[0]) == [Period.quarter(2026, 3)]
    daemon.notice_job()
    assert not smtp_sink.messages
    assert "早于 settings.yaml 中 notices.start_month" in send_notice(app, Period.quarter(2026, 2)).refused
    # the tobacco office sends no monthly notice, only the quarter (Q3 stays due: refused, never sent)
    assert notices_due(app, datetime(2026, 12, 3, 9, 30, tzinfo=TZ)) == [Period.quarter(2026, 3)]

    # before the day and hour after the quarter ends: not yet
    clock_at[0] = datetime(2027, 1, 3, 8, 59, tzinfo=TZ)
    assert notices_due(app, clock_at[0]) == []  # only ever the latest ended quarter: Q4, not due yet
    daemon.notice_job()
    assert not smtp_sink.messages
    # on time: the quarter's notices, once, however often the job runs
    clock_at[0] = datetime(2027, 1, 3, 9, 0, tzinfo=TZ)
    daemon.notice_job()
    daemon.notice_job()
    daemon.cycle()
    assert len(quarterly(smtp_sink)) == 2 and len(smtp_sink.messages) == 2
    assert notice_sent(app, Q4) and notices_due(app, clock_at[0]) == []

    # a daemon down over Q1's notice day (April 3rd): back on April 20th it catches up 2027Q1, once, and says so
    clock_at[0] = datetime(2027, 4, 20, 12, 0, tzinfo=TZ)
    daemon.notice_job()
    q1 = quarterly(smtp_sink, "采用情况通报（2027年第一季度）")
    assert len(q1) == 2
    alerts = [parse(m.data) for m in smtp_sink.messages if "只补发最近一期" in parse(m.data)["Subject"]]
    assert len(alerts) == 1 and "2027年第一季度" in alerts[0]["Subject"]
    daemon.notice_job()
    assert len(quarterly(smtp_sink, "采用情况通报（2027年第一季度）")) == 2 and len(smtp_sink.messages) == 5


def test_the_catch_up_names_the_quarter_it_skips(tmp_path: Path, smtp_sink):
    config = tobacco_config(tmp_path, smtp_sink, require_approval=False)
    app = App.open(config)
    submit(app, datetime(2026, 11, 12, 10, 0, tzinfo=TZ))
    submit(app, datetime(2027, 2, 9, 10, 0, tzinfo=TZ))
    smtp_sink.clear()
    daemon = Daemon(app, clock=lambda: datetime(2027, 4, 20, 12, 0, tzinfo=TZ), holder="test")
    daemon.notice_job()
    # 2027Q1 is sent; 2026Q4 (intake, never sent) is not, and the alert says so
    assert len(quarterly(smtp_sink, "采用情况通报（2027年第一季度）")) == 2 and not quarterly(smtp_sink)
    (alert,) = [parse(m.data) for m in smtp_sink.messages if "只补发最近一期" in parse(m.data)["Subject"]]
    assert "2026年第四季度" in alert.get_body(("plain",)).get_content()
    assert not notice_sent(app, Q4)


def test_monthly_config_still_means_the_month(tmp_path: Path, smtp_sink):
    """A regime with ``periods: [month, quarter]`` sends both, each under its own key, once."""
    config = tobacco_config(tmp_path, smtp_sink, require_approval=False)
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    settings["notices"]["periods"] = ["month", "quarter"]
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    app = App.open(config)
    submit(app, datetime(2026, 12, 7, 10, 0, tzinfo=TZ))
    smtp_sink.clear()
    at = datetime(2027, 1, 3, 9, 5, tzinfo=TZ)
    assert notices_due(app, at) == [Month(2026, 12), Q4]
    daemon = Daemon(app, clock=lambda: at, holder="test")
    daemon.notice_job()
    daemon.notice_job()
    subjects = [parse(m.data)["Subject"] for m in smtp_sink.messages]
    assert sum("（2026年12月）" in s for s in subjects) == 2 and sum("（2026年第四季度）" in s for s in subjects) == 2
    assert len(subjects) == 4


def test_half_years_and_a_custom_scoring_year_fall_due_the_month_after_they_end(tmp_path: Path):
    """Changchun's scoring year runs 1 January – 30 November: its yearly notice is due on December 3rd."""
    from baosong.daemon import due_at, last_ended
    from baosong.notices import scoring_year

    config = write_office_config(tmp_path / "config", source=EXAMPLES / "changchun-hitech")
    app = App.open(config)  # notice day 3, 09:00
    year = Period.year(2026, scoring_year(app))
    assert (year.start.isoformat(), year.end.isoformat()) == ("2026-01-01", "2026-12-01")
    assert due_at(app, year) == datetime(2026, 12, 3, 9, 0, tzinfo=TZ)
    assert last_ended(app, "year", datetime(2026, 11, 30, 23, 0, tzinfo=TZ)) == Period.year(2025, scoring_year(app))
    assert last_ended(app, "year", datetime(2026, 12, 1, 0, 0, tzinfo=TZ)) == year
    assert last_ended(app, "half", datetime(2026, 7, 2, 12, 0, tzinfo=TZ)) == Period.half(2026, 1)
    assert due_at(app, Period.half(2026, 2)) == datetime(2027, 1, 3, 9, 0, tzinfo=TZ)
    assert last_ended(app, "month", datetime(2026, 1, 2, 12, 0, tzinfo=TZ)) == Month(2025, 12)
    assert due_at(app, Month(2026, 12)) == due_at(app, Q4) == due_at(app, Period.half(2026, 2))
    assert parse_period(app, "2026") == year
