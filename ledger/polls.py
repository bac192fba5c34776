"""Polls of each mailbox folder: when it was last polled, last polled successfully, its UIDVALIDITY,
how many polls in a row failed and whether the office was told (``baosong status``, the daemon's alert).

Callers commit. Two pollers may start on the same mailbox at once: the row is created by whichever
flushes first, and the other one's unique-constraint error is taken as "it exists now".
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import MailboxPoll


def poll_state(session: Session, mailbox: str) -> MailboxPoll | None:
    return session.scalar(select(MailboxPoll).where(MailboxPoll.mailbox == mailbox))


def _row(session: Session, mailbox: str) -> MailboxPoll:
    row = poll_state(session, mailbox)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = MailboxPoll(mailbox=mailbox)
            session.add(row)
    except IntegrityError:  # another poller created it a moment ago
        row = poll_state(session, mailbox)
        assert row is not None
    return row


def note_uidvalidity(session: Session, mailbox: str, uidvalidity: int) -> int | None:
    """Record the folder's UIDVALIDITY; returns the previous one when it changed, else None."""
    row = _row(session, mailbox)
    before = row.uidvalidity
    row.uidvalidity = uidvalidity
    session.flush()
    return before if before is not None and before != uidvalidity else None


def record_poll(session: Session, mailbox: str, *, ok: bool, error: str | None = None,
                when: datetime | None = None) -> MailboxPoll:
    """One poll of ``mailbox`` ended: successfully (``ok``: the failure count and the alert mark are
    cleared), or with ``error`` (one more failure in a row)."""
    when = when or datetime.now(timezone.utc)
    row = _row(session, mailbox)
    row.last_attempt_at = when
    if ok:
        row.last_success_at = when
        row.last_error = None
        row.consecutive_failures = 0
        row.alerted_at = None
    else:
        row.last_error = (error or "")[:2000]
        row.consecutive_failures = (row.consecutive_failures or 0) + 1
    session.flush()
    return row


def needs_alert(row: MailboxPoll, threshold: int) -> bool:
    """The office is told once per run of failures, when it reaches ``threshold``."""
    return (row.consecutive_failures or 0) >= threshold and row.alerted_at is None


def all_polls(session: Session) -> list[MailboxPoll]:
    return list(session.scalars(select(MailboxPoll).order_by(MailboxPoll.mailbox)))
