"""Received messages and the pieces they carry: finding, recording, filing. Callers commit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ARRAY, Integer, Select, Table, any_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from baosong.messages import say
from baosong.vocabulary import PieceStatus, Verdict

from .errors import LedgerError
from .models import Adoption, Commission, Instruction, Message, Piece, Unit
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
    revises_id: int | None = None    # the earlier piece this one revises (修改稿)
    # the commission (约稿) the piece answers and how that was found; candidates: flagged for the office
    commission_id: int | None = None
    commission_link: str | None = None
    commission_candidates: tuple[int, ...] | None = None
    title_source: str | None = None
    unit_source: str | None = None
    approver: str | None = None
    commissioned: bool = False
    flags: tuple[str, ...] = ()


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


def recorded_shas(session: Session, shas: Iterable[str]) -> dict[str, Message]:
    """Those of ``shas`` (SHA-256 of raw bytes) already recorded, with their records: one query a batch."""
    wanted = sorted(set(shas))
    found: dict[str, Message] = {}
    for i in range(0, len(wanted), 500):
        found.update({m.sha256: m for m in session.scalars(
            select(Message).where(Message.sha256.in_(wanted[i:i + 500])))})
    return found


def find_message_by_sha(session: Session, sha256: str) -> Message | None:
    return session.scalar(select(Message).where(Message.sha256 == sha256).order_by(Message.id).limit(1))


def piece_seen(session: Session, sha256: str, unit_name: str) -> Piece | None:
    """An accepted piece with the same document content from the same unit, if any."""
    return session.scalar(
        select(Piece).join(Unit, Piece.unit_id == Unit.id)
        .where(Piece.sha256 == sha256, Unit.name == unit_name).order_by(Piece.id).limit(1)
    )


def message_id_seen(session: Session, message_id: str, unit_name: str) -> bool:
    """Whether a message with this Message-ID from this unit was accepted before."""
    return session.scalar(
        select(Message.id).join(Unit, Message.unit_id == Unit.id)
        .where(Message.message_id == message_id, Unit.name == unit_name, Message.verdict == Verdict.ACCEPTED.value)
        .limit(1)) is not None


def unit_pieces(session: Session, unit_name: str, limit: int = 500) -> list[Piece]:
    """The unit's most recent pieces, newest first (for linking a revision to what it replaces)."""
    return list(session.scalars(
        select(Piece).join(Unit, Piece.unit_id == Unit.id).where(Unit.name == unit_name)
        .order_by(Piece.received_at.desc(), Piece.id.desc()).limit(limit)))


def _unit_named(session: Session, name: str) -> Unit | None:
    """The unit called ``name``, looked up once per session (a poll records a batch in one session)."""
    cache: dict[str, Unit] = session.info.setdefault("units_by_name", {})
    unit = cache.get(name)
    if unit is None:
        with session.no_autoflush:   # a batch's messages are flushed together, later
            unit = session.scalar(select(Unit).where(Unit.name == name))
        if unit is not None:
            cache[name] = unit
    return unit


def load_units(session: Session, names: Iterable[str]) -> None:
    """Look up several units for :func:`record_message` in one query (a poll: the units of a batch)."""
    cache: dict[str, Unit] = session.info.setdefault("units_by_name", {})
    wanted = sorted(set(names) - set(cache))
    if wanted:
        with session.no_autoflush:
            cache.update({u.name: u for u in session.scalars(select(Unit).where(Unit.name.in_(wanted)))})


def _pairs_seen(session: Session, pairs: Iterable[tuple[str, str]], key: Any, unit_id: Any,
                *where: Any) -> set[tuple[str, str]]:
    """Those of the (``key`` value, unit name) pairs the ledger holds (rows of ``key``'s table matching
    ``where``, joined to their unit by ``unit_id``): one query per 500 keys."""
    wanted = set(pairs)
    keys = sorted({k for k, _ in wanted})
    found: set[tuple[str, str]] = set()
    for i in range(0, len(keys), 500):
        rows = session.execute(select(key, Unit.name).join(Unit, unit_id == Unit.id)
                               .where(key.in_(keys[i:i + 500]), *where))
        found.update((k, name) for k, name in rows if (k, name) in wanted)
    return found


