"""The outbox: every outgoing mail is stored here first, then delivered once through a Transport.

The ledger knows nothing of SMTP: a transport (``notify/send.py``: SMTP, or a folder of .eml
files) hands one mail over and, when it cannot, raises :class:`DeliveryError` saying whether
the refusal is permanent and whether it concerns this mail only or the whole server.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from baosong.vocabulary import MailKind, OutboxState, Verdict

from .models import Message, OutboxMail


class DeliveryError(Exception):
    """A transport could not hand a mail over.

    ``permanent``: the server refused this mail for good (5xx): retrying cannot help.
    ``per_mail``: the refusal concerns this one mail; otherwise the server itself is
    unreachable or refuses us, and the rest of the run waits for the next cycle.
    """

    def __init__(self, text: str, *, permanent: bool = False, per_mail: bool = False) -> None:
        super().__init__(text)
        self.permanent = permanent
        self.per_mail = per_mail


class Transport(Protocol):
    def send(self, mail: OutboxMail) -> None: ...  # raises DeliveryError
    def close(self) -> None: ...


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int      # refused for good by the server (e.g. 550 no such user): status "failed"
    deferred: int    # still pending (server unreachable, temporary refusal): tried again next cycle
    errors: tuple[str, ...]

    @property
    def anything(self) -> bool:
        return bool(self.sent or self.failed or self.deferred)

    def summary(self, what: str = "邮件") -> str:
        parts = [f"发出{what} {self.sent} 封"]
        if self.deferred:
            parts.append(f"{self.deferred} 封暂未发出（发信服务器不可用或暂时拒收，下次自动重试）")
        if self.failed:
            parts.append(f"{self.failed} 封被收信服务器拒收，不再重试")
        return "，".join(parts)


NOTHING_DELIVERED = DeliveryReport(0, 0, 0, ())


def _message_id_of(raw: bytes) -> str | None:
    try:
        value = BytesHeaderParser(policy=compat32).parsebytes(raw).get("Message-ID")
    except Exception:  # a mail we rendered ourselves: never expected
        return None
    return str(value).strip()[:998] or None if value else None


def enqueue(session: Session, *, key: str, kind: MailKind | str, recipients: Iterable[str], subject: str,
            raw: bytes, message_ref: int | None = None) -> OutboxMail | None:
    """Store a rendered mail for sending. Returns None if ``key`` was queued before (idempotent)."""
    if session.scalar(select(OutboxMail.id).where(OutboxMail.key == key)) is not None:
        return None
    mail = OutboxMail(key=key, kind=MailKind(kind).value, recipients=list(recipients), subject=subject, raw=raw,
                      message_ref=message_ref, rfc_message_id=_message_id_of(raw))
    session.add(mail)
    session.flush()
    return mail


def sent_by_us(session: Session, message_id: str) -> bool:
    """Whether ``message_id`` (with its angle brackets) is the Message-ID of a mail we queued that
    expects no answer. A 约稿通知单 is answered by a submission: replies to it are pieces (linked to
    the commission), never correspondence."""
    return session.scalar(
        select(OutboxMail.id).where(OutboxMail.rfc_message_id == message_id.strip(),
                                    OutboxMail.kind != MailKind.COMMISSION.value).limit(1)) is not None


def rejections_since(session: Session, address: str, since: datetime) -> int:
    """How many replies to messages that were not accepted were queued to ``address`` since ``since``
    (the rate limit of rejection replies: a forger must not turn the office into a mail cannon)."""
    address = address.strip().lower()
    rows = session.scalars(select(OutboxMail.recipients).join(Message, OutboxMail.message_ref == Message.id).where(
        OutboxMail.kind == MailKind.REPLY.value, Message.verdict != Verdict.ACCEPTED.value,
        OutboxMail.created_at >= since))
    return sum(1 for recipients in rows if address in [str(r).lower() for r in recipients or ()])


def pending_mail(session: Session) -> list[OutboxMail]:
    return list(session.scalars(
        select(OutboxMail).where(OutboxMail.status == OutboxState.PENDING.value).order_by(OutboxMail.id)))


def queued_with_prefix(session: Session, prefix: str) -> bool:
    """Whether any mail whose key starts with ``prefix`` was ever queued (e.g. a month's notice)."""
    return session.scalar(select(OutboxMail.id).where(OutboxMail.key.startswith(prefix)).limit(1)) is not None


def deliver_pending(sessions: sessionmaker[Session], transport: Transport, *,
                    only_ids: set[int] | None = None) -> DeliveryReport:
    """Send pending outbox mail (all, or just ``only_ids``); each is marked sent in its own commit.

    Nothing is ever dropped: a mail the server refuses for good is marked "failed" with
    the server's answer (visible to the admin); anything else stays pending. When the
    server cannot be reached or logged in to, the run stops at once and the rest wait
    for the next cycle, instead of timing out mail by mail.

    A crash between the hand-over and the commit would send that one mail again
    on the next run (it keeps its Message-ID, so mail clients show it once).
    """
    sent = failed = 0
    errors: list[str] = []
    with sessions() as session:
        ids = [m.id for m in pending_mail(session) if only_ids is None or m.id in only_ids]
    skipped = 0
    try:
        for mail_id in ids:
            with sessions() as session:
                mail = session.get(OutboxMail, mail_id)
                if mail is None or mail.status != OutboxState.PENDING:  # sent meanwhile by another process
                    skipped += 1
                    continue
                mail.attempts += 1
                try:
                    transport.send(mail)
                except DeliveryError as exc:
                    mail.last_error = str(exc)
                    errors.append(f"#{mail.id}《{mail.subject}》：{mail.last_error}")
                    if exc.permanent:
                        mail.status = OutboxState.FAILED.value
                        failed += 1
                    session.commit()
                    if not exc.per_mail:
                        break  # the server itself is unreachable or refuses us: try again next cycle
                    continue
                sent += 1
                mail.status = OutboxState.SENT.value
                mail.sent_at = datetime.now(timezone.utc)
                mail.last_error = None
                session.commit()
    finally:
        transport.close()
    return DeliveryReport(sent, failed, len(ids) - skipped - sent - failed, tuple(errors))
