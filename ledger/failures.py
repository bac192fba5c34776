"""Messages whose processing raised: each attempt counted, the message set aside after N. Callers commit.

A poison message must neither be retried forever nor lost: :func:`record_failure` counts each
attempt with the last traceback; once ``attempts`` reaches the office's ``limits.max_attempts``
the caller moves it to the quarantine folder and calls :func:`set_aside`, which records it as a
message row (verdict quarantined, reason processing_failed) so the ledger never forgets it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from .messages import MessageRecord, find_message_by_sha, record_message
from .models import Failure


def find_failure(session: Session, mailbox: str, uidvalidity: int | None, uid: int | None) -> Failure | None:
    return session.scalar(select(Failure).where(
        Failure.mailbox == mailbox, Failure.uidvalidity == uidvalidity, Failure.uid == uid))


def record_failure(session: Session, *, mailbox: str, uidvalidity: int | None, uid: int | None,
                   sha256: str, error: str) -> Failure:
    """Count one more failed attempt at processing this message; returns the failure row."""
    now = datetime.now(timezone.utc)
    failure = find_failure(session, mailbox, uidvalidity, uid)
    if failure is None:
        failure = Failure(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, sha256=sha256, attempts=0,
                          first_at=now)
        session.add(failure)
    failure.attempts += 1
    failure.last_error = error
    failure.last_at = now
    failure.sha256 = sha256
    session.flush()
    return failure


def exhausted(failure: Failure, max_attempts: int) -> bool:
    """Whether the message has failed often enough to be set aside (and has not been yet)."""
    return failure.set_aside_at is None and failure.attempts >= max_attempts


def set_aside(session: Session, failure: Failure, record: MessageRecord) -> int:
    """Record the message (quarantined, processing_failed) and mark the failure set aside; the message id.

    The same bytes recorded before (under another UID) are not recorded twice: the failure points at them.
    """
    message = find_message_by_sha(session, record.sha256) or record_message(session, record)
    failure.message_ref = message.id
    failure.set_aside_at = datetime.now(timezone.utc)
    session.flush()
    return message.id


def failures(session: Session) -> list[Failure]:
    return list(session.scalars(select(Failure).order_by(Failure.first_at, Failure.id)))