def pieces_seen(session: Session, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of (document SHA-256, unit name) already recorded as accepted pieces: one query a batch."""
    return _pairs_seen(session, pairs, Piece.sha256, Piece.unit_id)


def message_ids_seen(session: Session, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of (Message-ID, unit name) already recorded as accepted messages: one query a batch."""
    return _pairs_seen(session, pairs, Message.message_id, Message.unit_id, Message.verdict == Verdict.ACCEPTED.value)


def recent_pieces(session: Session, unit_names: Iterable[str],
                  limit: int = 500) -> dict[str, list[tuple[int, str | None, str, datetime]]]:
    """(id, title, source, received_at) of each unit's ``limit`` most recent pieces, newest first (as :func:`unit_pieces`
    orders them), for several units in one query (a window function: SQLite ≥ 3.25 and PostgreSQL)."""
    names = sorted(set(unit_names))
    out: dict[str, list[tuple[int, str | None, str, datetime]]] = {name: [] for name in names}
    if not names:
        return out
    rank = func.row_number().over(partition_by=Piece.unit_id,
                                  order_by=(Piece.received_at.desc(), Piece.id.desc())).label("rank")
    inner = (select(Unit.name.label("unit"), Piece.id.label("id"), Piece.title.label("title"),
                    Piece.source.label("source"), Piece.received_at.label("received_at"), rank)
             .join(Unit, Piece.unit_id == Unit.id).where(Unit.name.in_(names)).subquery())
    rows = session.execute(select(inner.c.unit, inner.c.id, inner.c.title, inner.c.source, inner.c.received_at)
                           .where(inner.c.rank <= limit).order_by(inner.c.unit, inner.c.rank))
    for unit, pid, title, source, received_at in rows:
        out[unit].append((pid, title, source, received_at))
    return out


def record_message(session: Session, rec: MessageRecord, *, flush: bool = True) -> Message:
    """Add the message and its pieces; ``flush=False`` leaves the INSERTs to a later flush (a batch)."""
    unit = _unit_named(session, rec.unit_name) if rec.unit_name else None
    if rec.unit_name and unit is None:
        raise LedgerError(say("ledger.unit_not_in_ledger", unit=rec.unit_name))
    message = Message(
        mailbox=rec.mailbox, uidvalidity=rec.uidvalidity, uid=rec.uid, sha256=rec.sha256,
        message_id=rec.message_id, sender=rec.sender, subject=rec.subject,
        received_at=rec.received_at, size=rec.size, archive_path=rec.archive_path,
        verdict=rec.verdict, reason=rec.reason, detail=rec.detail, unit=unit,
        rule_hits=[{"rule": rule, "detail": detail} for rule, detail in rec.rule_hits],
    )
    for p in rec.pieces:
        if unit is None:
            raise LedgerError(say("ledger.pieces_need_unit"))
        message.pieces.append(Piece(
            unit=unit, source=p.source, sha256=p.sha256, title=p.title, stated_unit=p.stated_unit,
            author=p.author, category=p.category, word_count=p.word_count, received_at=rec.received_at,
            revises_id=p.revises_id,
            commission_id=p.commission_id, commission_link=p.commission_link,
            commission_candidates=list(p.commission_candidates) if p.commission_candidates is not None else None,
            title_source=p.title_source, unit_source=p.unit_source, approver=p.approver,
            commissioned=p.commissioned, flags=",".join(p.flags) or None,
        ))
    session.add(message)
    if flush:
        session.flush()
    return message


@dataclass(eq=False)
class StagedPiece:
    """A piece of a batch, not yet in the ledger: :func:`insert_staged` gives it its id."""

    record: PieceRecord
    unit_id: int
    revises: StagedPiece | None = None   # a piece of the same batch it revises (its id comes with the insert)
    id: int = -1

    @property
    def title(self) -> str | None:
        return self.record.title

    @property
    def source(self) -> str:
        return self.record.source

    @property
    def commission_candidates(self) -> list[int] | None:
        c = self.record.commission_candidates
        return list(c) if c is not None else None


@dataclass(eq=False)
class StagedMessage:
    """A message of a batch, checked and staged like :func:`record_message` would add it, inserted with the
    batch's others in two Core ``INSERT ... RETURNING`` statements (:func:`insert_staged`): no ORM objects
    to build, track and flush for each of a poll's messages. Read like a :class:`Message` by its callers
    (verdict, reason, sender, subject, received_at, archive_path, unit, pieces, id)."""

    record: MessageRecord
    unit: Unit | None
    pieces: list[StagedPiece]
    id: int = -1

    verdict = property(lambda self: self.record.verdict)
    reason = property(lambda self: self.record.reason)
    sender = property(lambda self: self.record.sender)
    subject = property(lambda self: self.record.subject)
    received_at = property(lambda self: self.record.received_at)
    archive_path = property(lambda self: self.record.archive_path)


def stage_message(session: Session, rec: MessageRecord) -> StagedMessage:
    """:func:`record_message` for a batch: the same checks, the rows left to :func:`insert_staged`."""
    unit = _unit_named(session, rec.unit_name) if rec.unit_name else None
    if rec.unit_name and unit is None:
        raise LedgerError(say("ledger.unit_not_in_ledger", unit=rec.unit_name))
    if rec.pieces and unit is None:
        raise LedgerError(say("ledger.pieces_need_unit"))
    return StagedMessage(rec, unit, [StagedPiece(p, unit.id) for p in rec.pieces] if unit is not None else [])


def insert_staged(session: Session, staged: list[StagedMessage]) -> None:
    """Insert a batch's staged messages, then their pieces, each in one executemany with RETURNING
    (SQLAlchemy's "insertmanyvalues": SQLite >= 3.35, PostgreSQL); the ids are set on the staged objects.
    A piece revising another piece of the batch gets that piece's id once both are in."""
    if not staged:
        return
    now = datetime.now(timezone.utc)
    db = session.connection()
    mt, pt = cast(Table, Message.__table__), cast(Table, Piece.__table__)
    rows = [{"mailbox": r.mailbox, "uidvalidity": r.uidvalidity, "uid": r.uid, "sha256": r.sha256,
             "message_id": r.message_id, "sender": r.sender, "subject": r.subject, "received_at": r.received_at,
             "size": r.size, "archive_path": r.archive_path, "verdict": r.verdict, "reason": r.reason,
             "detail": r.detail, "unit_id": s.unit.id if s.unit is not None else None,
             "rule_hits": [{"rule": rule, "detail": detail} for rule, detail in r.rule_hits],
             "recorded_at": now, "filed_at": None}
            for s in staged for r in (s.record,)]
    ids = db.execute(insert(mt).returning(mt.c.id, sort_by_parameter_order=True), rows).scalars().all()
    for s, mid in zip(staged, ids, strict=True):
        s.id = mid
    pieces = [(s, p) for s in staged for p in s.pieces]
    if not pieces:
        return
    prow = [{"message_id": s.id, "unit_id": p.unit_id, "source": r.source, "sha256": r.sha256, "title": r.title,
             "stated_unit": r.stated_unit, "author": r.author, "category": r.category, "word_count": r.word_count,
             "received_at": s.record.received_at, "piece_type": None, "revises_id": r.revises_id,
             "commission_id": r.commission_id, "commission_link": r.commission_link,
             "commission_candidates": list(r.commission_candidates) if r.commission_candidates is not None else None,
             "title_source": r.title_source, "unit_source": r.unit_source, "approver": r.approver,
             "commissioned": r.commissioned, "flags": ",".join(r.flags) or None,
             "status": PieceStatus.COUNTED.value, "replaced_by": None}
            for s, p in pieces for r in (p.record,)]
    pids = db.execute(insert(pt).returning(pt.c.id, sort_by_parameter_order=True), prow).scalars().all()
    for (_, p), pid in zip(pieces, pids, strict=True):
        p.id = pid
    links = [{"pid": p.id, "rid": p.revises.id} for _, p in pieces if p.revises is not None]
    if links:
        db.execute(update(pt).where(pt.c.id == bindparam("pid")).values(revises_id=bindparam("rid")), links)


def pieces_in(session: Session, month: Month | None, tz: ZoneInfo) -> list[Piece]:
    query = select(Piece).options(selectinload(Piece.unit), selectinload(Piece.adoptions),
                                  selectinload(Piece.instructions), selectinload(Piece.commission)).order_by(Piece.received_at, Piece.id)
    if month is not None:
        start, end = month.bounds(tz)
        query = query.where(Piece.received_at >= start, Piece.received_at < end)
    return list(session.scalars(query))


def mark_filed(session: Session, message_id: int | Iterable[int]) -> None:
    """The messages have left the mailbox's inbox folder (moved to their verdict's folder)."""
    ids = [message_id] if isinstance(message_id, int) else sorted(set(message_id))
    now = datetime.now(timezone.utc)
    for i in range(0, len(ids), 500):
        session.execute(update(Message).where(Message.id.in_(ids[i:i + 500])).values(filed_at=now))


def received_between(session: Session, start: datetime, end: datetime) -> int:
    """How many messages the ledger recorded as received in [start, end): a period's intake."""
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(Message)
                          .where(Message.received_at >= start, Message.received_at < end)) or 0


