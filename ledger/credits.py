"""Credits a piece earns: adoptions by outlets and leaders' instructions. Callers commit.

Scoring reads them as plain events through :mod:`baosong.ledger.scoring_events`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from baosong.config.schema import Scoring
from baosong.messages import say

from .errors import LedgerError
from .models import Adoption, Instruction, Piece


def record_adoption(session: Session, piece_id: int, outlet: str, scoring: Scoring, *,
                    on: date, instruction: str | None = None) -> tuple[Adoption | None, Instruction | None]:
    """Record that ``outlet`` adopted piece ``piece_id`` (and optionally a leader instruction).

    Re-recording an existing adoption with a new instruction adds only the instruction.
    """
    piece = session.get(Piece, piece_id)
    if piece is None:
        raise LedgerError(say("ledger.no_such_piece", piece=piece_id))
    if outlet not in scoring.outlets:
        known = "、".join(scoring.outlets)
        raise LedgerError(say("ledger.unknown_outlet", outlet=outlet, known=known))
    if instruction is not None and instruction not in scoring.instructions:
        known = "、".join(scoring.instructions) or say("ledger.not_configured")
        raise LedgerError(say("ledger.unknown_instruction_level", level=instruction, known=known))
    adoption = session.scalar(select(Adoption).where(Adoption.piece_id == piece_id, Adoption.outlet == outlet))
    new_adoption = None
    if adoption is None:
        new_adoption = Adoption(piece=piece, outlet=outlet, adopted_on=on)
        session.add(new_adoption)
    elif instruction is None:
        raise LedgerError(say("ledger.adoption_already_recorded", piece=piece_id, outlet=outlet))
    new_instruction = None
    if instruction is not None:
        exists = session.scalar(select(Instruction).where(
            Instruction.piece_id == piece_id, Instruction.level == instruction))
        if exists is not None:
            raise LedgerError(say("ledger.instruction_already_recorded", piece=piece_id, level=instruction))

        new_instruction = Instruction(piece=piece, level=instruction, instructed_on=on)
        session.add(new_instruction)
    session.flush()
    return new_adoption, new_instruction
