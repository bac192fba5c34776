"""Credits a piece earns: adoptions by outlets and leaders' instructions; the events scoring reads. Callers commit."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from baosong.config.schema import Scoring
from baosong.vocabulary import PieceStatus

from .errors import LedgerError
from .messages import pieces_in
from .models import Adoption, Instruction, Piece
from .periods import Month
from .scoring import CreditEvent, PieceEvent, UnitRef
from .status import counting_pieces
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
    """Everything scoring needs for one month, as plain values.

    Corrections are respected: only counted pieces are submissions (not void, superseded or merged ones),
    with their unit and category as corrected; a credit on a superseded or merged piece counts for the
    piece that replaced it, once; a credit on a void piece counts nothing (ledger/status.py).
    """
    units = [UnitRef(u.name, u.short, u.class_) for u in active_units(session)]
    pieces = [PieceEvent(p.unit.name, p.category) for p in pieces_in(session, month, tz)
              if p.status == PieceStatus.COUNTED.value]
    first, after = month.first_day(), month.next().first_day()
    found: list[tuple[int, str, str]] = []
    rows = session.execute(
        select(Adoption.piece_id, Adoption.outlet)
        .where(Adoption.adopted_on >= first, Adoption.adopted_on < after)
    )
    found += [(pid, "outlet", outlet) for pid, outlet in rows]
    rows = session.execute(
        select(Instruction.piece_id, Instruction.level)
        .where(Instruction.instructed_on >= first, Instruction.instructed_on < after)
    )
    found += [(pid, "instruction", level) for pid, level in rows]
    counting = counting_pieces(session, {pid for pid, _, _ in found})
    credits: dict[tuple[int, str, str], CreditEvent] = {}
    for pid, kind, key in found:
        target = counting[pid]
        if target is not None:
            credits.setdefault((target.piece_id, kind, key), CreditEvent(target.unit, target.piece_id, kind, key))
    return units, pieces, list(credits.values())