def verdict_counts_between(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Messages received in [start, end) by verdict (``baosong status``: today's counts)."""
    from sqlalchemy import func

    rows = session.execute(select(Message.verdict, func.count()).where(
        Message.received_at >= start, Message.received_at < end).group_by(Message.verdict)).all()
    return {verdict: count for verdict, count in rows}


class PieceLine(NamedTuple):
    """One piece as the ledger lists it: plain values, with its unit and credits. (A named tuple, not a frozen
    dataclass: a month's listing makes tens of thousands, and a frozen dataclass sets each field by a call.)"""

    id: int
    received_at: datetime
    unit: str
    unit_short: str | None
    title: str | None
    author: str | None
    category: str | None
    word_count: int
    source: str
    adoptions: tuple[str, ...]
    instructions: tuple[str, ...]
    commission: str | None = None    # the commission's number (约稿〔2026〕12号)
    status: str = "counted"          # a PieceStatus
    replaced_by: int | None = None
    # where extraction found the fields (issue 9)
    stated_unit: str | None = None
    unit_source: str | None = None
    title_source: str | None = None
    approver: str | None = None
    commissioned: bool = False
    flags: tuple[str, ...] = ()


def _in_month(query, month: Month | None, tz: ZoneInfo):
    if month is None:
        return query
    start, end = month.bounds(tz)
    return query.where(Piece.received_at >= start, Piece.received_at < end)


def count_pieces(session: Session, month: Month | None, tz: ZoneInfo) -> int:
    return session.scalar(_in_month(select(func.count()).select_from(Piece), month, tz)) or 0


def list_pieces(session: Session, month: Month | None, tz: ZoneInfo, *, limit: int | None = None,
                offset: int = 0, batch: int = 1000) -> Iterator[PieceLine]:
    """The pieces in received order (of one month, or all), ``offset`` skipped, at most ``limit``.

    Streamed: rows come from the database ``batch`` at a time (through ``ix_pieces_received_unit_category``
    for a month) and each batch's adoptions and instructions are read by piece id, so memory stays
    flat however long the ledger is.
    """
    query = _in_month(select(Piece.id, Piece.received_at, Unit.name, Unit.short, Piece.title, Piece.author,
                             Piece.category, Piece.word_count, Piece.source, Commission.number, Piece.status,
                             Piece.replaced_by, Piece.stated_unit, Piece.unit_source, Piece.title_source,
                             Piece.approver, Piece.commissioned, Piece.flags)
                      .join(Unit, Piece.unit_id == Unit.id)
                      .outerjoin(Commission, Piece.commission_id == Commission.id), month, tz).order_by(Piece.received_at, Piece.id)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    db = session.connection()  # Core rows: plain values, without the ORM's result machinery
    result = db.execute(query.execution_options(yield_per=batch))
    dialect = db.dialect.name
    for rows in result.partitions():
        ids = [r[0] for r in rows]
        outlets: dict[int, list[str]] = {}
        for pid, outlet in db.execute(_of_pieces(select(Adoption.piece_id, Adoption.outlet), Adoption.piece_id, ids, dialect)
                                      .order_by(Adoption.id)):
            outlets.setdefault(pid, []).append(outlet)
        levels: dict[int, list[str]] = {}
        for pid, level in db.execute(_of_pieces(select(Instruction.piece_id, Instruction.level), Instruction.piece_id,
                                                ids, dialect).order_by(Instruction.id)):
            levels.setdefault(pid, []).append(level)
        for (pid, received_at, unit, short, title, author, category, words, source, number, status, replaced,
             stated, unit_source, title_source, approver, commissioned, flags) in rows:
            yield PieceLine(pid, received_at, unit, short, title, author, category, words, source,
                            tuple(outlets.get(pid, ())), tuple(levels.get(pid, ())), number, status, replaced,
                            stated, unit_source, title_source, approver, bool(commissioned),
                            tuple(flags.split(",")) if flags else ())


def _of_pieces(query: Select, column: Any, ids: list[int], dialect: str) -> Select:
    """``query`` narrowed to rows whose ``column`` is one of ``ids``: as one range when the ids are nearly
    contiguous (a batch of pieces in received order, as a ledger fills up), else as one array parameter
    (PostgreSQL) or an IN list. A range or an array keeps the statement's text the same from batch to batch
    (compiled and parsed once), where an IN list of a thousand values is rendered anew each time."""
    low, high = min(ids), max(ids)
    if high - low < 2 * len(ids):
        return query.where(column >= low, column <= high)  # a few rows too many at most: the caller keys by id
    if dialect == "postgresql":
        return query.where(column == any_(bindparam("ids", ids, type_=ARRAY(Integer))))
    return query.where(column.in_(ids))


def piece_titles(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Title (else the file name) of each piece, by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(Piece.id, Piece.title, Piece.source).where(Piece.id.in_(wanted)))
    return {pid: title or source for pid, title, source in rows}
