"""Read what a regime scores for a period from the ledger, as plain events (the I/O edge of scoring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ARRAY, Connection, Date, Integer, String, any_, bindparam, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from baosong.config.commissions import PeriodicDeadline
from baosong.vocabulary import CommissionStatus, PieceStatus

from .commissions import commission_events
from .models import Adoption, Commission, Instruction, Piece, PieceJointUnit, Unit, UnitEntry
from .periodic import periodic_events
from .periods import Month, Period
from .regime.events import (
    AdjustmentEvent,
    AdoptionEvent,
    CommissionEvent,
    CommissionOutcome,
    EndorsementEvent,
    Events,
    InstructionEvent,
    PieceEvent,
    UnitRef,
)
from .status import counting_pieces

# the kind of a periodic deadline's outcome, for regimes whose commission points differ by kind
PERIODIC_KIND = "定期报送"

_COUNTED = PieceStatus.COUNTED.value
_first = itemgetter(0)

# pieces are read this many days either side of the period, for weeks that straddle its edges
MARGIN_DAYS = 7


def scoring_units(session: Session, groups: Mapping[str, str | None] | None = None,
                  counts_for: Mapping[str, str | None] | None = None) -> list[UnitRef]:
    """The active units, in the ledger's order; ``groups`` (镇街…) and ``counts_for`` (直报点) from units.yaml."""
    groups = groups or {}
    counts_for = counts_for or {}
    rows = session.connection().execute(select(Unit.name, Unit.short, Unit.class_).where(Unit.active).order_by(Unit.id))
    return [UnitRef(name, short, class_, groups.get(name), counts_for.get(name)) for name, short, class_ in rows]


