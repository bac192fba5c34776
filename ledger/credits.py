"""Credits a piece earns: adoptions by outlets and leaders' instructions; the events scoring reads. Callers commit."""

from __future__ import annotations

from datetime import date
from itertools import chain, repeat
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baosong.config.schema import Scoring

from .errors import LedgerError
from .models import Adoption, Instruction, Piece, Unit
from .periods import DaySpan, Month, instants
from .scoring import CreditEvent, PieceEvent, UnitRef


def record_adoption(session: Session, piece_id: int, outlet: str, scoring: Scoring, *,
                    on: date, instruction: str | None = None) -> tuple[Adoption | None, Instruction | None]:
    """Record that ``outlet`` adopted piece ``piece_id`` (and optionally a leader instruction).

    Re-recording an existing adoption with a new instruction adds only the instruction.
    """
    piece = session.get(Piece, piece_id)
    if piece is None:
        raise LedgerError(f"没有编号为 {piece_id} 的稿件（用 `baosong ledger list` 查看） / no such piece")
    if outlet not in scoring.outlets:
        known = "、".join(scoring.outlets)
        raise LedgerError(f"scoring.yaml 中没有刊物“{outlet}”。可用：{known} / unknown outlet")
    if instruction is not None and instruction not in scoring.instructions:
        known = "、".join(scoring.instructions) or "（未配置）"
        raise LedgerError(f"scoring.yaml 中没有批示级别“{instruction}”。可用：{known} / unknown instruction level")
    adoption = session.scalar(select(Adoption).where(Adoption.piece_id == piece_id, Adoption.outlet == outlet))
    new_adoption = None
    if adoption is None:
        new_adoption = Adoption(piece=piece, outlet=outlet, adopted_on=on)
        session.add(new_adoption)
    elif instruction is None:
        raise LedgerError(f"稿件 {piece_id} 已登记过被“{outlet}”采用 / adoption already recorded")
    new_instruction = None
    if instruction is not None:
        exists = session.scalar(select(Instruction).where(
            Instruction.piece_id == piece_id, Instruction.level == instruction))
        if exists is not None:
            raise LedgerError(f"稿件 {piece_id} 已登记过“{instruction}”批示 / instruction already recorded")
        new_instruction = Instruction(piece=piece, level=instruction, instructed_on=on)
        session.add(new_instruction)
    session.flush()
    return new_adoption, new_instruction


def period_events(session: Session, period: Month | DaySpan, tz: ZoneInfo
                  ) -> tuple[list[UnitRef], list[PieceEvent], list[CreditEvent]]:
    """Everything scoring needs for a period (a Month, or a range of days [first, after): a quarter, a
    year), as plain values.

    Aggregated in SQL, never loaded as ORM objects: the period's pieces are counted per unit and
    category (a range scan of ``ix_pieces_received_unit_category``) and come back as one shared
    PieceEvent per counted piece; adoptions and instructions are read by date through their indexes
    as plain rows. Memory grows with the number of units and credits in the period, not with the ledger.
    """
    span = period.span() if isinstance(period, Month) else period
    first, after = span
    start, end = instants(span, tz)
    db = session.connection()  # Core rows: these are plain values, the ORM's result machinery is not needed
    names: dict[int, str] = {}
    units: list[UnitRef] = []
    for unit_id, name, short, class_, active in db.execute(
            select(Unit.id, Unit.name, Unit.short, Unit.class_, Unit.active).order_by(Unit.id)):
        names[unit_id] = name  # every unit, active or not: history names units that have left units.yaml
        if active:
            units.append(UnitRef(name, short, class_))
    counted = db.execute(
        select(Piece.unit_id, Piece.category, func.count())
        .where(Piece.received_at >= start, Piece.received_at < end)
        .group_by(Piece.unit_id, Piece.category)
    )
    pieces = list(chain.from_iterable(repeat(PieceEvent(names[unit_id], category), n)
                                      for unit_id, category, n in counted))
    credits: list[CreditEvent] = []
    rows = db.execute(
        select(Adoption.piece_id, Adoption.outlet, Piece.unit_id).join(Piece, Adoption.piece_id == Piece.id)
        .where(Adoption.adopted_on >= first, Adoption.adopted_on < after)
    )
    credits += [CreditEvent(names[unit_id], pid, "outlet", outlet) for pid, outlet, unit_id in rows]
    rows = db.execute(
        select(Instruction.piece_id, Instruction.level, Piece.unit_id).join(Piece, Instruction.piece_id == Piece.id)
        .where(Instruction.instructed_on >= first, Instruction.instructed_on < after)
    )
    credits += [CreditEvent(names[unit_id], pid, "instruction", level) for pid, level, unit_id in rows]
    return units, pieces, credits
