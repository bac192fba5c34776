"""Scoring regimes: the office's rules in scoring.yaml, computed by pure functions over ledger events.

One module per scoring concept, each ``contribute(slice)`` adding lines to the
unit's sheet. A new concept is a new module here plus one line in ``COMPONENTS``
(and its keys in ``config/schema.py``'s ``Scoring``). The pipeline, per unit:

1. for each of the regime's own periods inside the scored period (each month of a
   quarter under a monthly regime): every component at stage ``base``, then the
   floor (扣完为止) on that period's total;
2. every component once at stage ``period`` for the whole scored period (longer
   quotas, yearly adjustments, the base score);
3. across units: direct reporting points carried to their unit (a year only), normalisation
   (折合百分制), then ranks within class and group.

The components of a unit always add up to its score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from baosong.config.schema import Scoring

from ..periods import Period
from . import (
    adjustments,
    base,
    commissions,
    direct_points,
    endorsements,
    floors,
    instructions,
    normalise,
    outlets,
    quotas,
)
from .context import Slice, scoring_year_of
from .events import (
    AdjustmentEvent,
    AdoptionEvent,
    CommissionEvent,
    EndorsementEvent,
    Events,
    InstructionEvent,
    PieceEvent,
    UnitRef,
)
from .ranking import competition_ranks, ranks_by
from .sheet import Sheet, UnitScore, tidy

COMPONENTS = (
    outlets,
    instructions,
    quotas,
    commissions,
    endorsements,
    adjustments,
    base,
)

__all__ = [
    "COMPONENTS",
    "AdjustmentEvent",
    "AdoptionEvent",
    "CommissionEvent",
    "EndorsementEvent",
    "Events",
    "InstructionEvent",
    "PieceEvent",
    "UnitRef",
    "UnitScore",
    "base_periods",
    "score",
]


def needs_days(scoring: Scoring) -> bool:
    """Whether scoring needs each piece's day: only weekly quotas (or a weekly regime) do; every other
    period a regime knows is whole months, so pieces may be read per month (far fewer events)."""
    return scoring.period == "week" or any(rule.period == "week" for klass in scoring.classes.values()
                                           for rule in klass.rules())


def event_window(scoring: Scoring, period: Period) -> tuple[date, date]:
    """The days whose pieces and adoptions the scoring of ``period`` reads: the period, a week either side
    (weeks straddling its edges), and back to the start of any longer quota's period (progress so far)."""
    start, end = period.start - timedelta(days=7), period.end + timedelta(days=7)
    for klass in scoring.classes.values():
        for rule in klass.rules():
            enclosing = Period.enclosing(rule.period or scoring.period, period.start, scoring_year_of(scoring))
            if enclosing is not None:
                start = min(start, enclosing.start)
    return start, end


def base_periods(scoring: Scoring, period: Period) -> list[Period]:
    """The regime's own periods inside ``period`` (the period itself when it is not longer)."""
    if period.longer_than(scoring.period):
        return period.parts(scoring.period) or [period]
    return [period]


class _ByUnit:
    """The events indexed by the unit they concern (a joint item under each unit sharing it), built once."""

    def __init__(self, events: Events) -> None:
        def by_unit(items: Iterable[Any]) -> dict[str, list]:
            out: dict[str, list] = {}
            for item in items:
                mine = out.get(item.unit)
                if mine is None:
                    out[item.unit] = [item]
                else:
                    mine.append(item)
            return out

        def by_sharing(items: Iterable[Any]) -> dict[str, list]:  # a joint item under each unit sharing it
            out: dict[str, list] = {}
            for item in items:
                for u in item.units or (item.unit,):  # .sharing, inline
                    mine = out.get(u)
                    if mine is None:
                        out[u] = [item]
                    else:
                        mine.append(item)
            return out

        self.pieces = by_unit(events.pieces)
        self.adoptions = by_sharing(events.adoptions)
        self.instructions = by_sharing(events.instructions)
        self.commissions = by_unit(events.commissions)
        self.endorsements = by_unit(events.endorsements)
        self.adjustments = by_unit(events.adjustments)

    def of(self, unit: UnitRef) -> dict[str, tuple]:
        """The unit's events, as the fields of its slices (built once per unit, shared by its slices)."""
        name = unit.name
        return {
            "pieces": tuple(self.pieces.get(name, ())),
            "adoptions": tuple(self.adoptions.get(name, ())),
            "instructions": tuple(self.instructions.get(name, ())),
            "commissions": tuple(self.commissions.get(name, ())),
            "endorsements": tuple(self.endorsements.get(name, ())),
            "adjustments": tuple(self.adjustments.get(name, ())),
        }


