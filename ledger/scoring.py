"""Scores: computed from ledger events plus the regime in scoring.yaml. Pure functions.

The computation lives in :mod:`baosong.ledger.regime` (one module per scoring
concept); this module keeps the names the rest of the code imports.
"""

from __future__ import annotations

from collections.abc import Sequence

from baosong.config.schema import Scoring

from .periods import Period
from .regime import score
from .regime.events import AdoptionEvent, Events, InstructionEvent, PieceEvent, UnitRef
from .regime.sheet import UnitScore

__all__ = ["AdoptionEvent", "Events", "InstructionEvent", "PieceEvent", "UnitRef", "UnitScore", "score_period"]


def score_period(units: Sequence[UnitRef], events: Events, scoring: Scoring, period: Period) -> list[UnitScore]:
    """Per unit: submitted, counted, quotas, adopted, score components and total; ranked within class."""
    return score(scoring, period, units, events)
