"""Small builders for the regimes' worked examples: events written the way the regulation text reads."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

from baosong.config.loader import load_config
from baosong.ledger.periods import Period, ScoringYear
from baosong.ledger.regime import score
from baosong.ledger.regime.events import Events, PieceEvent

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "config" / "examples"

_ids = itertools.count(1000)


def example(name: str):
    """The scoring of a shipped example config directory."""
    return load_config(EXAMPLES / name).scoring


def sent(unit: str, day: date, *categories: str | None) -> list[PieceEvent]:
    """Pieces a unit sent on one day, one per category given."""
    return [PieceEvent(unit, c, next(_ids), day) for c in categories]


def run(scoring, period: Period, units, **events) -> dict:
    """Score and index the rows by unit name."""
    ev = Events(**{k: tuple(v) for k, v in events.items()})
    return {r.unit: r for r in score(scoring, period, units, ev)}


def year(scoring, y: int) -> Period:
    custom = ScoringYear(*scoring.scoring_year.months()) if scoring.scoring_year else ScoringYear()
    return Period.year(y, custom)


def components(row) -> dict:
    """Non-zero components of a row, by key."""
    return {c.key: round(c.points, 2) for c in row.components if round(c.points, 2)}