def score(scoring: Scoring, period: Period, units: Sequence[UnitRef], events: Events) -> list[UnitScore]:
    """Per unit: submitted, counted, quotas, adopted, components and total; ranked within class.

    Classes come out in scoring.yaml's order; within a class by score descending,
    ties sharing a rank and listed in units.yaml order.
    """
    rows: list[tuple[UnitRef, Sheet]] = []
    bases = base_periods(scoring, period)
    by_unit = _ByUnit(events)
    for unit in units:
        mine = by_unit.of(unit)
        sheet: Sheet | None = None
        for b in bases:
            part = Sheet()
            s = Slice(unit=unit, period=b, stage="base", scored=period, scoring=scoring, sheet=part,
                      as_of=events.as_of, since=events.since, **mine)
            for component in COMPONENTS:
                component.contribute(s)
            floors.apply(part, scoring)
            if sheet is None:  # the first part is the sheet (merging it into an empty one copies it)
                sheet = part
            else:
                sheet.merge(part)
        assert sheet is not None  # base_periods is never empty
        s = Slice(unit=unit, period=period, stage="period", scored=period, scoring=scoring, sheet=sheet,
                  as_of=events.as_of, since=events.since, **mine)
        for component in COMPONENTS:
            component.contribute(s)
        rows.append((unit, sheet))
    direct_points.apply(rows, period)
    normalise.apply(rows, scoring)

    submitted: dict[str, int] = {}
    counted: dict[str, int] = {}
    for p in events.pieces:
        if p.day is None or period.contains(p.day):
            submitted[p.unit] = submitted.get(p.unit, 0) + p.n
            counted[p.unit] = counted.get(p.unit, 0) + (p.n if p.counts else 0)
    adopted: dict[str, set[int]] = {}
    for a in events.adoptions:
        if period.contains(a.on):
            for u in a.sharing:
                adopted.setdefault(u, set()).add(a.piece_id)

    totals = {unit.name: tidy(sheet.total) for unit, sheet in rows}
    group_ranks = dict(zip([u.name for u, _ in rows],
                           ranks_by([u.group for u, _ in rows], [totals[u.name] for u, _ in rows]), strict=True))
    class_order = {k: i for i, k in enumerate(scoring.classes)}
    by_class: dict[str, list[tuple[UnitRef, Sheet]]] = {}
    for unit, sheet in rows:
        by_class.setdefault(unit.class_, []).append((unit, sheet))
    result: list[UnitScore] = []
    for class_ in sorted(by_class, key=lambda k: (class_order.get(k, len(class_order)), k)):
        # sorted() is stable: tied units keep their units.yaml order
        members = sorted(by_class[class_], key=lambda r: -totals[r[0].name])
        for (unit, sheet), rank in zip(members, competition_ranks([totals[u.name] for u, _ in members]),
                                       strict=True):
            result.append(UnitScore(
                unit=unit.name, short=unit.short, class_=class_,
                submitted=submitted.get(unit.name, 0), adopted=len(adopted.get(unit.name, ())),
                score=totals[unit.name], rank=rank, counted=counted.get(unit.name, 0),
                components=tuple(sheet.lines.values()), quotas=tuple(sheet.quotas.values()),
                warnings=tuple(sheet.warnings), group=unit.group, group_rank=group_ranks[unit.name],
            ))
    return result
