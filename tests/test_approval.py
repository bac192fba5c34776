"""The approval step, the guards and previews, on aiosmtpd and Dovecot.

With ``notices.require_approval`` the month's notices first go to the office as one draft with a
code (every mail attached as it will go out); they are released by `baosong notify approve` or by a
reply from an office address quoting the code, polled from Dovecot. A unit quoting the code
releases nothing. Also: templates are autoescaped for HTML and can be overridden from the config.
"""

from __future__ import annotations

import re
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from conftest import write_office_config
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.daemon import Daemon
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.ledger.outbox import deliver_pending
from baosong.ledger.periods import Month
from baosong.notices import approved, notice_sent, preview, send_notice
from baosong.processing import process

TZ = ZoneInfo("Asia/Shanghai")
OCTOBER = datetime(2026, 10, 12, 10, 0, tzinfo=TZ)


def parse(data: bytes):
    return BytesParser(policy=policy.default).parsebytes(data)


def invoke(config: Path, *args: str):
    return CliRunner().invoke(cli, ["--config", str(config), *args])


def submit(app: App, when: datetime = OCTOBER, sender: str = "shangwu-xx@example.org") -> None:
    piece = docx_bytes("滕州市商务局促进消费回暖", ["正文。"], "（滕州市商务局 王芳）")
    process(app, mail(sender=sender, to="tzxxk@example.com", subject="【工作动态】促消费", body="请审阅", when=when,
                      attachments=[("a.docx", piece, DOCX_TYPE)]), mailbox="test", received_at=when)
    deliver_pending(app.sessions, app.smtp_transport())  # the receipt, out of the way


def notices(sink) -> list:
    return [parse(m.data) for m in sink.messages if "采用情况通报" in parse(m.data)["Subject"]]


def test_draft_then_approve_by_command(tmp_path: Path, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, require_approval=True)
    app = App.open(config)
    submit(app)
    smtp_sink.clear()
    result = invoke(config, "notify", "monthly", "--month", "2026-10")
    assert result.exit_code == 0, result.output
    code = re.search(r"审核码 ([A-Z0-9]{6})", result.output).group(1)
    assert len(smtp_sink.messages) == 1 and not notices(smtp_sink)  # only the draft, to the office
    draft = parse(smtp_sink.messages[0].data)
    assert smtp_sink.messages[0].rcpt_tos == ["leaders-office@example.com", "xinxike@example.com"]
    assert f"审核码：{code}" in draft["Subject"] and f"审核码：{code}" in draft.get_body(("plain",)).get_content()
    attached = [parse(p.get_payload(decode=True)) for p in draft.iter_attachments()]
    assert len(attached) == 7 and all("采用情况通报" in a["Subject"] for a in attached)

    again = invoke(config, "notify", "monthly", "--month", "2026-10")
    assert again.exit_code == 0 and len(smtp_sink.messages) == 1  # the draft goes once

    released = invoke(config, "notify", "approve", "2026-10")
    assert released.exit_code == 0 and "已批准" in released.output and "发出邮件 7 封" in released.output
    sent = notices(smtp_sink)
    assert len(sent) == 7
    # exactly what the draft showed
    assert sorted(a.get_body(("plain",)).get_content() for a in attached) == \
        sorted(s.get_body(("plain",)).get_content() for s in sent)
    twice = invoke(config, "notify", "approve", "2026-10")
    assert twice.exit_code == 0 and "此前已批准" in twice.output and len(notices(smtp_sink)) == 7
    assert invoke(config, "notify", "approve", "2026-09").exit_code == 1  # nothing awaits approval