def _joint_units(session: Session, piece_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """The other units sharing each of these pieces. Joint items are rare: one range of the piece_id
    index (the lowest to the highest piece asked about) is read and filtered, not an IN list per 500."""
    out: dict[int, list[str]] = {}
    if not piece_ids:
        return {}
    rows = session.connection().execute(
        select(PieceJointUnit.piece_id, Unit.name).join(Unit, PieceJointUnit.unit_id == Unit.id)
        .where(PieceJointUnit.piece_id >= min(piece_ids), PieceJointUnit.piece_id <= max(piece_ids))
        .order_by(PieceJointUnit.id))
    for pid, name in rows:
        if pid in piece_ids:
            out.setdefault(pid, []).append(name)
    return {pid: tuple(names) for pid, names in out.items()}


def _fixed_offset(tz: ZoneInfo, first: date, last: date) -> timedelta | None:
    """The time zone's UTC offset when it is the same on every day of [first, last] (China: always)."""
    offsets = {tz.utcoffset(datetime(d.year, d.month, d.day, h)) for d in (first + timedelta(days=i) for i in range(
        (last - first).days + 1)) for h in (0, 12)}
    return offsets.pop() if len(offsets) == 1 else None


def _months_within(first: date, last: date) -> list[tuple[date, date]]:
    """The whole calendar months inside the days [first, last), as [first day, first day of the next)."""
    out: list[tuple[date, date]] = []
    y, m = (first.year, first.month) if first.day == 1 else (first.year + first.month // 12, first.month % 12 + 1)
    while True:
        start = date(y, m, 1)
        after = date(y + m // 12, m % 12 + 1, 1)
        if after > last:
            return out
        out.append((start, after))
        y, m = after.year, after.month


def _pieces(db: Connection, names: Mapping[int, str], start: datetime, end: datetime, first: date, last: date,
            tz: ZoneInfo, by_month: bool = False) -> list[PieceEvent]:
    """Counted pieces received in [start, end), counted by the database per unit, category, type and day
    in ``tz`` (one range scan of ``ix_pieces_received_unit_category``): one PieceEvent per group, its ``n``
    the group's pieces. A time zone whose offset changes inside the window is converted row by row.

    ``by_month``: the pieces of the whole months inside the window, one event per unit, category and
    month, dated the first of the month (enough for every regime without weekly quotas: their periods
    are whole months); one range query per month, no per-row date arithmetic."""
    counted = Piece.status == _COUNTED
    # a piece without a category tag counts under the type the office recorded for it (adopt --type)
    if by_month and db.dialect.name == "postgresql":
        # every month's range in one statement (a year is one round trip, not twelve), each month its own
        # range scan of the index, dated by a literal
        months = [select(literal(month_start).label("month"), Piece.unit_id, Piece.category, Piece.piece_type,
                         func.count().label("n"))
                  .where(Piece.received_at >= datetime(month_start.year, month_start.month, 1, tzinfo=tz),
                         Piece.received_at < datetime(month_after.year, month_after.month, 1, tzinfo=tz), counted)
                  .group_by(Piece.unit_id, Piece.category, Piece.piece_type)
                  for month_start, month_after in _months_within(first, last)]
        if not months:
            return []
        rows = list(db.execute(union_all(*months) if len(months) > 1 else months[0]).all())
        order = {m: i for i, m in enumerate(sorted({r[0] for r in rows}))}
        rows.sort(key=lambda r: order[r[0]])  # month by month, as the loop below (stable within a month)
        return [PieceEvent(names[unit_id], category or ptype, None, on, True, n) for on, unit_id, category, ptype, n in rows]
    if by_month:
        pieces: list[PieceEvent] = []
        for month_start, month_after in _months_within(first, last):
            lo, hi = (datetime(d.year, d.month, d.day, tzinfo=tz) for d in (month_start, month_after))
            for unit_id, category, ptype, n in db.execute(
                    select(Piece.unit_id, Piece.category, Piece.piece_type, func.count())
                    .where(Piece.received_at >= lo, Piece.received_at < hi, counted)
                    .group_by(Piece.unit_id, Piece.category, Piece.piece_type)).all():
                pieces.append(PieceEvent(names[unit_id], category or ptype, None, month_start, n=n))
        return pieces
    where = (Piece.received_at >= start, Piece.received_at < end, counted)
    dialect = db.dialect.name
    offset = _fixed_offset(tz, first, last)
    if dialect == "postgresql":
        day = func.date(func.timezone(tz.key, Piece.received_at))
    elif dialect == "sqlite" and offset is not None:
        day = func.date(Piece.received_at, f"{int(offset.total_seconds() // 60):+d} minutes")
    else:
        day = None
    groups: dict[tuple[str, str | None, date], int] = {}
    if day is not None:
        for unit_id, category, ptype, on, n in db.execute(
                select(Piece.unit_id, Piece.category, Piece.piece_type, day, func.count())
                .where(*where).group_by(Piece.unit_id, Piece.category, Piece.piece_type, day)).all():
            key = (names[unit_id], category or ptype, on if isinstance(on, date) else date.fromisoformat(on))
            groups[key] = groups.get(key, 0) + n
    else:
        for unit_id, category, ptype, received in db.execute(
                select(Piece.unit_id, Piece.category, Piece.piece_type, Piece.received_at).where(*where)):
            key = (names[unit_id], category or ptype, received.astimezone(tz).date())
            groups[key] = groups.get(key, 0) + 1
    return [PieceEvent(unit, category, None, on, n=n) for (unit, category, on), n in groups.items()]


def _with_pieces(db: Connection, credit: tuple[Any, ...], piece: tuple[Any, ...],
                 where: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Credit rows (``credit``: their id and piece id first) matching ``where``, each followed by its piece's
    ``piece`` columns, in id order. SQLite joins them through the date index and the pieces' primary key;
    PostgreSQL's planner would hash-join a few thousand credits against a scan of every piece, so there the
    credits come first and their pieces by primary key (one array parameter)."""
    if db.dialect.name != "postgresql":
        return sorted(db.execute(select(*credit, *piece).join(Piece, credit[1] == Piece.id).where(*where)).all(),
                      key=_first)
    rows = db.execute(select(*credit).where(*where)).all()
    ids = sorted({r[1] for r in rows})
    found = {r[0]: tuple(r[1:]) for r in db.execute(
        select(Piece.id, *piece).where(Piece.id == any_(bindparam("ids", ids, type_=ARRAY(Integer)))))} if ids else {}
    return sorted(((*r, *found[r[1]]) for r in rows), key=_first)


def _credits(db: Connection, adopted: tuple[date, date], instructed: tuple[date, date],
             ) -> tuple[dict[int, str], list[tuple[Any, ...]], list[tuple[Any, ...]], dict[int, tuple[str, ...]] | None,
                        list[tuple[Any, ...]] | None]:
    """The units' names by id; adoptions dated in ``adopted`` and instructions dated in ``instructed``, each
    with its piece, in id order: (piece id, outlet, date, unit, type, category, commission, status) and
    (piece id, level, date, unit, status); and, on PostgreSQL, the joint units of the credited pieces
    (as :func:`_joint_units`) and the unit entries dated in ``instructed`` (as :func:`_entries`; None elsewhere).

    On PostgreSQL all of it is one statement (each client/server round trip waits for the server to be
    scheduled): typed rows in one ``UNION ALL``, the credits' pieces by primary key (``id = ANY(ARRAY(...))``,
    so the planner never hash-joins them against a scan of every piece)."""
    a_where = (Adoption.adopted_on >= adopted[0], Adoption.adopted_on < adopted[1])
    i_where = (Instruction.instructed_on >= instructed[0], Instruction.instructed_on < instructed[1])
    if db.dialect.name != "postgresql":
        names = dict(db.execute(select(Unit.id, Unit.name)).all())
        adoption_rows = [(pid, outlet, on, names[unit_id], ptype, category, commission, status)
                         for _, pid, outlet, on, unit_id, ptype, category, commission, status in _with_pieces(
                             db, (Adoption.id, Adoption.piece_id, Adoption.outlet, Adoption.adopted_on),
                             (Piece.unit_id, Piece.piece_type, Piece.category, Piece.commission_id, Piece.status),
                             a_where)]
        instruction_rows = [(pid, level, on, names[unit_id], status)
                            for _, pid, level, on, unit_id, status in _with_pieces(
                                db, (Instruction.id, Instruction.piece_id, Instruction.level, Instruction.instructed_on),
                                (Piece.unit_id, Piece.status), i_where)]
        return names, adoption_rows, instruction_rows, None, None
    credits = union_all(
        select(literal(0).label("kind"), Adoption.id.label("id"), Adoption.piece_id.label("piece_id"),
               Adoption.outlet.label("what"), Adoption.adopted_on.label("on")).where(*a_where),
        select(literal(1), Instruction.id, Instruction.piece_id, Instruction.level, Instruction.instructed_on)
        .where(*i_where)).cte("credits")
    credited = any_(func.array(select(credits.c.piece_id).scalar_subquery()))
    none_int, none_str = null().cast(Integer), null().cast(String)
    rows: list[Any] = list(db.execute(union_all(
        select(credits.c.kind, credits.c.id, credits.c.piece_id, credits.c.what, credits.c.on, Piece.unit_id,
               Piece.piece_type, Piece.category, Piece.commission_id, Piece.status)
        .join(Piece, Piece.id == credits.c.piece_id).where(Piece.id == credited),
        # the credited pieces' joint units (kind 2), every unit's name (kind 3), the unit entries (kind 4)
        select(literal(2), PieceJointUnit.id, PieceJointUnit.piece_id, Unit.name, null().cast(Date), none_int,
               none_str, none_str, none_int, none_str)
        .join(Unit, PieceJointUnit.unit_id == Unit.id).where(PieceJointUnit.piece_id == credited),
        select(literal(3), Unit.id, none_int, Unit.name, null().cast(Date), none_int, none_str, none_str, none_int,
               none_str),
        select(literal(4), UnitEntry.id, none_int, UnitEntry.kind, UnitEntry.entered_on, UnitEntry.unit_id,
               UnitEntry.key, UnitEntry.note, UnitEntry.done.cast(Integer), none_str)
        .where(UnitEntry.entered_on >= instructed[0], UnitEntry.entered_on < instructed[1]))).all())
    rows.sort(key=itemgetter(0, 1))
    by_kind: list[list[Any]] = [[], [], [], [], []]  # one pass over the rows, each kind in id order
    for row in rows:
        by_kind[row[0]].append(row)
    names = {row[1]: row[3] for row in by_kind[3]}
    joint: dict[int, list[str]] = {}
    for row in by_kind[2]:
        joint.setdefault(row[2], []).append(row[3])
    adoption_rows = [(pid, what, on, names[unit_id], ptype, category, commission, status)
                     for _, _, pid, what, on, unit_id, ptype, category, commission, status in by_kind[0]]
    instruction_rows = [(pid, what, on, names[unit_id], status)
                        for _, _, pid, what, on, unit_id, _, _, _, status in by_kind[1]]
    entries = [(what, key, on, None if done is None else bool(done), note, names[unit_id])
               for _, _, _, what, on, unit_id, key, note, done, _ in by_kind[4]]
    return names, adoption_rows, instruction_rows, {pid: tuple(found) for pid, found in joint.items()}, entries


def _entries(db: Connection, first: date, after: date) -> list[tuple[Any, ...]]:
    """Unit entries (endorsements, adjustments) dated in [first, after), in id order:
    (kind, key, date, done, note, unit)."""
    return [tuple(row) for row in db.execute(
        select(UnitEntry.kind, UnitEntry.key, UnitEntry.entered_on, UnitEntry.done, UnitEntry.note, Unit.name)
        .join(Unit, UnitEntry.unit_id == Unit.id)
        .where(UnitEntry.entered_on >= first, UnitEntry.entered_on < after)
        .order_by(UnitEntry.id))]


def _window(period: Period | Month | tuple[date, date]) -> tuple[date, date]:
    if isinstance(period, Month):
        return period.first_day(), period.next().first_day()
    if isinstance(period, tuple):
        return period
    return period.start, period.end


def period_events(session: Session, period: Period | Month | tuple[date, date], tz: ZoneInfo,
                  window: tuple[date, date] | None = None, *, now: datetime | None = None,
                  periodic: Sequence[PeriodicDeadline] = (), pieces_by_month: bool = False,
                  since: date | None = None) -> Events:
    """Pieces received and adoptions dated in ``window`` (default: the period and a week either side),
    everything else dated in the period (a regime Period, a Month, or a range of days ``(first, after)``).
    The regime's components keep what falls in their stretch.

    Corrections are respected (ledger/status.py): only counted pieces are submissions (a void, superseded
    or merged piece is none), with their unit and category as corrected; a credit on a superseded or
    merged piece counts for the piece that replaced it (its unit, type and joint units), once per
    (piece, outlet) or (piece, level); a credit on a void piece counts nothing.

    ``pieces_by_month``: pieces dated the first of their month (``regime.needs_days`` says when a regime
    can do with that: no weekly quotas), far fewer events on a large ledger.

    Commissions (约稿) and periodic deadlines: their outcomes as of ``now`` (default: the current time),
    see :func:`_commissions`.

    Aggregated in SQL, never loaded as ORM objects: memory grows with the units, days and credits of the
    period, not with the ledger.
    """
    period_start, period_end = _window(period)
    first, last = window or (period_start - timedelta(days=MARGIN_DAYS), period_end + timedelta(days=MARGIN_DAYS))
    start, end = (datetime(d.year, d.month, d.day, tzinfo=tz) for d in (first, last))
    db = session.connection()  # Core rows: plain values, without the ORM's result machinery
    # the units' names; credits with their pieces, in the order they were recorded (and on PostgreSQL the
    # credited pieces' joint units and the period's unit entries)
    names, adoption_rows, instruction_rows, credited_joint, entries = _credits(
        db, (first, last), (period_start, period_end))
    pieces = _pieces(db, names, start, end, first, last, tz, pieces_by_month)
    # credits on pieces that no longer count on their own: to the piece counting in their stead
    moved: set[int] = {int(r[0]) for r in (*adoption_rows, *instruction_rows) if r[-1] != _COUNTED}
    counting = counting_pieces(session, moved) if moved else {}
    targets: dict[int, tuple[str | None, str | None, int | None]] = {}
    if counting:
        ids = sorted({c.piece_id for c in counting.values() if c is not None})
        for i in range(0, len(ids), 500):
            for pid, ptype, category, commission in db.execute(
                    select(Piece.id, Piece.piece_type, Piece.category, Piece.commission_id)
                    .where(Piece.id.in_(ids[i:i + 500]))):
                targets[pid] = (ptype, category, commission)

    def counted_as(pid: int, unit: str, ptype: str | None, category: str | None, commission: int | None,
                   status: str) -> tuple[int, str, str | None, str | None, int | None] | None:
        if status == _COUNTED:
            return pid, unit, ptype, category, commission
        target = counting.get(pid)
        if target is None:
            return None
        return (target.piece_id, target.unit, *targets.get(target.piece_id, (None, None, None)))

    adoption_keys: dict[tuple[int, str], tuple[int, str, date, str, str | None]] = {}
    commissioned: dict[int, tuple[str, int]] = {}  # adopted pieces answering a commission: (unit, commission)
    for row in adoption_rows:
        pid, outlet, on, unit, ptype, category, commission, status = row
        if status == _COUNTED:  # the common case, without the call
            found = (pid, unit, ptype, category, commission)
        else:
            instead = counted_as(pid, unit, ptype, category, commission, status)
            if instead is None:
                continue
            found = instead
        key = (found[0], outlet)
        if key not in adoption_keys:
            adoption_keys[key] = (found[0], outlet, on, found[1], found[2] or found[3])
        if found[4] is not None:
            commissioned[found[0]] = (found[1], found[4])
    instruction_keys: dict[tuple[int, str], tuple[int, str, date, str]] = {}
    for pid, level, on, unit, status in instruction_rows:
        if status == _COUNTED:
            instruction_keys.setdefault((pid, level), (pid, level, on, unit))
            continue
        instead = counted_as(pid, unit, None, None, None, status)
        if instead is not None:
            instruction_keys.setdefault((instead[0], level), (instead[0], level, on, instead[1]))
    scored = {k[0] for k in adoption_keys} | {k[0] for k in instruction_keys}
    if credited_joint is None:
        joint = _joint_units(session, scored)
    else:  # read with the credits; only pieces counting in a credited piece's stead are still to be asked
        credited = {r[0] for r in (*adoption_rows, *instruction_rows)}
        joint = {pid: units for pid, units in credited_joint.items() if pid in scored}
        joint.update(_joint_units(session, scored - credited))

    def sharing(pid: int, unit: str) -> tuple[str, ...]:
        return (unit, *joint[pid]) if pid in joint else ()

    adoptions = [AdoptionEvent(pid, unit, outlet, on, ptype, sharing(pid, unit) if pid in joint else ())
                 for pid, outlet, on, unit, ptype in adoption_keys.values()]
    instructions = [InstructionEvent(pid, unit, level, on, sharing(pid, unit) if pid in joint else ())
                    for pid, level, on, unit in instruction_keys.values()]
    endorsements: list[EndorsementEvent] = []
    adjustments: list[AdjustmentEvent] = []
    for kind, key, on, done, note, unit in entries if entries is not None else _entries(db, period_start, period_end):
        if kind == "endorsement":
            endorsements.append(EndorsementEvent(unit, "deputy" if key == "deputy" else "principal", on, note))
        else:
            adjustments.append(AdjustmentEvent(unit, key, on, done, note))
    commissions = _commissions(session, first, last, tz, now or datetime.now(timezone.utc), periodic,
                               [(pid, on) for pid, _, on, _, _ in adoption_keys.values()], commissioned, since)
    return Events(pieces=tuple(pieces), adoptions=tuple(adoptions), instructions=tuple(instructions),
                  commissions=tuple(commissions), endorsements=tuple(endorsements), adjustments=tuple(adjustments))


_SETTLED: dict[CommissionStatus, CommissionOutcome] = {CommissionStatus.ON_TIME: "on_time", CommissionStatus.LATE: "late", CommissionStatus.MISSED: "missed",
            CommissionStatus.REFUSED: "refused"}


def _commissions(session: Session, first: date, last: date, tz: ZoneInfo, now: datetime,
                 periodic: Sequence[PeriodicDeadline], adopted: Sequence[tuple[int, date]],
                 commissioned: Mapping[int, tuple[str, int]], since: date | None = None) -> list[CommissionEvent]:
    """Commission (约稿) outcomes as the regime scores them, computed at ``now``.

    An addressed unit's outcome (on_time, late, missed, refused) counts on the day of the commission's
    deadline (a commission counts in the period of its deadline, whenever its piece came); one still open
    at ``now`` scores nothing yet. An adoption of a piece linked to a commission is one ``adopted`` event
    per piece, on the day of its first adoption in the window. Periodic deadlines (settings.yaml
    ``commissions.periodic``) count like commissions, with kind 定期报送; one due before ``since`` (the
    ledger's first day, settings.yaml ``ledger_start``) has no record to judge it by and is not scored.
    """
    start, end = (datetime(d.year, d.month, d.day, tzinfo=tz) for d in (first, last))
    events: list[CommissionEvent] = []
    for e in commission_events(session, start, end, now):
        outcome = _SETTLED.get(e.status)
        if outcome is not None:
            events.append(CommissionEvent(e.unit, e.number, outcome, e.deadline.astimezone(tz).date(), e.kind))
    if periodic:
        units = [(name, short, class_) for name, short, class_ in session.connection().execute(
            select(Unit.name, Unit.short, Unit.class_).where(Unit.active).order_by(Unit.id))]
        due_from = max(start, datetime(since.year, since.month, since.day, tzinfo=tz)) if since else start
        for p in periodic_events(session, periodic, units, due_from, end, now, tz):
            outcome = _SETTLED.get(p.status)
            if outcome is not None:
                events.append(CommissionEvent(p.unit, f"{p.name}（{p.period}）", outcome, p.deadline.astimezone(tz).date(), PERIODIC_KIND))
    first_adopted: dict[int, date] = {}
    for pid, on in adopted:
        if pid not in first_adopted or on < first_adopted[pid]:
            first_adopted[pid] = on
    # the commissions of the adopted pieces answering one (known from the adoptions' rows), in piece order
    linked = sorted(pid for pid in first_adopted if pid in commissioned)
    wanted = sorted({commissioned[pid][1] for pid in linked})
    known: dict[int, tuple[str, str]] = {}
    for i in range(0, len(wanted), 500):
        for cid, number, kind in session.connection().execute(
                select(Commission.id, Commission.number, Commission.kind).where(Commission.id.in_(wanted[i:i + 500]))):
            known[cid] = (number, kind)
    for pid in linked:
        unit, cid = commissioned[pid]
        number, kind = known[cid]
        events.append(CommissionEvent(unit, number, "adopted", first_adopted[pid], kind))
    return events


