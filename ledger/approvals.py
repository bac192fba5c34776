"""Approvals: a period's notices held until the office releases them (``notices.require_approval``).

One row per period: the draft's code (quoted by a reply from an office address, or given to
``baosong notify approve``), when the draft went out, and when and by whom it was released.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Approval

# no 0/O, 1/I: the code is read and typed by people
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code(length: int = 6) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def approval_for(session: Session, period: str) -> Approval | None:
    return session.scalar(select(Approval).where(Approval.period == period))


def approval_by_code(session: Session, code: str) -> Approval | None:
    return session.scalar(select(Approval).where(Approval.code == code.strip().upper()))


def draft(session: Session, period: str, now: datetime | None = None) -> Approval:
    """The period's approval row, made (with a fresh code) when the first draft goes out."""
    row = approval_for(session, period)
    if row is None:
        code = new_code()
        while approval_by_code(session, code) is not None:
            code = new_code()
        row = Approval(period=period, code=code, drafted_at=now or datetime.now(timezone.utc))
        session.add(row)
        session.flush()
    return row


def approve(session: Session, row: Approval, by: str, now: datetime | None = None) -> bool:
    """Release the period; False if it had been released before (idempotent)."""
    if row.approved_at is not None:
        return False
    row.approved_at = now or datetime.now(timezone.utc)
    row.approved_by = by
    session.flush()
    return True
