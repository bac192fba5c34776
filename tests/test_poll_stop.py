"""A stop (SIGTERM) is honoured per message, not per batch of 50: the poll finishes the message in
hand, commits what was done, moves only those, leaves the rest unseen in the inbox and exits 0; the
next start records the rest, and nothing is lost or recorded twice. On real Dovecot."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from email import policy
from email.parser import BytesParser
from pathlib import Path

import yaml
from conftest import wait_for, write_office_config
from sqlalchemy import select
from test_poll_imap import ARRIVED, account_box, submission

from baosong.app import App
from baosong.ledger.models import Message
from baosong.poll import BATCH_MESSAGES, POOL_MIN_MESSAGES, poll_mailbox


def _inbox(client) -> tuple[int, int]:
    """(messages in INBOX, of which seen)."""
    client.select_folder("INBOX", readonly=True)
    return len(client.search(["ALL"])), len(client.search(["SEEN"]))


def _recorded(config: Path) -> list[Message]:
    with App.open(config).sessions() as session:
        return list(session.scalars(select(Message).order_by(Message.uid)))


def _filed(client) -> int:
    return client.select_folder("已处理", readonly=True)[b"EXISTS"] if client.folder_exists("已处理") else 0


def test_a_stop_inside_a_batch_finishes_the_message_in_hand_and_leaves_the_rest(tmp_path: Path,
                                                                                office_database: str | None,
                                                                                imap_account):
    """In-process, with a stop asked for while the 7th message of the first batch is in hand (the poll
    asks before each next message); then a second poll. Both on the judge pool's path (>= 100 messages,
    the next batch fetched ahead) and recorded in batches; on SQLite and PostgreSQL."""
    config = write_office_config(tmp_path / "config", database=office_database, mailboxes=[account_box(imap_account)])
    client = imap_account.client()
    n = POOL_MIN_MESSAGES + 20
    client.multiappend("INBOX", [{"msg": submission(i), "date": ARRIVED} for i in range(n)])
    app = App.open(config)
    asked = Counter()

    def stop_during_the_seventh() -> bool:   # once asked for, a stop stays asked for (as SIGTERM's flag)
        asked["n"] += 1
        if not asked["stop"] and asked["n"] > 7:
            asked["stop"] = len(_recorded(config)) == 0   # nothing committed yet: still the first batch
        return bool(asked["stop"])

    # the poll asks once before each batch and once before each message after the batch's first
    report = poll_mailbox(app, app.config.settings.mailboxes[0], should_stop=stop_during_the_seventh)
    assert report.ok and report.stopped
    first = _recorded(config)
    assert 0 < len(first) < BATCH_MESSAGES     # stopped inside the first batch, not at its end
    assert report.new == len(first) and all(m.filed_at is not None for m in first)
    # only those were moved; the rest are in the inbox, untouched (not even marked seen)
    assert _filed(client) == len(first)
    assert _inbox(client) == (n - len(first), 0)

    again = poll_mailbox(app, app.config.settings.mailboxes[0])
    assert again.ok and not again.stopped and again.new == n - len(first)
    recorded = _recorded(config)
    assert len(recorded) == n and len({m.uid for m in recorded}) == n and len({m.sha256 for m in recorded}) == n
    assert _inbox(client) == (0, 0) and _filed(client) == n


def test_sigterm_to_a_running_daemon_mid_batch(tmp_path: Path, imap_account, smtp_sink):
    """A real `baosong run` gets SIGTERM while its first batch is being judged: it exits 0 having
    recorded and moved only what it finished; a new start takes the rest; every message exactly once,
    every unit one receipt per message."""
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, mailboxes=[account_box(imap_account)])
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    settings["schedule"] = {"poll_minutes": 60}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    client = imap_account.client()
    n = BATCH_MESSAGES + 10
    client.multiappend("INBOX", [{"msg": submission(i), "date": ARRIVED} for i in range(n)])
    archive = Path(App.open(config).config.archive_dir)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}

    def start() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "baosong", "--config", str(config), "run"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)

    first = start()
    try:
        # the first message of the first batch is archived: the batch is in hand, nothing recorded yet
        wait_for(lambda: archive.exists() and any(archive.rglob("*.eml")), 60, "the first archived message",
                 every=0.02)
        first.send_signal(signal.SIGTERM)
        output, _ = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    text = output.decode("utf-8")
    assert first.returncode == 0, text
    assert "baosong 已停止" in text and "Traceback" not in text
    done = _recorded(config)
    assert 0 < len(done) < BATCH_MESSAGES, text   # inside the first batch: the old poll stopped only after it
    assert all(m.filed_at is not None for m in done)
    assert _filed(client) == len(done) and _inbox(client) == (n - len(done), 0)

    second = start()
    try:
        wait_for(lambda: _inbox(client)[0] == 0 and sum(m.rcpt_tos == ["binhu-xx@example.com"]
                                                         for m in smtp_sink.messages) >= n, 120, "the rest polled")
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=60)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == 0, output.decode("utf-8")
    recorded = _recorded(config)
    assert len(recorded) == n and len({m.uid for m in recorded}) == n and len({m.sha256 for m in recorded}) == n
    assert all(m.filed_at is not None for m in recorded) and _filed(client) == n
    # one receipt per message, none twice
    receipts = [m for m in smtp_sink.messages if m.rcpt_tos == ["binhu-xx@example.com"]]
    assert len(receipts) == n, [BytesParser(policy=policy.default).parsebytes(m.data)["Subject"]
                                for m in smtp_sink.messages if m not in receipts]
    assert len({BytesParser(policy=policy.default).parsebytes(m.data)["In-Reply-To"] for m in receipts}) == n
