"""Received messages and the pieces they carry: finding, recording, filing. Callers commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from .errors import LedgerError
from .models import Message, Piece, Unit
from .periods import Month


@dataclass(frozen=True)
class PieceRecord:
    source: str
    sha256: str
    title: str | None
    stated_unit: str | None
    author: str | None
    category: str | None
    word_count: int
    # the commission (约稿) the piece answers and how that was found; candidates: flagged for the office
    commission_id: int | None = None
    commission_link: str | None = None
    commission_candidates: tuple[int, ...] | None = None


@dataclass(frozen=True)
class MessageRecord:
    mailbox: str
    uidvalidity: int | None
    uid: int | None
    sha256: str
    message_id: str | None
    sender: str
    subject: str
    received_at: datetime
    size: int
    archive_path: str
    verdict: str
    reason: str | None
    detail: str | None
    unit_name: str | None
    pieces: tuple[PieceRecord, ...] = ()
    rule_hits: tuple[tuple[str, str | None], ...] = ()   # (rule, detail) of every gate rule that fired


def find_message(session: Session, mailbox: str, uidvalidity: int | None, uid: int | None) -> Message | None:
    if uid is None:
        return None
    return session.scalar(
        select(Message).where(
            Message.mailbox == mailbox, Message.uidvalidity == uidvalidity, Message.uid == uid
        )
    )


def recorded_uids(session: Session, mailbox: str, uidvalidity: int, uids: Iterable[int]) -> dict[int, Message]:
    """Those of ``uids`` (one UIDVALIDITY of one mailbox) already recorded, with their records."""
    wanted = list(uids)
    found: dict[int, Message] = {}
    for i in range(0, len(wanted), 500):  # keep the IN list within every backend's limits
        rows = session.scalars(select(Message).where(
            Message.mailbox == mailbox, Message.uidvalidity == uidvalidity, Message.uid.in_(wanted[i:i + 500])))
        found.update({m.uid: m for m in rows if m.uid is not None})
    return found


def find_message_by_sha(session: Session, sha256: str) -> Message | None:
    return session.scalar(select(Message).where(Message.sha256 == sha256).order_by(Message.id).limit(1))


def piece_seen(session: Session, sha256: str, unit_name: str) -> Piece | None:
    """An accepted piece with the same document content from the same unit, if any."""
    return session.scalar(
        select(Piece).join(Unit, Piece.unit_id == Unit.id)
        .where(Piece.sha256 == sha256, Unit.name == unit_name).order_by(Piece.id).limit(1)
    )


def record_message(session: Session, rec: MessageRecord) -> Message:
    unit = session.scalar(select(Unit).where(Unit.name == rec.unit_name)) if rec.unit_name else None
    if rec.unit_name and unit is None:
        raise LedgerError(f"账本中没有单位“{rec.unit_name}” / unit not in ledger (sync units first)")
    message = Message(
        mailbox=rec.mailbox, uidvalidity=rec.uidvalidity, uid=rec.uid, sha256=rec.sha256,
        message_id=rec.message_id, sender=rec.sender, subject=rec.subject,
        received_at=rec.received_at, size=rec.size, archive_path=rec.archive_path,
        verdict=rec.verdict, reason=rec.reason, detail=rec.detail, unit=unit,
        rule_hits=[{"rule": rule, "detail": detail} for rule, detail in rec.rule_hits],
    )
    for p in rec.pieces:
        if unit is None:
            raise LedgerError("没有单位的邮件不能登记稿件 / pieces need a unit")
        message.pieces.append(Piece(
            unit=unit, source=p.source, sha256=p.sha256, title=p.title, stated_unit=p.stated_unit,
            author=p.author, category=p.category, word_count=p.word_count, received_at=rec.received_at,
            commission_id=p.commission_id, commission_link=p.commission_link,
            commission_candidates=list(p.commission_candidates) if p.commission_candidates is not None else None,
        ))
    session.add(message)
    session.flush()
    return message


def pieces_in(session: Session, month: Month | None, tz: ZoneInfo) -> list[Piece]:
    query = select(Piece).options(selectinload(Piece.unit), selectinload(Piece.adoptions),
                                  selectinload(Piece.instructions), selectinload(Piece.commission)).order_by(Piece.received_at, Piece.id)
    if month is not None:
        start, end = month.bounds(tz)
        query = query.where(Piece.received_at >= start, Piece.received_at < end)
    return list(session.scalars(query))


def mark_filed(session: Session, message_id: int) -> None:
    """The message has left the mailbox's inbox folder (moved to its verdict's folder)."""
    session.execute(update(Message).where(Message.id == message_id).values(filed_at=datetime.now(timezone.utc)))


def piece_titles(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Title (else the file name) of each piece, by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Piece.id, Piece.title, Piece.source).where(Piece.id.in_(wanted)))
    return {pid: title or source for pid, title, source in rows}
