"""Poison messages on a real Dovecot and SMTP server: the corpus's hostile inputs are judged in one
`poll --once`, filed, and answered with a reply the builder accepts — never retried forever.

- a .docx whose zip declares a version zipfile does not implement (NotImplementedError);
- line separators in the Subject, the From display name and the Message-ID (U+0085, U+2028, 0x1E);
- a read receipt (auto_reply, no reply), a correspondence reply (quarantined, the office alerted);
- a forged unregistered sender (no reply: backscatter).
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

from conftest import write_office_config
from sqlalchemy import select
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.ledger.models import Failure, Message

CORPUS = Path(__file__).parent / "data" / "mail"
POISON = {
    "reject-unknown-zip-version.eml": ("rejected", "corrupt_document"),
    "accept-nel-in-subject.eml": ("accepted", None),
    "accept-line-separators.eml": ("accepted", None),
    "auto-mdn-outlook.eml": ("ignored", "auto_reply"),
    "quarantine-reply-to-receipt.eml": ("quarantined", "correspondence"),
    "reject-unregistered.eml": ("rejected", "unregistered_sender"),
}
runner = CliRunner()


def test_poison_messages_are_judged_filed_and_answered_in_one_poll(tmp_path: Path, office_database: str | None,
                                                                  imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database, mailboxes=[{
        "name": "报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password,
    }])
    client = imap_account.client()
    for name in POISON:
        client.append("INBOX", (CORPUS / name).read_bytes())

    result = runner.invoke(cli, ["--config", str(config), "poll", "--once"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output

    with App.open(config).sessions() as session:
        messages = list(session.scalars(select(Message)))
        got = sorted((m.verdict, m.reason) for m in messages)
        assert session.scalars(select(Failure)).all() == []        # nothing failed, nothing to retry
    assert got == sorted(POISON.values()), [(m.verdict, m.reason, m.detail) for m in messages]
    corrupt = next(m for m in messages if m.reason == "corrupt_document")
    assert "unsupported zip version" in (corrupt.detail or "")
    assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == 0

    # replies: the two accepted, the corrupt one, the correspondence (held) — plus the office's alert;
    # none to the read receipt or the forged stranger
    received = smtp_sink.wait_for(5)
    rcpts = sorted(r.rcpt_tos[0] for r in received)
    assert "stranger@example.net" not in rcpts
    subjects = [BytesParser(policy=policy.default).parsebytes(r.data)["Subject"] for r in received]
    assert any("Monthly report draft" in s for s in subjects)
    assert all(s.isprintable() for s in subjects)