def test_office_reply_quoting_the_code_releases_a_unit_quoting_it_does_not(tmp_path: Path, smtp_sink, imap_account):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, require_approval=True, mailboxes=[{
        "name": "报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password}])
    app = App.open(config)
    submit(app)
    clock = lambda: datetime(2026, 11, 3, 9, 30, tzinfo=TZ)  # noqa: E731 - notice day, 09:30
    daemon = Daemon(app, clock=clock, holder="test")
    daemon.cycle()
    drafts = [parse(m.data) for m in smtp_sink.messages if "送审稿" in parse(m.data)["Subject"]]
    assert len(drafts) == 1 and not notices(smtp_sink)
    code = re.search(r"审核码：([A-Z0-9]{6})", drafts[0]["Subject"]).group(1)

    client = imap_account.client()
    unit = mail(sender="shangwu-xx@example.org", to="tzxxk@example.com", subject=f"Re: {drafts[0]['Subject']}",
                body=f"同意。审核码：{code}", when=datetime(2026, 11, 3, 9, 40, tzinfo=TZ))
    client.append("INBOX", unit)
    daemon.cycle()
    assert not approved(app, Month(2026, 10)) and not notices(smtp_sink)  # a unit cannot release it

    reply = mail(sender="xinxike@example.com", to="tzxxk@example.com", subject=f"Re: {drafts[0]['Subject']}",
                 body=f"同意发出。\n\n> 审核码：{code}", when=datetime(2026, 11, 3, 9, 45, tzinfo=TZ))
    client.append("INBOX", reply)
    daemon.cycle()
    assert approved(app, Month(2026, 10))
    assert len(notices(smtp_sink)) == 7
    daemon.cycle()
    assert len(notices(smtp_sink)) == 7  # once
    inspected = invoke(config, "inspect", str(_write(tmp_path / "r.eml", reply)), "--json")
    assert '"approval_reply"' in inspected.output


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_guards_start_month_and_no_intake(tmp_path: Path, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink)
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    settings["notices"] = {"start_month": "2026-11", "require_approval": False}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    app = App.open(config)
    submit(app)
    run = send_notice(app, Month(2026, 10))
    assert run.refused and "start_month" in run.refused and not notices(smtp_sink)
    result = invoke(config, "notify", "monthly", "--month", "2026-10")
    assert result.exit_code == 1 and "start_month" in result.output
    nothing = invoke(config, "notify", "monthly", "--month", "2026-12")
    assert nothing.exit_code == 1 and "没有收到任何邮件" in nothing.output
    assert not notices(smtp_sink)
    # a preview of a refused period is still written (a pure preview), but says the real run will not send it
    # (audit A6), for every kind of period and both preview commands; a period the guards let through: no word
    for args, why in ((("notify", "monthly", "--month", "2026-10"), "start_month"),
                      (("notify", "preview", "--month", "2026-10"), "start_month"),
                      (("notify", "monthly", "--month", "2026-12"), "没有收到任何邮件"),
                      (("notify", "preview", "--quarter", "2026Q3"), "start_month"),
                      (("notify", "preview", "--quarter", "2027Q1"), "没有收到任何邮件"),
                      (("notify", "monthly", "--half", "2027H1"), "没有收到任何邮件"),
                      (("notify", "preview", "--year", "2025"), "start_month")):
        folder = tmp_path / "-".join(args[1:]).replace("--", "")
        result = invoke(config, *args, "--outbox", str(folder))
        assert result.exit_code == 0 and list(folder.glob("*.eml")), (args, result.output)
        assert "提醒：实际运行不会发送本期通报" in result.output and why in result.output, (args, result.output)
    submit(app, datetime(2026, 11, 12, 10, 0, tzinfo=TZ))
    passes = invoke(config, "notify", "preview", "--month", "2026-11", "--outbox", str(tmp_path / "ok"))
    assert passes.exit_code == 0 and "提醒" not in passes.output, passes.output
    assert not notices(smtp_sink) and not notice_sent(app, Month(2026, 10)) and not notice_sent(app, Month(2026, 11))


def test_preview_marks_nothing_and_html_is_autoescaped_and_templates_overridable(tmp_path: Path, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, require_approval=True)
    units = yaml.safe_load((config / "units.yaml").read_text(encoding="utf-8"))
    units["units"][0]["short"] = "<script>alert(1)</script>"
    (config / "units.yaml").write_text(yaml.safe_dump(units, allow_unicode=True), encoding="utf-8")
    app = App.open(config)
    submit(app)
    files = preview(app, Month(2026, 10), tmp_path / "p")
    assert len(files) == 7 and len(smtp_sink.messages) == 1  # the receipt only
    html = parse(files[0].read_bytes()).get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    result = invoke(config, "notify", "preview", "--month", "2026-10", "--outbox", str(tmp_path / "q"))
    assert result.exit_code == 0 and len(list((tmp_path / "q").glob("*.eml"))) == 7
    assert not approved(app, Month(2026, 10))
    run = send_notice(app, Month(2026, 10))  # the preview neither sent nor marked anything
    assert run.awaiting_approval

    (config / "templates").mkdir()
    (config / "templates" / "notice_monthly.txt.j2").write_text("本县自定义通报：{{ month.label }}\n", encoding="utf-8")
    app = App.open(config)
    files = preview(app, Month(2026, 10), tmp_path / "r")
    assert parse(files[0].read_bytes()).get_body(("plain",)).get_content().startswith("本县自定义通报：2026年10月")
