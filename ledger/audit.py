"""The audit trail: every change made to the ledger after the fact, as a row of ``corrections``. Callers commit."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from baosong.vocabulary import Change

from .models import Correction


def current_user() -> str:
    """Who is changing the ledger when no ``--by`` is given: the operating-system user."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in this environment (a container without passwd entry)
        return os.environ.get("USER") or f"uid {os.getuid()}"


@dataclass(frozen=True)
class Who:
    """Who makes a change and how: ``via`` is ``cli``, ``import <file>`` or ``units.yaml``."""

    actor: str
    via: str = "cli"


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def record_change(session: Session, who: Who, action: Change, *, piece_id: int | None = None,
                  unit_id: int | None = None, field: str | None = None, old: object = None, new: object = None,
                  related: int | None = None, reason: str | None = None) -> Correction:
    row = Correction(piece_id=piece_id, unit_id=unit_id, action=action.value, field=field, old_value=_text(old),
                     new_value=_text(new), related_piece_id=related, reason=reason or None, actor=who.actor,
                     via=who.via)
    session.add(row)
    return row


def piece_history(session: Session, piece_id: int) -> list[Correction]:
    """Every change to the piece, and every change that names it (the revision that replaced it, ...)."""
    return list(session.scalars(
        select(Correction).where(or_(Correction.piece_id == piece_id, Correction.related_piece_id == piece_id))
        .order_by(Correction.at, Correction.id)))


def histories(session: Session, piece_ids: list[int]) -> dict[int, list[Correction]]:
    """The changes of many pieces at once (the Excel 台账's 更正记录 column)."""
    out: dict[int, list[Correction]] = {pid: [] for pid in piece_ids}
    for i in range(0, len(piece_ids), 500):
        chunk = piece_ids[i:i + 500]
        rows = session.scalars(select(Correction).where(
            or_(Correction.piece_id.in_(chunk), Correction.related_piece_id.in_(chunk)))
            .order_by(Correction.at, Correction.id))
        for row in rows:
            for pid in (row.piece_id, row.related_piece_id):
                if pid in out and row not in out[pid]:
                    out[pid].append(row)
    return out
