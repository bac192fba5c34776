"""Credits a piece earns: adoptions by outlets and leaders' instructions; the events scoring reads. Callers commit."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from baosong.config.schema import Scoring

from .errors import LedgerError
from .messages import pieces_in
from .models import Adoption, Instruction, Piece, Unit
from .periods import Month
from .scoring import CreditEvent, PieceEvent, UnitRef
from .units import active_units


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


def period_events(session: Session, month: Month, tz: ZoneInfo) -> tuple[list[UnitRef], list[PieceEvent], list[CreditEvent]]:
    """Everything scoring needs for one month, as plain values."""
    units = [UnitRef(u.name, u.short, u.class_) for u in active_units(session)]
    pieces = [PieceEvent(p.unit.name, p.category) for p in pieces_in(session, month, tz)]
    first, after = month.first_day(), month.next().first_day()
    credits: list[CreditEvent] = []
    rows = session.execute(
        select(Adoption.piece_id, Adoption.outlet, Unit.name)
        .join(Piece, Adoption.piece_id == Piece.id).join(Unit, Piece.unit_id == Unit.id)
        .where(Adoption.adopted_on >= first, Adoption.adopted_on < after)
    )
    credits += [CreditEvent(unit, pid, "outlet", outlet) for pid, outlet, unit in rows]
    rows = session.execute(
        select(Instruction.piece_id, Instruction.level, Unit.name)
        .join(Piece, Instruction.piece_id == Piece.id).join(Unit, Piece.unit_id == Unit.id)
        .where(Instruction.instructed_on >= first, Instruction.instructed_on < after)
    )
    credits += [CreditEvent(unit, pid, "instruction", level) for pid, level, unit in rows]
    return units, pieces, credits
