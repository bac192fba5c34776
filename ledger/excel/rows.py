"""The 台账's rows: one per recorded piece in a span (every status), as plain values for the workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from baosong.messages import say
from baosong.vocabulary import Change, CommissionStatus, PieceStatus, label, labels

from ..audit import histories
from ..models import Correction, Piece
from .span import Span

CREDIT_SEPARATOR = "；"


def credit_cell(items: list[tuple[str, date]]) -> str:
    """`枣庄普刊 2026-10-20；上报 2026-10-25`: what the import reads back."""
    return CREDIT_SEPARATOR.join(f"{name} {day.isoformat()}" for name, day in items)


def status_cell(piece: Piece) -> str:
    label = labels(PieceStatus).get(piece.status, piece.status)
    if piece.status in (PieceStatus.SUPERSEDED.value, PieceStatus.MERGED.value) and piece.replaced_by:
        return say("excel.status_counted_in", status=label, piece=piece.replaced_by)
    return label


def commission_cell(piece: Piece) -> str:
    """The commission (约稿) a piece answers, e.g. 约稿〔2026〕12号; empty for a piece that answers none."""
    return piece.commission.number if piece.commission is not None else ""


def timeliness_cell(piece: Piece) -> str:
    """按时报送 / 迟报: the piece's receipt time (INTERNALDATE) against its commission's deadline."""
    if piece.commission is None:
        return ""
    status = CommissionStatus.ON_TIME if piece.received_at <= piece.commission.deadline else CommissionStatus.LATE
    return label(status)


def correction_text(c: Correction, tz: ZoneInfo) -> str:
    from ..labels import field_label

    label = labels(Change).get(c.action, c.action)
    when = c.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if c.action == "edit":
        empty = say("excel.empty_value")
        what = say("excel.correction_edit", action=label, field=field_label(c.field), old=c.old_value or empty,
                   new=c.new_value or empty)
    elif c.action in ("adopt", "instruct"):
        what = f"{label} {c.new_value}"
    elif c.action in ("adopt_undo", "instruct_undo"):
        what = f"{label} {c.old_value}"
    elif c.action == "supersede" and c.related_piece_id and c.piece_id:
        what = say("excel.correction_superseded_by", piece=c.related_piece_id)
    elif c.related_piece_id:
        what = say("excel.correction_related", action=label, piece=c.related_piece_id if c.piece_id else "").rstrip()
    else:
        what = label
    reason = say("excel.correction_reason", reason=c.reason) if c.reason else ""

    return f"{when} {c.actor} {what}{reason}"


@dataclass(frozen=True)
class LedgerRow:
    id: int
    received_at: datetime  # naive, in the office's time zone (Excel has no time zones)
    unit: str
    author: str
    title: str
    category: str
    word_count: int
    status: str
    commission: str
    timeliness: str
    adoptions: str
    instructions: str
    corrections: str
    note: str
    # for the summary (not columns)
    counted: bool
    unit_key: str


def pieces_between(session: Session, span: Span | None, tz: ZoneInfo) -> list[Piece]:
    query = (select(Piece).options(selectinload(Piece.unit), selectinload(Piece.adoptions),
                                   selectinload(Piece.instructions), selectinload(Piece.commission)).order_by(Piece.received_at, Piece.id))
    if span is not None:
        start, end = span.bounds(tz)
        query = query.where(Piece.received_at >= start, Piece.received_at < end)
    return list(session.scalars(query))


def ledger_rows(session: Session, span: Span | None, tz: ZoneInfo, now: datetime | None = None) -> list[LedgerRow]:
    pieces = pieces_between(session, span, tz)
    trail = histories(session, [p.id for p in pieces])
    rows = []
    for p in pieces:
        changes = [c for c in trail[p.id] if c.action not in ("adopt", "instruct")]
        rows.append(LedgerRow(
            id=p.id, received_at=p.received_at.astimezone(tz).replace(tzinfo=None), unit=p.unit.name,
            author=p.author or "", title=p.title or "", category=p.category or "", word_count=p.word_count,
            status=status_cell(p), commission=commission_cell(p), timeliness=timeliness_cell(p),
            adoptions=credit_cell(sorted((a.outlet, a.adopted_on) for a in p.adoptions)),
            instructions=credit_cell(sorted((i.level, i.instructed_on) for i in p.instructions)),
            corrections="\n".join(correction_text(c, tz) for c in changes), note="",
            counted=p.status == PieceStatus.COUNTED.value, unit_key=p.unit.name))
    return rows
