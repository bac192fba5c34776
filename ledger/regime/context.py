"""What a component sees: one unit, one stretch of time, that unit's events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from baosong.config.schema import Points, Scoring

from ..periods import CALENDAR_YEAR, Period, ScoringYear
from .events import (
    AdjustmentEvent,
    AdoptionEvent,
    CommissionEvent,
    EndorsementEvent,
    InstructionEvent,
    PieceEvent,
    UnitRef,
)
from .sheet import Sheet


@dataclass(frozen=True)
class Slice:
    """One unit in one period.

    ``stage`` is ``base`` for each of the regime's own periods (a month under a
    monthly regime) inside the scored period, then ``period`` once for the whole
    scored period (a quarter, a year). Events are all those loaded for the scored
    period (pieces with a margin for weekly quotas); a component keeps those dated
    inside ``period`` with :meth:`within`.
    """

    unit: UnitRef
    period: Period
    stage: Literal["base", "period"]
    scored: Period
    scoring: Scoring
    pieces: tuple[PieceEvent, ...]
    adoptions: tuple[AdoptionEvent, ...]
    instructions: tuple[InstructionEvent, ...]
    commissions: tuple[CommissionEvent, ...]
    endorsements: tuple[EndorsementEvent, ...]
    adjustments: tuple[AdjustmentEvent, ...]
    sheet: Sheet
    as_of: date | None = None  # the scoring instant's day (Events.as_of); None: every sub-period has ended
    since: date | None = None  # the ledger's first day (Events.since); None: the ledger holds every period

    def ended(self, part: Period) -> bool:
        """Whether ``part`` has ended at the scoring instant (the day after its last day has come)."""
        return self.as_of is None or self.as_of >= part.end

    def judges(self, part: Period) -> bool:
        """Whether a quota is judged over ``part``: it has ended, and began when the ledger already held
        the office's submissions (a month before ``ledger_start`` has no record to judge)."""
        return self.ended(part) and (self.since is None or part.start >= self.since)

    def within(self, day: date | None) -> bool:
        return day is None or self.period.contains(day)


def points_for(value: Points, key: str | None) -> float | None:
    """A number, or the number for ``key`` in a per-type table; None when the type is unknown."""
    if isinstance(value, dict):
        return None if key is None else value.get(key)
    return value


def scoring_year_of(scoring: Scoring) -> ScoringYear:
    """The regime's scoring year (calendar year unless scoring.yaml sets ``scoring_year``)."""
    return ScoringYear(*scoring.scoring_year.months()) if scoring.scoring_year else CALENDAR_YEAR
