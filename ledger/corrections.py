"""Corrections to recorded pieces, each one a row of the audit trail (ledger/audit.py). Callers commit.

- edit: a field of a piece (unit, category, title, author, 字数) takes a new value.
- void: the piece never counts (a test mail, a mistaken piece); its credits neither.
- supersede OLD NEW: a revision (修改稿) replaces OLD; the piece counts once, as NEW (its unit,
  category, and the month NEW was received); credits recorded on OLD count for NEW.
- merge KEEP OTHER...: one piece came in two (or more) mails; the others count in KEEP, their 字数 is
  added to KEEP's, their credits count for KEEP.
- split ID: one mail held two pieces; a second piece is made from the same message (same unit and
  received time) with the title given; ``words`` moves that many 字 from the original to it.
- restore: back to counted (undoes void, supersede, merge; a split is undone by voiding the new piece).
- adoptions and instructions recorded or withdrawn (``adopt --undo``).
Nothing is deleted but a withdrawn adoption or instruction row, whose values stay in the trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from baosong.config.schema import Scoring
from baosong.messages import say
from baosong.vocabulary import Change, PieceStatus, labels

from .audit import Who, record_change
from .credits import record_adoption
from .errors import LedgerError
from .models import Adoption, Instruction, Piece
from .units import resolve_unit

EDITABLE = ("unit", "category", "title", "author", "word_count")

COUNTED = PieceStatus.COUNTED.value


def get_piece(session: Session, piece_id: int) -> Piece:
    piece = session.get(Piece, piece_id)
    if piece is None:
        raise LedgerError(say("ledger.no_such_piece", piece=piece_id))
    return piece


def _status(piece: Piece) -> str:
    return labels(PieceStatus).get(piece.status, piece.status)


def _must_count(piece: Piece, doing: str) -> None:
    """``doing``: the key of the verb refused (``"ledger.doing_void"`` ...)."""
    if piece.status != COUNTED:
        if piece.replaced_by:
            raise LedgerError(say("ledger.piece_counted_in_other", piece=piece.id, status=_status(piece),
                                  counted_in=piece.replaced_by, doing=say(doing), state=piece.status))
        raise LedgerError(say("ledger.piece_not_counted", piece=piece.id, status=_status(piece), doing=say(doing),
                              state=piece.status))


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


def edit_piece(session: Session, piece_id: int, values: dict[str, object], scoring: Scoring, who: Who,
               reason: str | None = None) -> list[FieldChange]:
    """Give the piece new field values (keys from EDITABLE); each change is recorded. Unchanged values are skipped."""
    piece = get_piece(session, piece_id)
    changes: list[FieldChange] = []
    for field, value in values.items():
        if field not in EDITABLE:
            raise ValueError(f"not an editable field: {field}")
        if field == "unit":
            unit = resolve_unit(session, str(value))
            if unit is None:
                raise LedgerError(say("ledger.edit_unknown_unit", unit=value))
            if unit.id != piece.unit_id:
                changes.append(FieldChange("unit", piece.unit.name, unit.name))
                piece.unit = unit
            continue
        if field == "category":
            text = str(value).strip() if value is not None else ""
            if text and text not in scoring.categories:
                known = "、".join(scoring.categories)
                raise LedgerError(say("ledger.unknown_category", category=text, known=known))
            value = text or None
        elif field == "word_count":
            if not isinstance(value, int) or value < 0:
                raise LedgerError(say("ledger.bad_word_count", value=value))
        else:
            value = str(value).strip() or None if value is not None else None
        old = getattr(piece, field)
        if old != value:
            changes.append(FieldChange(field, old, value))
            setattr(piece, field, value)
    if not changes:
        raise LedgerError(say("ledger.nothing_to_change", piece=piece_id))
    session.flush()
    for c in changes:
        record_change(session, who, Change.EDIT, piece_id=piece.id, field=c.field, old=c.old, new=c.new,
                      reason=reason)
    return changes


def void_piece(session: Session, piece_id: int, who: Who, reason: str) -> Piece:
    """The piece never counts; its adoptions and instructions stop counting too (they stay recorded)."""
    if not reason.strip():
        raise LedgerError(say("ledger.void_needs_reason"))
    piece = get_piece(session, piece_id)
    _must_count(piece, "ledger.doing_void")
    piece.status = PieceStatus.VOID.value
    record_change(session, who, Change.VOID, piece_id=piece.id, field="status", old=COUNTED,
                  new=piece.status, reason=reason)
    session.flush()
    return piece


def restore_piece(session: Session, piece_id: int, who: Who, reason: str | None = None) -> Piece:
    """Back to counted: undoes a void, a supersede or a merge of this piece."""
    piece = get_piece(session, piece_id)
    if piece.status == COUNTED:
        raise LedgerError(say("ledger.already_counted", piece=piece_id))
    old, related = piece.status, piece.replaced_by
    piece.status, piece.replaced_by = COUNTED, None
    record_change(session, who, Change.RESTORE, piece_id=piece.id, field="status", old=old, new=COUNTED,
                  related=related, reason=reason)
    session.flush()
    return piece


def _two_pieces(session: Session, first: int, second: int, doing: str) -> tuple[Piece, Piece]:
    """``doing``: the key of the verb (``"ledger.doing_merge"`` ...)."""
    if first == second:
        raise LedgerError(say("ledger.same_piece_merged", piece=first) if doing == "ledger.doing_merge"
                          else say("ledger.same_piece_superseded", piece=first))
    a, b = get_piece(session, first), get_piece(session, second)
    _must_count(a, doing)
    _must_count(b, doing)
    if a.unit_id != b.unit_id:
        raise LedgerError(say("ledger.pieces_of_two_units", first=a.id, first_unit=a.unit.name, second=b.id,
                              second_unit=b.unit.name))
    return a, b


def supersede(session: Session, old_id: int, new_id: int, who: Who, reason: str | None = None) -> Piece:
    """``new_id`` (a revised version, 修改稿) replaces ``old_id``: the piece counts once, as ``new_id``."""
    old, new = _two_pieces(session, old_id, new_id, "ledger.doing_supersede")
    old.status, old.replaced_by = PieceStatus.SUPERSEDED.value, new.id
    record_change(session, who, Change.SUPERSEDE, piece_id=old.id, field="status", old=COUNTED, new=old.status,
                  related=new.id, reason=reason)
    session.flush()
    return old


def merge(session: Session, keep_id: int, other_ids: Sequence[int], who: Who, reason: str | None = None) -> Piece:
    """One piece came in several mails: the others count in ``keep_id``; their 字数 is added to it."""
    if not other_ids:
        raise LedgerError(say("ledger.merge_needs_pieces"))
    keep = get_piece(session, keep_id)
    words = keep.word_count
    for other_id in dict.fromkeys(other_ids):
        keep, other = _two_pieces(session, keep_id, other_id, "ledger.doing_merge")
        other.status, other.replaced_by = PieceStatus.MERGED.value, keep.id
        record_change(session, who, Change.MERGE, piece_id=other.id, field="status", old=COUNTED,
                      new=other.status, related=keep.id, reason=reason)
        words += other.word_count
    if words != keep.word_count:
        record_change(session, who, Change.EDIT, piece_id=keep.id, field="word_count", old=keep.word_count,
                      new=words, reason=say("ledger.merge_reason", pieces="、".join(str(i) for i in other_ids)))
        keep.word_count = words
    session.flush()
    return keep


def split(session: Session, piece_id: int, who: Who, *, title: str, category: str | None = None,
          author: str | None = None, words: int = 0, scoring: Scoring, reason: str | None = None) -> Piece:
    """One mail held two pieces: make the second one (same message, unit, received time, source)."""
    original = get_piece(session, piece_id)
    _must_count(original, "ledger.doing_split")
    if not title.strip():
        raise LedgerError(say("ledger.split_needs_title"))
    if category is not None and category not in scoring.categories:
        known = "、".join(scoring.categories)
        raise LedgerError(say("ledger.unknown_category", category=category, known=known))
    if words < 0 or words > original.word_count:
        raise LedgerError(say("ledger.split_words_out_of_range", words=original.word_count))
    piece = Piece(message_id=original.message_id, unit_id=original.unit_id, source=original.source,
                  sha256=original.sha256, title=title.strip(), stated_unit=original.stated_unit,
                  author=(author or original.author), category=category, word_count=words,
                  received_at=original.received_at)
    session.add(piece)
    session.flush()
    record_change(session, who, Change.SPLIT, piece_id=piece.id, field="title", new=piece.title,
                  related=original.id, reason=reason)
    if words:
        record_change(session, who, Change.EDIT, piece_id=original.id, field="word_count",
                      old=original.word_count, new=original.word_count - words,
                      reason=say("ledger.split_reason", piece=piece.id))
        original.word_count -= words
    session.flush()
    return piece


def adopt(session: Session, piece_id: int, outlet: str, scoring: Scoring, who: Who, *, on: date,
          instruction: str | None = None) -> tuple[Adoption | None, Instruction | None]:
    """Record an adoption (and optionally an instruction) with its author in the trail."""
    piece = get_piece(session, piece_id)
    if piece.status == PieceStatus.VOID.value:
        raise LedgerError(say("ledger.void_cannot_adopt", piece=piece_id))
    adoption, instr = record_adoption(session, piece_id, outlet, scoring, on=on, instruction=instruction)
    if adoption is not None:
        record_change(session, who, Change.ADOPT, piece_id=piece_id, field="outlet", new=f"{outlet} {on}")
    if instr is not None:
        record_change(session, who, Change.INSTRUCT, piece_id=piece_id, field="instruction",
                      new=f"{instruction} {on}")
    return adoption, instr


def undo_adoption(session: Session, piece_id: int, outlet: str | None, who: Who, *, instruction: str | None = None,
                  reason: str | None = None) -> str:
    """Withdraw an adoption by ``outlet`` or, with ``instruction``, only that instruction. Returns what went."""
    get_piece(session, piece_id)
    if instruction is not None:
        row = session.scalar(select(Instruction).where(Instruction.piece_id == piece_id,
                                                       Instruction.level == instruction))
        if row is None:
            raise LedgerError(say("ledger.no_such_instruction", piece=piece_id, level=instruction))
        gone = f"{row.level} {row.instructed_on}"
        session.delete(row)
        record_change(session, who, Change.INSTRUCT_UNDO, piece_id=piece_id, field="instruction", old=gone,
                      reason=reason)
    else:
        adoption = session.scalar(select(Adoption).where(Adoption.piece_id == piece_id, Adoption.outlet == outlet))
        if adoption is None:
            raise LedgerError(say("ledger.no_such_adoption", piece=piece_id, outlet=outlet))
        gone = f"{adoption.outlet} {adoption.adopted_on}"
        session.delete(adoption)
        record_change(session, who, Change.ADOPT_UNDO, piece_id=piece_id, field="outlet", old=gone, reason=reason)
    session.flush()
    return gone


def add_instruction(session: Session, piece_id: int, level: str, scoring: Scoring, who: Who, *, on: date) -> Instruction:
    """Record a leader's instruction on a piece (without a new adoption), with its author in the trail."""
    piece = get_piece(session, piece_id)
    if piece.status == PieceStatus.VOID.value:
        raise LedgerError(say("ledger.void_cannot_instruct", piece=piece_id))
    if level not in scoring.instructions:
        known = "、".join(scoring.instructions) or say("ledger.not_configured")
        raise LedgerError(say("ledger.unknown_instruction_level", level=level, known=known))
    if session.scalar(select(Instruction).where(Instruction.piece_id == piece_id, Instruction.level == level)):
        raise LedgerError(say("ledger.instruction_already_recorded", piece=piece_id, level=level))

    row = Instruction(piece=piece, level=level, instructed_on=on)
    session.add(row)
    record_change(session, who, Change.INSTRUCT, piece_id=piece_id, field="instruction", new=f"{level} {on}")
    session.flush()
    return row
