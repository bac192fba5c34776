"""Periodic deadlines from the regulations (settings.yaml ``commissions.periodic``), e.g. the tobacco
quarterly report by the 20th of a quarter's last month, Changzhou's outside-media list by 10 December.

Each occurrence covers one period [start, next start). A matching piece of the unit in the period
counts: on time when the first one arrived by the deadline, late after it; with none, the occurrence
is open until the deadline and missed after it (a piece later in the period turns it late).
The calendar arithmetic and the statuses are pure; :func:`periodic_states` reads the ledger.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from baosong.config.commissions import PeriodicDeadline, parse_clock
from baosong.vocabulary import CommissionStatus

from .models import Message, Piece, Unit
from .timeliness import unit_status

LENGTH = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True)
class Occurrence:
    name: str
    label: str          # 2026-12, 2026Q4, 2026H2, 2026
    start: datetime     # the period, in the office's time zone: [start, end)
    end: datetime
    deadline: datetime


@dataclass(frozen=True)
class PeriodicState:
    unit: str
    status: CommissionStatus
    pieces: tuple[int, ...]
    first_received: datetime | None


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _label(every: str, year: int, month: int) -> str:
    if every == "month":
        return f"{year:04d}-{month:02d}"
    if every == "quarter":
        return f"{year}Q{(month - 1) // 3 + 1}"
    if every == "half":
        return f"{year}H{(month - 1) // 6 + 1}"
    return str(year)


def occurrence_at(spec: PeriodicDeadline, when: datetime, tz: ZoneInfo) -> Occurrence:
    """The occurrence whose period contains ``when``."""
    local = when.astimezone(tz)
    length = LENGTH[spec.every]
    first_month = ((local.month - 1) // length) * length + 1
    return _occurrence(spec, local.year, first_month, tz)


def _occurrence(spec: PeriodicDeadline, year: int, first_month: int, tz: ZoneInfo) -> Occurrence:
    length = LENGTH[spec.every]
    start = datetime(year, first_month, 1, tzinfo=tz)
    end = datetime(*_add_months(year, first_month, length), 1, tzinfo=tz)
    dy, dm = _add_months(year, first_month, spec.month - 1)
    day = min(spec.day, calendar.monthrange(dy, dm)[1])  # the 31st of a 30-day month is its last day
    deadline = datetime.combine(date(dy, dm, day), parse_clock(spec.time), tz)
    return Occurrence(spec.name, _label(spec.every, year, first_month), start, end, deadline)


def occurrences_due(spec: PeriodicDeadline, start: datetime, end: datetime, tz: ZoneInfo) -> list[Occurrence]:
    """The occurrences whose deadline falls in [start, end) (for a scoring period)."""
    found: list[Occurrence] = []
    occ = occurrence_at(spec, start, tz)
    while occ.start < end:
        if start <= occ.deadline < end:
            found.append(occ)
        occ = occurrence_at(spec, occ.end, tz)
    return found


def addressed(spec: PeriodicDeadline, units: Sequence[tuple[str, str | None, str]]) -> list[str]:
    """The units (name, short, class) a periodic deadline applies to: listed ones, listed classes, or all."""
    if spec.units:
        return [name for name, short, _ in units if name in spec.units or (short and short in spec.units)]
    if spec.classes:
        return [name for name, _, klass in units if klass in spec.classes]
    return [name for name, _, _ in units]


def matches(spec: PeriodicDeadline, *, category: str | None, subject: str, source: str, title: str | None) -> bool:
    """Whether a piece counts as the submission this deadline asks for."""
    if category and category in spec.match.categories:
        return True
    text = " ".join(filter(None, (subject, source, title)))
    return any(k in text for k in spec.match.keywords)


def state_of(occ: Occurrence, unit: str, pieces: Sequence[tuple[int, datetime]], now: datetime) -> PeriodicState:
    """``pieces``: (id, received) of the unit's matching pieces within the occurrence's period."""
    ordered = sorted(pieces, key=lambda p: (p[1], p[0]))
    status = unit_status(deadline=occ.deadline, now=now, linked=[t for _, t in ordered])
    return PeriodicState(unit, status, tuple(i for i, _ in ordered), ordered[0][1] if ordered else None)


def periodic_states(session: Session, spec: PeriodicDeadline, occ: Occurrence, units: Sequence[str],
                    now: datetime) -> list[PeriodicState]:
    rows = session.scalars(
        select(Piece).options(selectinload(Piece.unit))
        .join(Message, Message.id == Piece.message_id).join(Unit, Unit.id == Piece.unit_id)
        .options(selectinload(Piece.message))
        .where(Unit.name.in_(list(units)), Piece.received_at >= occ.start, Piece.received_at < occ.end)
        .order_by(Piece.received_at, Piece.id))
    found: dict[str, list[tuple[int, datetime]]] = {u: [] for u in units}
    for p in rows:
        if matches(spec, category=p.category, subject=p.message.subject, source=p.source, title=p.title):
            found[p.unit.name].append((p.id, p.received_at))
    return [state_of(occ, u, found[u], now) for u in units]


@dataclass(frozen=True)
class PeriodicEvent:
    """One unit's outcome on one occurrence of a periodic deadline, for the scoring (plain values)."""

    name: str
    period: str
    unit: str
    status: CommissionStatus
    deadline: datetime
    decided_at: datetime | None
    pieces: tuple[int, ...]


def periodic_events(session: Session, specs: Sequence[PeriodicDeadline], units: Sequence[tuple[str, str | None, str]],
                    start: datetime, end: datetime, now: datetime, tz: ZoneInfo) -> list[PeriodicEvent]:
    """The outcomes of the occurrences whose deadline falls in [start, end), computed at ``now``."""
    events: list[PeriodicEvent] = []
    for spec in specs:
        for occ in occurrences_due(spec, start, end, tz):
            for s in periodic_states(session, spec, occ, addressed(spec, units), now):
                decided = s.first_received if s.first_received is not None else (
                    occ.deadline if s.status is CommissionStatus.MISSED else None)
                events.append(PeriodicEvent(occ.name, occ.label, s.unit, s.status, occ.deadline, decided, s.pieces))
    return events
