"""Scores: computed from ledger events plus the regime in scoring.yaml. Pure functions.

The computation lives in :mod:`baosong.ledger.regime` (one module per scoring
concept); this module keeps the names the rest of the code imports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from baosong.config.schema import Scoring

from .periods import Period
from .regime import event_window, needs_days, score
from .regime.events import AdoptionEvent, Events, InstructionEvent, PieceEvent, UnitRef
from .regime.sheet import UnitScore

if TYPE_CHECKING:  # the pure scoring is imported by commands that never open the ledger (start-up time)
    from sqlalchemy.orm import Session

    from baosong.config.commissions import PeriodicDeadline

__all__ = ["AdoptionEvent", "Events", "InstructionEvent", "PieceEvent", "UnitRef", "UnitScore", "as_of_day",
           "ledger_scores", "score_period"]


def score_period(units: Sequence[UnitRef], events: Events, scoring: Scoring, period: Period) -> list[UnitScore]:
    """Per unit: submitted, counted, quotas, adopted, score components and total; ranked within class."""
    return score(scoring, period, units, events)


def ledger_scores(session: Session, period: Period, scoring: Scoring, tz: ZoneInfo, *,
                  groups: Mapping[str, str | None] | None = None, counts_for: Mapping[str, str | None] | None = None,
                  now: datetime | None = None, periodic: Sequence[PeriodicDeadline] = (),
                  units: Sequence[UnitRef] | None = None, since: date | None = None) -> list[UnitScore]:
    """Score ``period`` from the ledger: its events read in SQL (``scoring_events``), then the pure regime.
    ``groups`` and ``counts_for`` come from units.yaml; ``now`` (default: the current time) is the scoring
    instant: commission statuses as of then, and only quota sub-periods ended by then are judged
    (``Events.as_of``, regime/quotas.py); ``units``: the scoring units when the caller has read them already;
    ``since``: the ledger's first day (settings.yaml ``ledger_start``): quotas and periodic deadlines before
    it are not judged (``Events.since``)."""
    from .scoring_events import period_events, scoring_units

    if now is None:
        now = datetime.now(tz)
    if units is None:
        units = scoring_units(session, groups, counts_for)
    events = period_events(session, period, tz, event_window(scoring, period), now=now, periodic=periodic,
                           pieces_by_month=not needs_days(scoring), since=since)
    return score_period(units, replace(events, as_of=as_of_day(now, tz), since=since), scoring, period)


def as_of_day(instant: datetime, tz: ZoneInfo) -> date:
    """The scoring instant as the office's calendar day (a naive time is taken as the office's)."""
    return (instant if instant.tzinfo else instant.replace(tzinfo=tz)).astimezone(tz).date()
