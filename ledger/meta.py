"""Small facts about the ledger itself (the ``ledger_meta`` table), by key. Callers commit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .models import LedgerMeta


def get_value(session: Session, key: str) -> str | None:
    row = session.get(LedgerMeta, key)
    return row.value if row is not None else None


def set_value(session: Session, key: str, value: str) -> None:
    row = session.get(LedgerMeta, key)
    if row is None:
        session.add(LedgerMeta(key=key, value=value))
    else:
        row.value = value
    session.flush()
