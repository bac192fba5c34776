"""The outbox on a real SMTP server: each mail once; a server that is down loses nothing; a refusal is recorded."""

from __future__ import annotations

from sqlalchemy import select

from baosong.demo.servers import free_port
from baosong.ledger.db import make_sessionmaker
from baosong.ledger.models import OutboxMail
from baosong.ledger.outbox import deliver_pending, enqueue
from baosong.notify.compose import compose
from baosong.notify.send import SmtpTransport

from smtpsink import SmtpSink

SENDER = "信息科 <tzxxk@example.com>"


def queue(sessions, n: int, to: str = "unit@example.org") -> list[int]:
    with sessions() as s:
        ids = []
        for i in range(n):
            mail = compose(sender=SENDER, to=[to], subject=f"通知 {i}", text=f"第 {i} 封")
            ids.append(enqueue(s, key=f"test:{to}:{i}", kind="reply", recipients=[to], subject=f"通知 {i}",
                               raw=mail.as_bytes()).id)
        s.commit()
    return ids


def statuses(sessions) -> list[tuple[str, int]]:
    with sessions() as s:
        return [(m.status, m.attempts) for m in s.scalars(select(OutboxMail).order_by(OutboxMail.id))]


def transport(host: str, port: int) -> SmtpTransport:
    return SmtpTransport(host=host, port=port, sender=SENDER, use_ssl=False, helo="localhost", timeout=5)


def test_queue_is_idempotent_and_each_mail_goes_once(ledger_url: str, smtp_sink: SmtpSink):
    sessions = make_sessionmaker(ledger_url)
    queue(sessions, 3)
    with sessions() as s:  # the same keys again: nothing new
        assert enqueue(s, key="test:unit@example.org:0", kind="reply", recipients=["x@example.org"],
                       subject="x", raw=b"x") is None
    report = deliver_pending(sessions, transport(smtp_sink.host, smtp_sink.port))
    assert (report.sent, report.failed, report.deferred) == (3, 0, 0)
    again = deliver_pending(sessions, transport(smtp_sink.host, smtp_sink.port))
    assert (again.sent, again.deferred) == (0, 0)
    assert len(smtp_sink.messages) == 3
    assert statuses(sessions) == [("sent", 1)] * 3


def test_server_down_defers_everything_then_sends_when_back(ledger_url: str):
    sessions = make_sessionmaker(ledger_url)
    queue(sessions, 4)
    port = free_port()
    for _ in range(12):  # more cycles than any retry limit: a reply is never given up on
        down = deliver_pending(sessions, transport("127.0.0.1", port))
        assert (down.sent, down.failed, down.deferred) == (0, 0, 4)
        assert len(down.errors) == 1  # stops at the first
        # a sentence for the office naming the server, no Python class name
        assert f"无法连接发信服务器 127.0.0.1:{port}（拒绝连接）" in down.errors[0], down.errors[0]
        assert "ConnectionRefusedError" not in down.errors[0]
    assert [s for s, _ in statuses(sessions)] == ["pending"] * 4
    with SmtpSink(port=port) as sink:
        back = deliver_pending(sessions, transport(sink.host, sink.port))
        assert (back.sent, back.deferred) == (4, 0)
        assert len(sink.messages) == 4


def test_permanent_refusal_is_recorded_and_the_rest_still_go(ledger_url: str):
    sessions = make_sessionmaker(ledger_url)
    queue(sessions, 1, to="gone@example.org")
    queue(sessions, 2, to="unit@example.org")
    with SmtpSink(refuse={"gone@example.org"}) as sink:
        report = deliver_pending(sessions, transport(sink.host, sink.port))
        assert (report.sent, report.failed, report.deferred) == (2, 1, 0)
        assert "550" in report.errors[0] and "gone@example.org" in report.errors[0]
        assert [r.rcpt_tos for r in sink.messages] == [["unit@example.org"]] * 2
    assert [s for s, _ in statuses(sessions)] == ["failed", "sent", "sent"]
    with sessions() as s:
        failed = s.scalar(select(OutboxMail).where(OutboxMail.status == "failed"))
        assert "User unknown" in failed.last_error
