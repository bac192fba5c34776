"""Record who shares a piece's credit (joint items) and the piece's type for per-type outlet points."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from baosong.config.schema import Scoring
from baosong.messages import say

from .errors import LedgerError
from .models import Piece, PieceJointUnit, Unit


def set_piece_type(session: Session, piece: Piece, piece_type: str, scoring: Scoring) -> None:
    types = scoring.types()
    if piece_type not in types:
        raise LedgerError(say("ledger.unknown_piece_type", piece_type=piece_type, known="、".join(types)))
    piece.piece_type = piece_type


def add_joint_units(session: Session, piece: Piece, names: Sequence[str]) -> list[str]:
    """Add units sharing the piece's credit; returns the names newly added (re-adding is a no-op)."""
    added: list[str] = []
    for name in names:
        unit = session.scalar(select(Unit).where((Unit.name == name) | (Unit.short == name)))
        if unit is None or not unit.active:
            raise LedgerError(say("ledger.unknown_config_unit", unit=name))

        if unit.id == piece.unit_id:
            continue
        exists = session.scalar(select(PieceJointUnit.id).where(
            PieceJointUnit.piece_id == piece.id, PieceJointUnit.unit_id == unit.id))
        if exists is None:
            session.add(PieceJointUnit(piece_id=piece.id, unit=unit))
            added.append(unit.name)
    session.flush()
    return added
