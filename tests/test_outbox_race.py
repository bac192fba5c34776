"""Two processes delivering the outbox at the same moment (the daemon and a `notify send`, or two daemons
before the lease settles) never hand one recipient over twice: each recipient is claimed before its
hand-over. On a real SMTP server (aiosmtpd on 127.0.0.1), on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from baosong.ledger.db import make_sessionmaker
from baosong.ledger.models import OutboxMail, OutboxRecipient
from baosong.ledger.outbox import DeliveryPolicy, deliver_pending, enqueue
from baosong.notify.compose import compose
from baosong.notify.send import SmtpTransport

from smtpsink import SmtpSink

SENDER = "信息科 <tzxxk@example.com>"
MAILS = 12


def _transport(sink: SmtpSink) -> SmtpTransport:
    return SmtpTransport(host=sink.host, port=sink.port, sender=SENDER, use_ssl=False, helo="localhost", timeout=10)


def _queue(url: str) -> list[str]:
    sessions = make_sessionmaker(url)
    addresses: list[str] = []
    with sessions() as s:
        for i in range(MAILS):
            to = [f"unit{i}@example.com", f"leader{i}@example.com"]
            raw = compose(sender=SENDER, to=to, subject=f"通报 {i}", text="正文").as_bytes()
            enqueue(s, key=f"notice:race:{i}", kind="notice", recipients=to, subject=f"通报 {i}", raw=raw)
            addresses += to
        s.commit()
    return addresses


def test_two_deliverers_at_once_send_each_recipient_exactly_one_copy(ledger_url: str):
    make_sessionmaker(ledger_url)   # the schema, before the two start
    addresses = _queue(ledger_url)
    # each hand-over takes a while (the server holds the end of DATA): the two runs overlap throughout
    with SmtpSink(delay=0.05) as sink:
        start = threading.Barrier(2)
        reports = []
        problems: list[BaseException] = []

        def run() -> None:
            sessions = make_sessionmaker(ledger_url)   # its own engine and connections, as a second process has
            try:
                start.wait()
                reports.append(deliver_pending(sessions, _transport(sink)))
            except BaseException as exc:  # noqa: BLE001 - reported by the test below
                problems.append(exc)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not problems, problems
        assert len(reports) == 2
        assert sink.copies() == {a: 1 for a in addresses}
    # both runs together delivered every mail; the ledger says so, per recipient and per mail
    assert sum(r.recipients_sent for r in reports) == len(addresses)
    sessions = make_sessionmaker(ledger_url)
    with sessions() as s:
        assert {r.status for r in s.scalars(select(OutboxRecipient))} == {"sent"}
        assert {m.status for m in s.scalars(select(OutboxMail))} == {"sent"}


def test_a_claim_left_by_a_crashed_deliverer_is_taken_over(ledger_url: str):
    """A process that claimed recipients and died before handing them over: a claim of a live process
    holds until it runs out; one of a process seen gone (this host, pid free) is taken over at once.
    Nothing is lost either way."""
    make_sessionmaker(ledger_url)
    _queue(ledger_url)
    sessions = make_sessionmaker(ledger_url)
    policy = DeliveryPolicy(claim_minutes=10)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    now = datetime.now(timezone.utc)
    live = f"{socket.gethostname()}:{os.getppid()}:alive"     # this test's parent: certainly running
    gone = f"{socket.gethostname()}:{dead.pid}:gone"
    with sessions() as s:   # what _claim leaves behind when its process dies right after it
        for i, row in enumerate(s.scalars(select(OutboxRecipient).order_by(OutboxRecipient.id))):
            row.claimed_by, row.claimed_at = (live if i % 2 else gone), now
        s.commit()
    with SmtpSink() as sink:
        early = deliver_pending(sessions, _transport(sink), policy=policy, clock=lambda: now + timedelta(minutes=5))
        assert early.recipients_sent == MAILS   # the dead process's claims, not the live one's
        late = deliver_pending(sessions, _transport(sink), policy=policy, clock=lambda: now + timedelta(minutes=11))
        assert late.recipients_sent == MAILS    # the live one's, once they ran out
        assert set(sink.copies().values()) == {1} and len(sink.copies()) == 2 * MAILS
    with sessions() as s:
        assert {(r.status, r.claimed_by) for r in s.scalars(select(OutboxRecipient))} == {("sent", None)}
