"""The outbox: every outgoing mail is stored here first, then delivered once per recipient.

The ledger knows nothing of SMTP: a transport (``notify/send.py``: SMTP, or a folder of .eml
files) hands one mail over to the recipients still owed it and answers, per recipient, what
became of it (:class:`Handover`). When it cannot reach the server at all it raises
:class:`DeliveryError`.

Each recipient (``outbox_recipients``) is ``pending``, ``sent`` or ``failed``:

- accepted: sent, in the same commit as the hand-over's answer;
- refused with 4xx (451 greylisting, a full mailbox): retried for that recipient only, after a
  backoff that doubles per attempt (``retry_minutes``, capped at a day);
- refused with 5xx: failed, the server's answer kept in ``last_error``;
- "554 DT:SPM" (NetEase/QQ anti-spam: they refuse a burst and then slow down): retried slowly
  (``spam_retry_minutes``), never marked failed.

The mail's own status follows its recipients: ``sent`` when every recipient is sent, ``failed``
when none is pending and one failed, else ``pending``.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Protocol

from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from baosong.messages import say
from baosong.vocabulary import MailKind, OutboxState, Verdict

from .models import Message, OutboxMail, OutboxRecipient


class DeliveryError(Exception):
    """A transport could not hand a mail over to anyone.

    ``permanent``: the server refused this mail for good (5xx) for every recipient.
    ``per_mail``: the refusal concerns this one mail; otherwise the server itself is
    unreachable or refuses us, and the rest of the run waits for the next cycle.
    ``spam``: the provider's anti-spam refusal (554 DT:SPM): retried slowly, never failed.
    """

    def __init__(self, text: str, *, permanent: bool = False, per_mail: bool = False, spam: bool = False) -> None:
        super().__init__(text)
        self.permanent = permanent
        self.per_mail = per_mail
        self.spam = spam


@dataclass(frozen=True)
class Refusal:
    """One recipient refused by the server: its answer, and whether it is final."""

    answer: str
    permanent: bool
    spam: bool = False


@dataclass(frozen=True)
class Handover:
    """What the server said about each recipient of one hand-over: the refused ones (others were accepted)."""

    refused: dict[str, Refusal] = field(default_factory=dict)


class Transport(Protocol):
    def send(self, mail: OutboxMail, recipients: list[str]) -> Handover: ...  # raises DeliveryError
    def close(self) -> None: ...


@dataclass(frozen=True)
class DeliveryPolicy:
    """How fast and how patiently mail goes out (``sending:`` in settings.yaml)."""

    per_minute: float = 0            # throttle: at most this many mails a minute (0: no limit)
    retry_minutes: float = 5         # first retry of a 4xx-refused recipient; doubles each attempt
    spam_retry_minutes: float = 60   # retry of a recipient refused as spam (554 DT:SPM)
    max_backoff_minutes: float = 24 * 60
    # a recipient being handed over is claimed: another process skips it for this long, unless the
    # claiming process is seen gone (same host, pid free); a crash mid-hand-over never loses the mail
    claim_minutes: float = 10

    def backoff(self, attempts: int, *, spam: bool) -> timedelta:
        if spam:
            return timedelta(minutes=self.spam_retry_minutes)
        minutes = self.retry_minutes * 2 ** max(0, attempts - 1)
        return timedelta(minutes=min(minutes, self.max_backoff_minutes))


@dataclass(frozen=True)
class DeliveryReport:
    sent: int        # mails now sent to every recipient
    failed: int      # mails with no recipient left to try and one refused for good (status "failed")
    deferred: int    # mails still pending (server unreachable, a recipient refused for now): retried
    errors: tuple[str, ...]
    recipients_sent: int = 0
    recipients_failed: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.sent or self.failed or self.deferred)

    @property
    def all_failed(self) -> bool:
        """Nothing reached anyone and something was refused or held back: a command exits non-zero."""
        return self.recipients_sent == 0 and (self.failed > 0 or self.deferred > 0)

    def summary(self, what: str | None = None) -> str:
        """What was sent, held back and refused; ``what`` names the mails (default: ledger.delivery_mails)."""
        parts = [say("ledger.delivery_sent", what=say("ledger.delivery_mails") if what is None else what,
                     sent=self.sent)]
        if self.deferred:
            parts.append(say("ledger.delivery_deferred", count=self.deferred))
        if self.failed:
            parts.append(say("ledger.delivery_failed", count=self.failed))
        return "，".join(parts)



NOTHING_DELIVERED = DeliveryReport(0, 0, 0, ())


def _message_id_of(raw: bytes) -> str | None:
    try:
        value = BytesHeaderParser(policy=compat32).parsebytes(raw).get("Message-ID")
    except Exception:  # a mail we rendered ourselves: never expected
        return None
    return str(value).strip()[:998] or None if value else None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def enqueue(session: Session, *, key: str, kind: MailKind | str, recipients: Iterable[str], subject: str,
            raw: bytes, message_ref: int | None = None) -> OutboxMail | None:
    """Store a rendered mail (its raw bytes, whatever they carry) for sending, one row per recipient.

    Returns None if ``key`` was queued before (idempotent)."""
    if session.scalar(select(OutboxMail.id).where(OutboxMail.key == key)) is not None:
        return None
    addresses = list(dict.fromkeys(a.strip() for a in recipients if a.strip()))
    mail = OutboxMail(key=key, kind=MailKind(kind).value, recipients=addresses, subject=subject, raw=raw,
                      message_ref=message_ref, rfc_message_id=_message_id_of(raw))
    session.add(mail)
    session.flush()
    for address in addresses:
        session.add(OutboxRecipient(outbox_id=mail.id, address=address, status=OutboxState.PENDING.value))
    session.flush()
    return mail


def sent_by_us(session: Session, message_id: str) -> bool:
    """Whether ``message_id`` (with its angle brackets) is the Message-ID of a mail we queued that
    expects no answer. A 约稿通知单 is answered by a submission: replies to it are pieces (linked to
    the commission), never correspondence."""
    return session.scalar(
        select(OutboxMail.id).where(OutboxMail.rfc_message_id == message_id.strip(),
                                    OutboxMail.kind != MailKind.COMMISSION.value).limit(1)) is not None


def sent_by_us_among(session: Session, message_ids: Iterable[str]) -> set[str]:
    """Those of ``message_ids`` that :func:`sent_by_us` would answer True for: one query a batch."""
    wanted = sorted({m.strip() for m in message_ids})
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        found.update(session.scalars(select(OutboxMail.rfc_message_id).where(
            OutboxMail.rfc_message_id.in_(wanted[i:i + 500]), OutboxMail.kind != MailKind.COMMISSION.value)))
    return found


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


def recipients_of(session: Session, mail_id: int) -> list[OutboxRecipient]:
    return list(session.scalars(select(OutboxRecipient).where(OutboxRecipient.outbox_id == mail_id)
                                .order_by(OutboxRecipient.id)))


def _due(rows: list[OutboxRecipient], now: datetime) -> list[OutboxRecipient]:
    return [r for r in rows if r.status == OutboxState.PENDING
            and (r.next_attempt_at is None or r.next_attempt_at <= now)]


def _settle(mail: OutboxMail, rows: list[OutboxRecipient], now: datetime) -> str:
    """Set the mail's state from its recipients'; returns it."""
    states = {r.status for r in rows}
    if OutboxState.PENDING.value in states:
        mail.status = OutboxState.PENDING.value
    elif OutboxState.FAILED.value in states:
        mail.status = OutboxState.FAILED.value
        mail.last_error = "; ".join(f"{r.address}: {r.last_error}" for r in rows if r.last_error
                                    and r.status == OutboxState.FAILED)
    else:
        mail.status = OutboxState.SENT.value
        mail.sent_at = now
        mail.last_error = None
    return mail.status


def _ensure_recipients(session: Session, mail: OutboxMail) -> list[OutboxRecipient]:
    """Rows for a mail queued before recipients were tracked (the migration adds them; a safety net)."""
    rows = recipients_of(session, mail.id)
    if not rows:
        for address in mail.recipients:
            session.add(OutboxRecipient(outbox_id=mail.id, address=address, status=OutboxState.PENDING.value))
        session.flush()
        rows = recipients_of(session, mail.id)
    return rows


def claimant() -> str:
    """This process, as a claim names it: host, pid and a token (a pid is reused after a reboot)."""
    global _CLAIMANT
    if _CLAIMANT is None:
        _CLAIMANT = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    return _CLAIMANT


_CLAIMANT: str | None = None


def _gone(claimed_by: str) -> bool:
    """Whether the process that made a claim is certainly gone: it ran on this host and its pid is free."""
    host, _, rest = claimed_by.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or claimed_by == claimant():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:   # it exists (another user's): alive
        return False
    return False


def _claimable(row: OutboxRecipient, now: datetime, policy: DeliveryPolicy) -> bool:
    if row.claimed_by is None or row.claimed_at is None:
        return True
    return row.claimed_at <= now - timedelta(minutes=policy.claim_minutes) or _gone(row.claimed_by)


def _claim(session: Session, due: list[OutboxRecipient], now: datetime,
           policy: DeliveryPolicy) -> list[OutboxRecipient]:
    """Claim the due recipients for one hand-over, each with one conditional UPDATE, and commit.

    The UPDATE sets ``claimed_by``/``claimed_at`` only while the row is still pending, due, and carries
    the claim read a moment ago (none, a stale one, or a dead process's): of two processes delivering
    at the same moment, the second finds no row to update and leaves the recipient alone. SQLite serialises
    the UPDATEs on its write lock; PostgreSQL re-checks the condition once the first has committed.
    """
    me = claimant()
    session.commit()   # what was read so far; the claims then start from the database's present state
    mine: list[OutboxRecipient] = []
    for row in due:
        if not _claimable(row, now, policy):
            continue
        same_claim = (OutboxRecipient.claimed_by.is_(None) if row.claimed_by is None
                      else OutboxRecipient.claimed_by == row.claimed_by)
        done: CursorResult = session.execute(  # type: ignore[assignment]
            update(OutboxRecipient)
            .where(OutboxRecipient.id == row.id, OutboxRecipient.status == OutboxState.PENDING.value,
                   or_(OutboxRecipient.next_attempt_at.is_(None), OutboxRecipient.next_attempt_at <= now),
                   same_claim)
            .values(claimed_by=me, claimed_at=now)
            .execution_options(synchronize_session=False))
        if done.rowcount == 1:
            mine.append(row)
    session.commit()   # the claims are visible to every other process before anything is sent
    for row in due:
        session.refresh(row)
    return [row for row in mine if row.status == OutboxState.PENDING and row.claimed_by == me]


def deliver_pending(sessions: sessionmaker[Session], transport: Transport, *,
                    only_ids: set[int] | None = None, policy: DeliveryPolicy = DeliveryPolicy(),
                    clock: Callable[[], datetime] = _now, sleep: Callable[[float], None] = time.sleep,
                    should_stop: Callable[[], bool] = lambda: False) -> DeliveryReport:
    """Send pending outbox mail (all, or just ``only_ids``) to the recipients still owed it.

    Each hand-over's answer is committed at once, per recipient. Nothing is ever dropped: a
    recipient refused for good is marked "failed" with the server's answer; any other refusal
    is retried later for that recipient only. When the server cannot be reached or logged in
    to, the run stops at once and the rest wait for the next cycle.

    Each recipient is claimed before its hand-over (:func:`_claim`), so two processes delivering at
    the same moment never both hand one recipient over. A crash between the server's acceptance and
    the commit of its answer would send that one mail again once the claim runs out (it keeps its
    Message-ID, so mail clients show it once).
    """
    deferred = r_sent = r_failed = 0
    outcomes: Counter[str] = Counter()   # mails by the state each hand-over left them in
    errors: list[str] = []
    interval = 60.0 / policy.per_minute if policy.per_minute > 0 else 0.0
    last_handover: float | None = None
    with sessions() as session:
        ids = [m.id for m in pending_mail(session) if only_ids is None or m.id in only_ids]
    try:
        for index, mail_id in enumerate(ids):
            if should_stop():
                deferred += len(ids) - index
                break
            with sessions() as session:
                mail = session.get(OutboxMail, mail_id)
                if mail is None or mail.status != OutboxState.PENDING:  # sent meanwhile by another process
                    continue
                now = clock()
                rows = _ensure_recipients(session, mail)
                due = _due(rows, now)
                if not due:  # waiting for a recipient's backoff (or all handed over by another process)
                    outcomes[_settle(mail, rows, now)] += 1
                    session.commit()
                    continue
                if interval and last_handover is not None:
                    wait = interval - (time.monotonic() - last_handover)
                    if wait > 0:
                        sleep(wait)
                due = _claim(session, due, now, policy)
                if not due:  # another process is handing it over right now
                    deferred += 1
                    continue
                last_handover = time.monotonic()
                mail.attempts += 1
                try:
                    answer = transport.send(mail, [r.address for r in due])
                except DeliveryError as exc:
                    if not exc.per_mail:
                        for row in due:   # nobody was reached: the claim is released
                            row.claimed_by = row.claimed_at = None
                        mail.last_error = str(exc)
                        errors.append(f"#{mail.id}《{mail.subject}》：{exc}")
                        session.commit()
                        deferred += len(ids) - index
                        break  # the server itself is unreachable or refuses us: try again next cycle
                    everyone = Refusal(str(exc), exc.permanent and not exc.spam, exc.spam)
                    answer = Handover({r.address: everyone for r in due})
                now = clock()
                for row in due:
                    row.attempts += 1
                    row.claimed_by = row.claimed_at = None
                    refusal: Refusal | None = (answer.refused.get(row.address)
                                               or answer.refused.get(row.address.lower()))
                    if refusal is None:
                        row.status = OutboxState.SENT.value
                        row.sent_at = now
                        row.last_error = None
                        r_sent += 1
                        continue
                    row.last_error = refusal.answer
                    errors.append(f"#{mail.id}《{mail.subject}》→ {row.address}：{refusal.answer}")
                    if refusal.permanent and not refusal.spam:
                        row.status = OutboxState.FAILED.value
                        r_failed += 1
                    else:
                        row.next_attempt_at = now + policy.backoff(row.attempts, spam=refusal.spam)
                for row in rows:   # the other recipients as they are now (another process may have sent them)
                    if row not in due:
                        session.refresh(row)
                outcomes[_settle(mail, rows, now)] += 1
                session.commit()
    finally:
        transport.close()
    return DeliveryReport(outcomes[OutboxState.SENT.value], outcomes[OutboxState.FAILED.value],
                          deferred + outcomes[OutboxState.PENDING.value], tuple(errors), r_sent, r_failed)


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    failed: int
    pending_recipients: int
    failed_recipients: int


def outbox_counts(session: Session) -> OutboxCounts:
    def count(model, status: OutboxState) -> int:
        return session.scalar(select(func.count()).select_from(model).where(model.status == status.value)) or 0

    return OutboxCounts(count(OutboxMail, OutboxState.PENDING), count(OutboxMail, OutboxState.FAILED),
                        count(OutboxRecipient, OutboxState.PENDING), count(OutboxRecipient, OutboxState.FAILED))


def failed_recipients(session: Session, limit: int = 20) -> list[tuple[OutboxMail, OutboxRecipient]]:
    rows = session.execute(
        select(OutboxMail, OutboxRecipient).join(OutboxRecipient, OutboxRecipient.outbox_id == OutboxMail.id)
        .where(or_(OutboxRecipient.status == OutboxState.FAILED.value))
        .order_by(OutboxRecipient.id.desc()).limit(limit)).all()
    return [(m, r) for m, r in rows]
