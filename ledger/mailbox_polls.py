"""The last poll of each mailbox and its result: ``baosong status`` and the failing-mailbox alert."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import MailboxPoll


def record_poll(session: Session, mailbox: str, when: datetime, error: str | None) -> MailboxPoll:
    """Record one poll: a success clears the failure count (and the alert mark); a failure adds one."""
    row = session.get(MailboxPoll, mailbox)
    if row is None:
        row = MailboxPoll(mailbox=mailbox, last_attempt_at=when, consecutive_failures=0)
        session.add(row)
    row.last_attempt_at = when
    if error is None:
        row.last_success_at = when
        row.last_error = None
        row.consecutive_failures = 0
        row.alerted_at = None
    else:
        row.last_error = error
        row.consecutive_failures = (row.consecutive_failures or 0) + 1
    session.flush()
    return row


def needs_alert(row: MailboxPoll, threshold: int) -> bool:
    """The office is told once per run of failures, when it reaches ``threshold``."""
    return row.consecutive_failures >= threshold and row.alerted_at is None


def all_polls(session: Session) -> list[MailboxPoll]:
    return list(session.scalars(select(MailboxPoll).order_by(MailboxPoll.mailbox)))


def poll_record(session: Session, mailbox: str) -> MailboxPoll | None:
    return session.get(MailboxPoll, mailbox)
