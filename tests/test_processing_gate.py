"""The gate's configuration and rule hits through processing: the office's `gate:` section
decides a link's action, every hit is kept on the message row, and the disposition of the
verdict (DISPOSITIONS) decides the reply and the alert. Real SQLite ledger, no servers needed
beyond the SmtpSink the office config points at (nothing is delivered here: mail is queued).
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from baosong.app import App
from baosong.demo.samples import docx_bytes
from baosong.ledger.models import Message, OutboxMail
from baosong.processing import process
from baosong.vocabulary import MailKind, Reason, Verdict

import mailcorpus as mc

TZ = ZoneInfo("Asia/Shanghai")
PIECE = docx_bytes("滕州市商务局多措并举促进消费回暖", ["今年以来，商务局围绕促消费推出一系列举措。"], "（滕州市商务局 王芳）")
SPOOFED = "mx.126.com; spf=fail smtp.mailfrom=shangwu-xx@example.org; dmarc=fail"


def spoofed_mail() -> bytes:
    return mc.outlook_utf8(sender="shangwu-xx@example.org", subject="【工作动态】促消费",
                           attachments=[("促消费.docx", PIECE, mc.DOCX)],
                           extra_headers=[("Authentication-Results", SPOOFED)])


def with_gate(config: Path, lines: str) -> Path:
    settings = config / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\ngate:\n" + lines, encoding="utf-8")
    return config


def run(config: Path, raw: bytes):
    application = App.open(config)
    outcome = process(application, raw, mailbox="test", received_at=datetime(2026, 10, 9, 9, 15, tzinfo=TZ))
    with application.sessions() as session:
        [message] = session.scalars(select(Message))
        mails = {m.kind: m for m in session.scalars(select(OutboxMail))}
        session.expunge_all()
    return outcome, message, mails


def test_default_chain_rejects_and_records_every_hit(office_config: Path):
    outcome, message, mails = run(office_config, spoofed_mail())
    assert (outcome.verdict, outcome.reason) == (Verdict.REJECTED, Reason.SPOOFED_SENDER)
    assert message.rule_hits == [{"rule": "spoofed_sender", "detail": "Authentication-Results: spf=fail"}]
    assert set(mails) == {MailKind.REPLY}
    reply = BytesParser(policy=policy.default).parsebytes(mails[MailKind.REPLY].raw)
    assert "未通过验证" in reply.get_body(("plain",)).get_content()


def test_office_quarantines_spoofed_mail_by_config(office_config: Path):
    outcome, message, mails = run(with_gate(office_config, "  spoofed_sender: quarantine\n"), spoofed_mail())
    assert (message.verdict, message.reason) == (Verdict.QUARANTINED, Reason.SPOOFED_SENDER)
    # the quarantine disposition: a reply to the sender and an alert to the office, worded for this reason
    assert set(mails) == {MailKind.REPLY, MailKind.ALERT}
    alert = BytesParser(policy=policy.default).parsebytes(mails[MailKind.ALERT].raw)
    assert alert["Subject"].startswith("【需人工处理】发信地址未通过验证")


def test_flagged_rule_is_recorded_but_the_message_accepted(office_config: Path):
    outcome, message, mails = run(with_gate(office_config, "  spoofed_sender: flag\n"), spoofed_mail())
    assert (message.verdict, message.reason, outcome.pieces) == (Verdict.ACCEPTED, None, 1)
    assert [h["rule"] for h in message.rule_hits] == ["spoofed_sender"]
