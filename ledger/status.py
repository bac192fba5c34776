"""Which piece counts: a superseded or merged piece counts as the piece that replaced it; a void one not at all.

Scoring reads credits through :func:`counting_pieces`, so an adoption recorded on the first version of a
piece and one on its revision (修改稿) count once, for the unit the counting piece belongs to now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from baosong.vocabulary import PieceStatus

from .models import Piece, Unit

_REPLACED = (PieceStatus.SUPERSEDED.value, PieceStatus.MERGED.value)


@dataclass(frozen=True)
class Counting:
    """The piece that counts for a given piece, and its unit's name."""

    piece_id: int
    unit: str


def counting_pieces(session: Session, piece_ids: Iterable[int]) -> dict[int, Counting | None]:
    """For each piece: the piece that counts in its stead (itself when counted), or None when void.

    Follows ``replaced_by`` through superseded and merged pieces (a revision of a revision); a chain
    that ends in a void piece, or loops, counts nothing.
    """
    rows: dict[int, tuple[str, int | None, str]] = {}
    wanted = set(piece_ids)
    while wanted:
        batch = list(wanted)
        wanted = set()
        for i in range(0, len(batch), 500):
            found = session.execute(
                select(Piece.id, Piece.status, Piece.replaced_by, Unit.name)
                .join(Unit, Piece.unit_id == Unit.id).where(Piece.id.in_(batch[i:i + 500])))
            for pid, status, replaced_by, unit in found:
                rows[pid] = (status, replaced_by, unit)
                if status in _REPLACED and replaced_by is not None and replaced_by not in rows:
                    wanted.add(replaced_by)
    result: dict[int, Counting | None] = {}
    for start in piece_ids:
        current: int | None = start
        seen: set[int] = set()
        outcome: Counting | None = None
        while current is not None and current in rows and current not in seen:
            seen.add(current)
            status, replaced_by, unit = rows[current]
            if status == PieceStatus.COUNTED.value:
                outcome = Counting(current, unit)
                break
            current = replaced_by if status in _REPLACED else None
        result[start] = outcome
    return result
