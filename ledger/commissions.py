"""Commissions (约稿): recording, numbering, the units addressed, links from pieces, statuses. Callers commit.

Statuses are never stored (except the office's refusal mark): they are computed against a given
``now`` by :func:`baosong.ledger.timeliness.unit_status` from the deadline and the receipt times of
the linked pieces. :func:`commission_events` hands them to the scoring as plain values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from baosong.messages import say
from baosong.vocabulary import CommissionLink, CommissionStatus

from .errors import LedgerError
from .models import Commission, CommissionUnit, Piece, Unit
from .timeliness import unit_status


@dataclass(frozen=True)
class UnitState:
    unit: str
    status: CommissionStatus
    pieces: tuple[int, ...]            # ids of the linked pieces, earliest first
    first_received: datetime | None    # the first linked piece's receipt time
    refused_note: str | None = None


@dataclass(frozen=True)
class CommissionEvent:
    """One addressed unit's outcome on one commission, for the scoring (plain values).

    ``decided_at``: when the status became what it is (the first linked piece's receipt time for
    on_time / late, the deadline for missed, the office's mark for refused; None while open).
    """

    commission_id: int
    number: str
    kind: str
    unit: str
    status: CommissionStatus
    deadline: datetime
    decided_at: datetime | None
    pieces: tuple[int, ...]


def next_seq(session: Session, year: int) -> int:
    return (session.scalar(select(func.max(Commission.seq)).where(Commission.year == year)) or 0) + 1


def numbers_of(session: Session, ids: set[int]) -> dict[int, str]:
    """Commission numbers by id."""
    if not ids:
        return {}
    rows = session.execute(select(Commission.id, Commission.number).where(Commission.id.in_(ids)))
    return {cid: number for cid, number in rows}


def units_named(session: Session, names: Sequence[str]) -> list[Unit]:
    """Active units by full name or short name; LedgerError naming every unknown one."""
    units = list(session.scalars(select(Unit).where(Unit.active).order_by(Unit.id)))
    found: list[Unit] = []
    unknown: list[str] = []
    for name in names:
        match = [u for u in units if u.name == name] or [u for u in units if u.short == name]
        if len(match) > 1:
            raise LedgerError(say("ledger.short_name_ambiguous", name=name, units="、".join(u.name for u in match)))
        if not match:
            unknown.append(name)
        elif match[0] not in found:
            found.append(match[0])
    if unknown:
        raise LedgerError(say("ledger.unknown_units", names="、".join(unknown)))
    return found


def units_of_classes(session: Session, classes: Sequence[str]) -> list[Unit]:
    units = list(session.scalars(select(Unit).where(Unit.active, Unit.class_.in_(classes)).order_by(Unit.id)))
    missing = [c for c in classes if not any(u.class_ == c for u in units)]
    if missing:
        raise LedgerError(say("ledger.no_unit_of_classes", classes="、".join(missing)))
    return units


def create_commission(session: Session, *, year: int, number: str, seq: int, topic: str, kind: str,
                      contact: str | None, deadline: datetime, deadline_text: str, message_id: str,
                      units: Sequence[Unit], unit_message_ids: Sequence[str | None]) -> Commission:
    if not units:
        raise LedgerError(say("ledger.commission_needs_unit"))
    commission = Commission(year=year, seq=seq, number=number, topic=topic, kind=kind, contact=contact,
                            deadline=deadline, deadline_text=deadline_text, message_id=message_id)
    for unit, mid in zip(units, unit_message_ids, strict=True):
        commission.units.append(CommissionUnit(unit=unit, message_id=mid))
    session.add(commission)
    session.flush()
    return commission


def get_commission(session: Session, key: str | int) -> Commission:
    """By id, or by number (约稿〔2026〕12号)."""
    query = select(Commission).options(selectinload(Commission.units).selectinload(CommissionUnit.unit))
    text = str(key).strip()
    found = session.scalar(query.where(Commission.id == int(text)) if text.isdigit()
                           else query.where(Commission.number == text))
    if found is None:
        raise LedgerError(say("ledger.no_such_commission", number=text))
    return found


def all_commissions(session: Session, *, include_closed: bool = True) -> list[Commission]:
    query = select(Commission).options(selectinload(Commission.units).selectinload(CommissionUnit.unit))
    if not include_closed:
        query = query.where(Commission.closed_at.is_(None))
    return list(session.scalars(query.order_by(Commission.id)))


def linked_pieces(session: Session, commission_ids: Sequence[int]) -> list[Piece]:
    if not commission_ids:
        return []
    return list(session.scalars(select(Piece).where(Piece.commission_id.in_(commission_ids))
                                .order_by(Piece.received_at, Piece.id)))


def flagged_pieces(session: Session) -> list[Piece]:
    """Pieces waiting for the office to say which commission they answer."""
    return list(session.scalars(select(Piece).options(selectinload(Piece.unit))
                                .where(Piece.commission_candidates.is_not(None), Piece.commission_id.is_(None))
                                .order_by(Piece.id)))


def unit_states(commission: Commission, pieces: Sequence[Piece], now: datetime) -> list[UnitState]:
    """Each addressed unit's status, in the order they were addressed."""
    out: list[UnitState] = []
    for cu in commission.units:
        mine = [p for p in pieces if p.commission_id == commission.id and p.unit_id == cu.unit_id]
        status = unit_status(deadline=commission.deadline, now=now, linked=[p.received_at for p in mine],
                             refused=cu.refused_at is not None, closed_at=commission.closed_at)
        out.append(UnitState(cu.unit.name, status, tuple(p.id for p in mine),
                             mine[0].received_at if mine else None, cu.refused_note))
    return out


def states_of(session: Session, commissions: Sequence[Commission], now: datetime) -> dict[int, list[UnitState]]:
    pieces = linked_pieces(session, [c.id for c in commissions])
    return {c.id: unit_states(c, pieces, now) for c in commissions}


def commission_events(session: Session, start: datetime, end: datetime, now: datetime) -> list[CommissionEvent]:
    """The outcomes of the commissions whose deadline falls in [start, end), computed at ``now``.

    A commission counts in the period of its deadline. The scoring turns these into points
    (Tengzhou: 约稿报送 +3 per linked piece, refused or missed −5, late −3).
    """
    commissions = list(session.scalars(
        select(Commission).options(selectinload(Commission.units).selectinload(CommissionUnit.unit))
        .where(Commission.deadline >= start, Commission.deadline < end).order_by(Commission.id)))
    states = states_of(session, commissions, now)
    events: list[CommissionEvent] = []
    for c in commissions:
        refused_at = {cu.unit.name: cu.refused_at for cu in c.units}
        for s in states[c.id]:
            decided = {CommissionStatus.ON_TIME: s.first_received, CommissionStatus.LATE: s.first_received,
                       CommissionStatus.MISSED: min(c.deadline, c.closed_at or c.deadline),
                       CommissionStatus.REFUSED: refused_at[s.unit], CommissionStatus.OPEN: None}[s.status]
            events.append(CommissionEvent(c.id, c.number, c.kind, s.unit, s.status, c.deadline, decided, s.pieces))
    return events


def open_for_unit(session: Session, unit_name: str) -> list[Commission]:
    """Commissions not closed that were addressed to this unit: the ones its pieces may answer."""
    return list(session.scalars(
        select(Commission).options(selectinload(Commission.units))
        .join(CommissionUnit, CommissionUnit.commission_id == Commission.id)
        .join(Unit, Unit.id == CommissionUnit.unit_id)
        .where(Unit.name == unit_name, Commission.closed_at.is_(None)).order_by(Commission.id)))


def open_for_units(session: Session, unit_names: Iterable[str]) -> dict[str, list[Commission]]:
    """:func:`open_for_unit` for several units in one query (a poll asks once per batch)."""
    names = sorted(set(unit_names))
    out: dict[str, list[Commission]] = {name: [] for name in names}
    if not names:
        return out
    rows = session.execute(
        select(Commission, Unit.name).options(selectinload(Commission.units))
        .join(CommissionUnit, CommissionUnit.commission_id == Commission.id)
        .join(Unit, Unit.id == CommissionUnit.unit_id)
        .where(Unit.name.in_(names), Commission.closed_at.is_(None)).order_by(Commission.id))
    for commission, name in rows:
        out[name].append(commission)
    return out


def _addressed(commission: Commission, unit_id: int) -> CommissionUnit:
    for cu in commission.units:
        if cu.unit_id == unit_id:
            return cu
    raise LedgerError(say("ledger.commission_not_addressed", number=commission.number))


def refuse(session: Session, commission: Commission, unit_name: str, when: datetime, note: str | None,
           undo: bool = False) -> CommissionUnit:
    (unit,) = units_named(session, [unit_name])
    cu = _addressed(commission, unit.id)
    cu.refused_at = None if undo else when
    cu.refused_note = None if undo else note
    session.flush()
    return cu


def close(session: Session, commission: Commission, when: datetime) -> None:
    if commission.closed_at is not None:
        raise LedgerError(say("ledger.commission_already_closed", number=commission.number))
    commission.closed_at = when
    session.flush()


def link_piece(session: Session, piece_id: int, commission: Commission | None) -> Piece:
    """The office's decision: the piece answers ``commission`` (None: it answers none)."""
    piece = session.get(Piece, piece_id)
    if piece is None:
        raise LedgerError(say("ledger.no_such_piece_plain", piece=piece_id))

    if commission is not None:
        _addressed(commission, piece.unit_id)
    piece.commission_id = commission.id if commission is not None else None
    piece.commission_link = CommissionLink.OFFICE.value if commission is not None else None
    piece.commission_candidates = None
    session.flush()
    return piece


def topics_of(session: Session, ids: set[int]) -> dict[int, str]:
    """Commission topics by id."""
    if not ids:
        return {}
    rows = session.execute(select(Commission.id, Commission.topic).where(Commission.id.in_(ids)))
    return {cid: topic for cid, topic in rows}
