"""Read what a regime scores for a period from the ledger, as plain events (the I/O edge of scoring)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from baosong.vocabulary import PieceStatus

from .models import Adoption, Instruction, Piece, PieceJointUnit, Unit, UnitEntry
from .periods import Period
from .regime.events import (
    AdjustmentEvent,
    AdoptionEvent,
    EndorsementEvent,
    Events,
    InstructionEvent,
    PieceEvent,
    UnitRef,
)
from .status import counting_pieces

# pieces are read this many days either side of the period, for weeks that straddle its edges
MARGIN_DAYS = 7


def scoring_units(session: Session, groups: Mapping[str, str | None] | None = None,
                  counts_for: Mapping[str, str | None] | None = None) -> list[UnitRef]:
    """The active units, in the ledger's order; ``groups`` (镇街…) and ``counts_for`` (直报点) from units.yaml."""
    groups = groups or {}
    counts_for = counts_for or {}
    rows = session.scalars(select(Unit).where(Unit.active).order_by(Unit.id))
    return [UnitRef(u.name, u.short, u.class_, groups.get(u.name), counts_for.get(u.name)) for u in rows]


def _joint_units(session: Session, piece_ids: set[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    ids = sorted(piece_ids)
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(PieceJointUnit.piece_id, Unit.name).join(Unit, PieceJointUnit.unit_id == Unit.id)
            .where(PieceJointUnit.piece_id.in_(ids[i:i + 500])).order_by(PieceJointUnit.id))
        for pid, name in rows:
            out.setdefault(pid, []).append(name)
    return {pid: tuple(names) for pid, names in out.items()}


def period_events(session: Session, period: Period, tz: ZoneInfo, window: tuple[date, date] | None = None,
                  *, now: datetime | None = None) -> Events:
    """Pieces received and adoptions dated in ``window`` (default: the period and a week either side),
    everything else dated in the period. The regime's components keep what falls in their stretch.

    Corrections are respected (ledger/status.py): only counted pieces are submissions (a void, superseded
    or merged piece is none), with their unit and category as corrected; a credit on a superseded or
    merged piece counts for the piece that replaced it (its unit, type and joint units), once per
    (piece, outlet) or (piece, level); a credit on a void piece counts nothing.
    """
    first, last = window or (period.start - timedelta(days=MARGIN_DAYS), period.end + timedelta(days=MARGIN_DAYS))
    start, end = (datetime(d.year, d.month, d.day, tzinfo=tz) for d in (first, last))
    # a piece without a category tag counts under the type the office recorded for it (adopt --type)
    pieces = [
        PieceEvent(unit, category or ptype, pid, received.astimezone(tz).date())
        for pid, unit, category, ptype, received in session.execute(
            select(Piece.id, Unit.name, Piece.category, Piece.piece_type, Piece.received_at)
            .join(Unit, Piece.unit_id == Unit.id)
            .where(Piece.received_at >= start, Piece.received_at < end,
                   Piece.status == PieceStatus.COUNTED.value)
            .order_by(Piece.received_at, Piece.id))
    ]
    adoption_rows = session.execute(
        select(Adoption.piece_id, Adoption.outlet, Adoption.adopted_on, Unit.name, Piece.piece_type, Piece.category,
               Piece.status)
        .join(Piece, Adoption.piece_id == Piece.id).join(Unit, Piece.unit_id == Unit.id)
        .where(Adoption.adopted_on >= first, Adoption.adopted_on < last)
        .order_by(Adoption.id)).all()
    instruction_rows = session.execute(
        select(Instruction.piece_id, Instruction.level, Instruction.instructed_on, Unit.name, Piece.status)
        .join(Piece, Instruction.piece_id == Piece.id).join(Unit, Piece.unit_id == Unit.id)
        .where(Instruction.instructed_on >= period.start, Instruction.instructed_on < period.end)
        .order_by(Instruction.id)).all()
    # credits on pieces that no longer count on their own: to the piece counting in their stead
    moved = {r[0] for r in (*adoption_rows, *instruction_rows) if r[-1] != PieceStatus.COUNTED.value}
    counting = counting_pieces(session, moved) if moved else {}
    targets: dict[int, tuple[str | None, str | None]] = {}
    if counting:
        ids = sorted({c.piece_id for c in counting.values() if c is not None})
        for i in range(0, len(ids), 500):
            for pid, ptype, category in session.execute(
                    select(Piece.id, Piece.piece_type, Piece.category).where(Piece.id.in_(ids[i:i + 500]))):
                targets[pid] = (ptype, category)

    def counted_as(pid: int, unit: str, ptype: str | None, category: str | None,
                   status: str) -> tuple[int, str, str | None, str | None] | None:
        if status == PieceStatus.COUNTED.value:
            return pid, unit, ptype, category
        target = counting.get(pid)
        if target is None:
            return None
        return (target.piece_id, target.unit, *targets.get(target.piece_id, (None, None)))

    adoption_keys: dict[tuple[int, str], tuple[int, str, date, str, str | None]] = {}
    for pid, outlet, on, unit, ptype, category, status in adoption_rows:
        found = counted_as(pid, unit, ptype, category, status)
        if found is not None:
            adoption_keys.setdefault((found[0], outlet), (found[0], outlet, on, found[1], found[2] or found[3]))
    instruction_keys: dict[tuple[int, str], tuple[int, str, date, str]] = {}
    for pid, level, on, unit, status in instruction_rows:
        found = counted_as(pid, unit, None, None, status)
        if found is not None:
            instruction_keys.setdefault((found[0], level), (found[0], level, on, found[1]))
    joint = _joint_units(session, {k[0] for k in adoption_keys} | {k[0] for k in instruction_keys})

    def sharing(pid: int, unit: str) -> tuple[str, ...]:
        return (unit, *joint[pid]) if pid in joint else ()

    adoptions = [AdoptionEvent(pid, unit, outlet, on, ptype, sharing(pid, unit))
                 for pid, outlet, on, unit, ptype in adoption_keys.values()]
    instructions = [InstructionEvent(pid, unit, level, on, sharing(pid, unit))
                    for pid, level, on, unit in instruction_keys.values()]
    endorsements: list[EndorsementEvent] = []
    adjustments: list[AdjustmentEvent] = []
    for kind, key, on, done, note, unit in session.execute(
            select(UnitEntry.kind, UnitEntry.key, UnitEntry.entered_on, UnitEntry.done, UnitEntry.note, Unit.name)
            .join(Unit, UnitEntry.unit_id == Unit.id)
            .where(UnitEntry.entered_on >= period.start, UnitEntry.entered_on < period.end)
            .order_by(UnitEntry.id)):
        if kind == "endorsement":
            endorsements.append(EndorsementEvent(unit, "deputy" if key == "deputy" else "principal", on, note))
        else:
            adjustments.append(AdjustmentEvent(unit, key, on, done, note))
    # commissions (约稿) are fed here once the ledger records them: CommissionEvent per unit and outcome
    return Events(pieces=tuple(pieces), adoptions=tuple(adoptions), instructions=tuple(instructions),
                  endorsements=tuple(endorsements), adjustments=tuple(adjustments))


