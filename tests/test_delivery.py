"""Delivery per recipient on a real SMTP server (aiosmtpd): 451 retried for that recipient only with
backoff, 5xx failed with the answer kept, 554 DT:SPM retried slowly and never failed, a throttle."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from baosong.ledger.db import make_sessionmaker
from baosong.ledger.models import OutboxMail, OutboxRecipient
from baosong.ledger.outbox import DeliveryPolicy, deliver_pending, enqueue
from baosong.notify.compose import compose
from baosong.notify.send import SmtpTransport

from smtpsink import SmtpSink

SENDER = "信息科 <tzxxk@example.com>"
OFFICE = "office@example.com"
LEADER = "leader@example.com"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 3, 1, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def queue(sessions, key: str, to: list[str]) -> int:
    with sessions() as s:
        raw = compose(sender=SENDER, to=to, subject="通报", text="正文").as_bytes()
        row = enqueue(s, key=key, kind="notice", recipients=to, subject="通报", raw=raw)
        s.commit()
        return row.id


def recipients(sessions) -> dict[str, tuple[str, int, str | None]]:
    with sessions() as s:
        return {r.address: (r.status, r.attempts, r.last_error) for r in s.scalars(select(OutboxRecipient))}


def mail_status(sessions) -> list[str]:
    with sessions() as s:
        return [m.status for m in s.scalars(select(OutboxMail).order_by(OutboxMail.id))]


def transport(sink: SmtpSink) -> SmtpTransport:
    return SmtpTransport(host=sink.host, port=sink.port, sender=SENDER, use_ssl=False, helo="localhost", timeout=5)


def test_one_of_two_recipients_answering_451_is_retried_for_that_recipient_only(tmp_path: Path):
    sessions = make_sessionmaker(f"sqlite:///{tmp_path / 'l.db'}")
    queue(sessions, "notice:2026-10:office", [LEADER, OFFICE])
    clock = Clock()
    policy = DeliveryPolicy(retry_minutes=5)
    with SmtpSink(temporary={OFFICE: 2}) as sink:
        first = deliver_pending(sessions, transport(sink), policy=policy, clock=clock)
        # the leader has it; the office copy is NOT recorded as sent
        assert sink.copies() == {LEADER: 1}
        assert (first.sent, first.deferred, first.recipients_sent) == (0, 1, 1)
        assert recipients(sessions)[OFFICE][:2] == ("pending", 1) and "451" in recipients(sessions)[OFFICE][2]
        assert mail_status(sessions) == ["pending"]
        # before the backoff has passed nothing is tried
        clock.advance(4)
        deliver_pending(sessions, transport(sink), policy=policy, clock=clock)
        assert len(sink.refusals) == 1
        clock.advance(1)  # 5 minutes: the second try, refused again; the next waits 10 minutes
        deliver_pending(sessions, transport(sink), policy=policy, clock=clock)
        assert len(sink.refusals) == 2
        clock.advance(9)
        deliver_pending(sessions, transport(sink), policy=policy, clock=clock)
        assert len(sink.refusals) == 2 and sink.copies() == {LEADER: 1}
        clock.advance(1)
        last = deliver_pending(sessions, transport(sink), policy=policy, clock=clock)
        assert (last.sent, last.deferred) == (1, 0)
        assert sink.copies() == {LEADER: 1, OFFICE: 1}  # each recipient exactly once
    assert mail_status(sessions) == ["sent"]
    assert {a: s for a, (s, _, _) in recipients(sessions).items()} == {LEADER: "sent", OFFICE: "sent"}


def test_5xx_fails_that_recipient_with_the_answer_kept_and_the_other_is_sent(tmp_path: Path):
    sessions = make_sessionmaker(f"sqlite:///{tmp_path / 'l.db'}")
    queue(sessions, "alert:1", [OFFICE, "gone@example.org"])
    with SmtpSink(refuse={"gone@example.org"}) as sink:
        report = deliver_pending(sessions, transport(sink))
        assert sink.copies() == {OFFICE: 1}
    state = recipients(sessions)
    assert state[OFFICE][0] == "sent"
    assert state["gone@example.org"][0] == "failed" and "550" in state["gone@example.org"][2]
    assert mail_status(sessions) == ["failed"] and report.failed == 1 and not report.all_failed
    with sessions() as s:
        assert "User unknown" in s.scalar(select(OutboxMail.last_error))


def test_all_recipients_refused_for_good_is_all_failed(tmp_path: Path):
    sessions = make_sessionmaker(f"sqlite:///{tmp_path / 'l.db'}")
    queue(sessions, "reply:1", ["gone@example.org"])
    with SmtpSink(refuse={"gone@example.org"}) as sink:
        report = deliver_pending(sessions, transport(sink))
    assert report.all_failed and report.failed == 1 and mail_status(sessions) == ["failed"]


def test_554_dt_spm_is_retried_slowly_never_failed(tmp_path: Path):
    sessions = make_sessionmaker(f"sqlite:///{tmp_path / 'l.db'}")
    queue(sessions, "notice:2026-10:unit:a", ["principal@163.example"])
    clock = Clock()
    policy = DeliveryPolicy(retry_minutes=1, spam_retry_minutes=60)
    with SmtpSink(spam={"principal@163.example": 3}) as sink:
        for _ in range(3):  # refused as spam three times, an hour apart; never failed
            deliver_pending(sessions, transport(sink), policy=policy, clock=clock)
            state = recipients(sessions)["principal@163.example"]
            assert state[0] == "pending" and "DT:SPM" in state[2]
            clock.advance(30)
            deliver_pending(sessions, transport(sink), policy=policy, clock=clock)  # too early: not tried
            clock.advance(30)
        assert len(sink.refusals) == 3
        deliver_pending(sessions, transport(sink), policy=policy, clock=clock)
        assert sink.copies() == {"principal@163.example": 1}
    assert mail_status(sessions) == ["sent"]


def test_throttle_spaces_the_handovers(tmp_path: Path):
    sessions = make_sessionmaker(f"sqlite:///{tmp_path / 'l.db'}")
    for i in range(4):
        queue(sessions, f"notice:2026-10:unit:{i}", [f"p{i}@example.org"])
    waits: list[float] = []
    with SmtpSink() as sink:
        report = deliver_pending(sessions, transport(sink), policy=DeliveryPolicy(per_minute=30), sleep=waits.append)
        assert report.sent == 4 and len(sink.messages) == 4
    # 30 a minute: 2 s between hand-overs, asked of the (injected) sleep before each but the first
    assert len(waits) == 3 and all(0 < w <= 2.0 for w in waits)
