"""Writing and reading ledger events. All functions take an open Session; callers commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from baosong.config.schema import Scoring, UnitConfig

from .models import Adoption, Instruction, Message, OutboxMail, Piece, Unit, UnitAddress
from .periods import Month
from .scoring import CreditEvent, PieceEvent, UnitRef


class LedgerError(Exception):
    """A request the ledger refuses (unknown piece, unknown outlet, duplicate event).

    The message is meant for the admin: Chinese first, then English.
    """


@dataclass(frozen=True)
class PieceRecord:
    source: str
    sha256: str
    title: str | None
    stated_unit: str | None
    author: str | None
    category: str | None
    word_count: int


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
    rule_hits: tuple[tuple[str, str], ...] = ()   # (rule, detail) of every gate rule that fired


# ------------------------------------------------------------------ units


def sync_units(session: Session, units: Sequence[UnitConfig]) -> None:
    """Make the units table match units.yaml. Units dropped from the file are deactivated, never deleted.

    An address may move from one unit to another (a re-registration): all stale
    addresses are removed and flushed before any new one is added.
    """
    existing = {u.name: u for u in session.scalars(select(Unit).options(selectinload(Unit.addresses)))}
    wanted = {cfg.name: {a.lower() for a in cfg.addresses} for cfg in units}
    for name, unit in existing.items():
        keep = wanted.get(name, set())
        for addr in list(unit.addresses):
            if addr.address not in keep:
                unit.addresses.remove(addr)
        if name not in wanted:
            unit.active = False
    session.flush()
    for cfg in units:
        unit = existing.get(cfg.name)
        if unit is None:
            unit = Unit(name=cfg.name, class_=cfg.class_)
            session.add(unit)
        unit.short = cfg.short
        unit.class_ = cfg.class_
        unit.active = True
        unit.principal_name = cfg.principal.name if cfg.principal else None
        unit.principal_email = cfg.principal.email if cfg.principal else None
        current = {a.address for a in unit.addresses}
        for address in sorted(wanted[cfg.name] - current):
            unit.addresses.append(UnitAddress(address=address))
    session.flush()


def active_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.active).order_by(Unit.id)))


# --------------------------------------------------------------- messages


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
        found.update({m.uid: m for m in rows})
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
        ))
    session.add(message)
    session.flush()
    return message


def pieces_in(session: Session, month: Month | None, tz: ZoneInfo) -> list[Piece]:
    query = select(Piece).options(selectinload(Piece.unit), selectinload(Piece.adoptions),
                                  selectinload(Piece.instructions)).order_by(Piece.received_at, Piece.id)
    if month is not None:
        start, end = month.bounds(tz)
        query = query.where(Piece.received_at >= start, Piece.received_at < end)
    return list(session.scalars(query))


# ----------------------------------------------------------- adoptions


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


# --------------------------------------------------------------- outbox


def enqueue(session: Session, *, key: str, kind: str, recipients: Iterable[str], subject: str,
            raw: bytes, message_ref: int | None = None) -> OutboxMail | None:
    """Store a rendered mail for sending. Returns None if ``key`` was queued before (idempotent)."""
    if session.scalar(select(OutboxMail.id).where(OutboxMail.key == key)) is not None:
        return None
    mail = OutboxMail(key=key, kind=kind, recipients=list(recipients), subject=subject, raw=raw,
                      message_ref=message_ref)
    session.add(mail)
    session.flush()
    return mail


def pending_mail(session: Session) -> list[OutboxMail]:
    return list(session.scalars(select(OutboxMail).where(OutboxMail.status == "pending").order_by(OutboxMail.id)))
