"""A poison message on real Dovecot: counted each cycle, set aside to quarantine after N attempts, the office
alerted once, nothing lost and nothing retried forever.

The message fails for a real reason, with no hook in the code: the test puts a directory where the
archive would write the message's raw bytes, so archiving it (the first step of processing) raises.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import yaml
from conftest import write_office_config
from sqlalchemy import select
from test_end_to_end import DOCX, SHANGWU, TZ, folder_count, foxmail
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.ledger.models import Failure, Message, OutboxMail
from baosong.vocabulary import MailKind, Reason, Verdict

runner = CliRunner()
MAILBOX = "信息科报送邮箱"


def invoke(config: Path, *args: str):
    return runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def said(result) -> str:
    """The command's output with the console's line wrapping undone."""
    return result.output.replace("\n", "")


def set_max_attempts(config: Path, n: int) -> None:
    path = config / "settings.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings["limits"] = {"max_attempts": n}
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_poison_message_is_set_aside_after_n_attempts_and_the_office_alerted_once(
        office_database: str | None, tmp_path: Path, imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database, mailboxes=[{
        "name": MAILBOX, "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password,
    }])
    set_max_attempts(config, 3)
    arrived = datetime(2026, 10, 9, 9, 15, tzinfo=TZ)
    poison = foxmail("shangwu-xx@example.org", "【工作动态】无法处理的稿件", "请审阅。", [("稿件.docx", SHANGWU, DOCX)])
    good = foxmail("binhu-xx@example.com", "【工作动态】正常稿件", "请审阅。", [("正常.docx", SHANGWU, DOCX)])
    application = App.open(config)
    blocker = application.config.archive_dir / "2026" / "10" / f"{hashlib.sha256(poison).hexdigest()}.eml"
    blocker.mkdir(parents=True)  # the archive cannot write this one message: processing it raises
    client = imap_account.client()
    client.append("INBOX", poison, msg_time=arrived)
    client.append("INBOX", good, msg_time=arrived)

    def failure() -> Failure:
        with application.sessions() as session:
            [row] = session.scalars(select(Failure))
            return row

    # cycles 1 and 2: the poison message stays in the inbox, its attempts counted; the good one goes through
    for cycle in (1, 2):
        result = invoke(config, "poll", "--once")
        assert result.exit_code == 1, result.output
        assert f"第 {cycle}/3 次处理失败" in said(result) and "Traceback" not in result.output
        assert folder_count(client, "INBOX") == 1
        row = failure()
        assert (row.mailbox, row.attempts, row.set_aside_at, row.sha256) == (
            MAILBOX, cycle, None, hashlib.sha256(poison).hexdigest())
        assert "IsADirectoryError" in row.last_error and "Traceback" in row.last_error
    assert folder_count(client, "已处理") == 1
    replies = smtp_sink.wait_for(1)
    assert [r.rcpt_tos for r in replies] == [["binhu-xx@example.com"]]
    smtp_sink.clear()

    # cycle 3: set aside to quarantine, recorded, the office alerted
    result = invoke(config, "poll", "--once")
    assert result.exit_code == 1, result.output
    assert "连续 3 次处理失败，已移入隔离文件夹“隔离”" in said(result)
    assert "1 封多次处理失败已移入隔离" in said(result)
    assert folder_count(client, "INBOX") == 0 and folder_count(client, "隔离") == 1
    [alert] = smtp_sink.wait_for(1)
    assert alert.rcpt_tos == ["leaders-office@example.com", "xinxike@example.com"]
    parsed = BytesParser(policy=policy.default).parsebytes(alert.data)
    assert parsed["Subject"] == "【需人工处理】邮件多次处理失败，已隔离：【工作动态】无法处理的稿件"
    body = parsed.get_body(("plain",)).get_content()
    assert "连续 3 次处理失败" in body and "shangwu-xx@example.org" in body and "IsADirectoryError" in body
    smtp_sink.clear()
    row = failure()
    assert row.attempts == 3 and row.set_aside_at is not None and row.message_ref is not None
    with application.sessions() as session:
        message = session.get(Message, row.message_ref)
        assert (message.verdict, message.reason, message.sender, message.subject, message.filed_at is not None) == (
            Verdict.QUARANTINED, Reason.PROCESSING_FAILED, "shangwu-xx@example.org", "【工作动态】无法处理的稿件", True)
        assert message.unit is not None and message.unit.name == "滕州市商务局"
        alerts = list(session.scalars(select(OutboxMail).where(OutboxMail.kind == MailKind.ALERT)))
        assert [(a.status, a.message_ref) for a in alerts] == [("sent", message.id)]

    # later cycles: nothing more happens
    for _ in range(2):
        result = invoke(config, "poll", "--once")
        assert result.exit_code == 0, result.output
        assert "取到 0 封" in said(result)
    assert folder_count(client, "INBOX") == 0 and folder_count(client, "隔离") == 1
    assert smtp_sink.messages == []
    assert failure().attempts == 3

    # the admin's view
    rows = json.loads(invoke(config, "ledger", "failures", "--json").stdout)
    assert [(r["mailbox"], r["attempts"], r["message_id"], r["sha256"]) for r in rows] == [
        (MAILBOX, 3, row.message_ref, hashlib.sha256(poison).hexdigest())]
    assert rows[0]["set_aside_at"] is not None and "IsADirectoryError" in rows[0]["last_error"]
    table = invoke(config, "ledger", "failures")
    assert table.exit_code == 0 and "已隔离" in said(table) and "共 1 封" in said(table)


def test_max_attempts_is_validated(tmp_path: Path):
    config = write_office_config(tmp_path / "config")
    set_max_attempts(config, 0)
    result = invoke(config, "check-config")
    assert result.exit_code != 0
    assert "max_attempts" in result.output


def test_failures_are_counted_and_set_aside_once_per_message(ledger_url: str):
    from datetime import timezone

    from baosong.ledger.db import make_sessionmaker
    from baosong.ledger.failures import exhausted, failures, record_failure, set_aside
    from baosong.ledger.messages import MessageRecord

    sessions = make_sessionmaker(ledger_url)
    when = datetime(2026, 10, 9, 1, 0, tzinfo=timezone.utc)

    def record(uid: int) -> MessageRecord:
        return MessageRecord(mailbox="box", uidvalidity=1, uid=uid, sha256="ab" * 32, message_id=None,
                             sender="a@example.org", subject="稿件", received_at=when, size=10, archive_path="",
                             verdict=Verdict.QUARANTINED, reason=Reason.PROCESSING_FAILED, detail="boom",
                             unit_name=None)

    with sessions() as s:
        for n in (1, 2):
            f = record_failure(s, mailbox="box", uidvalidity=1, uid=3, sha256="ab" * 32, error=f"error {n}")
            assert (f.attempts, exhausted(f, 3)) == (n, False)
        f = record_failure(s, mailbox="box", uidvalidity=1, uid=3, sha256="ab" * 32, error="error 3")
        assert exhausted(f, 3)
        first = set_aside(s, f, record(3))
        assert not exhausted(f, 3) and f.set_aside_at is not None
        # the same bytes again under a new UID (a UIDVALIDITY reset): pointed at, never recorded twice
        g = record_failure(s, mailbox="box", uidvalidity=2, uid=1, sha256="ab" * 32, error="error")
        assert set_aside(s, g, record(1)) == first
        s.commit()
    with sessions() as s:
        assert [(f.uidvalidity, f.attempts, f.last_error, f.message_ref) for f in failures(s)] == [
            (1, 3, "error 3", first), (2, 1, "error", first)]
        assert len(list(s.scalars(select(Message)))) == 1
