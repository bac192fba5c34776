"""The 汇总 sheet: per unit its quota and completion, its score components, total and rank within class.

Score components come from scoring as a list of ``(label, value)`` pairs (:func:`components_of`): a
component the scoring adds later (quota bonus, commission points, adjustments...) becomes a column with
no change here. Until then the components are the ones scoring offers today: submitted, adopted, score.
A quarter or a year is scored month by month and summed (today's scoring is monthly), ranked by the sum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from baosong.config.schema import Scoring

from ..periods import Month
from ..scoring import UnitScore
from .rows import LedgerRow
from .span import Span

Value = Any  # int, float or text: what a cell holds

SCORE_LABEL = "得分"


def components_of(score: Any) -> list[tuple[str, Value]]:
    """The score's components as (label, value), in the order scoring gives them."""
    given = getattr(score, "components", None)
    if given is not None:
        items = given() if callable(given) else given
        return [(str(label), value) for label, value in items]
    return [("报送数", score.submitted), ("采用数", score.adopted), (SCORE_LABEL, score.score)]


@dataclass(frozen=True)
class SummaryRow:
    class_label: str
    unit: str
    short: str
    quota: list[tuple[str, Value]]
    components: list[tuple[str, Value]]
    rank: int


def _sum(values: list[list[tuple[str, Value]]]) -> list[tuple[str, Value]]:
    """Add up the numeric components of several months (text keeps the last month's)."""
    total: dict[str, Value] = {}
    for month in values:
        for label, value in month:
            if isinstance(value, int | float) and isinstance(total.get(label, 0), int | float):
                total[label] = total.get(label, 0) + value
            else:
                total[label] = value
    return [(k, int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in total.items()]


def _competition_ranks(values: Sequence[float]) -> list[int]:
    ranks: list[int] = []
    for i, v in enumerate(values):
        ranks.append(ranks[-1] if i and v == values[i - 1] else i + 1)
    return ranks


def _total(components: list[tuple[str, Value]]) -> float:
    return float(dict(components).get(SCORE_LABEL, 0) or 0)


def summary_rows(span: Span, month_scores: Callable[[Month], list[UnitScore]], rows: Sequence[LedgerRow],
                 scoring: Scoring, class_labels: dict[str, str]) -> list[SummaryRow]:
    months = span.months()
    per_month = [month_scores(m) for m in months]
    units: dict[str, UnitScore] = {}
    comps: dict[str, list[list[tuple[str, Value]]]] = {}
    for scores in per_month:
        for s in scores:
            units.setdefault(s.unit, s)
            comps.setdefault(s.unit, []).append(components_of(s))
    counted: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for r in rows:
        if r.counted:
            totals[r.unit_key] = totals.get(r.unit_key, 0) + 1
            counted[(r.unit_key, r.category)] = counted.get((r.unit_key, r.category), 0) + 1
    quota_categories = [c for c in scoring.categories if any(c in k.quota.by_category for k in scoring.classes.values())]

    result: list[SummaryRow] = []
    by_class: dict[str, list[str]] = {}
    for name, s in units.items():  # units in scoring's order: classes in order, then units.yaml order
        by_class.setdefault(s.class_, []).append(name)
    for class_, names in by_class.items():
        summed = {n: (_sum(comps[n]) if len(comps[n]) > 1 else comps[n][0]) for n in names}
        order = sorted(names, key=lambda n: -_total(summed[n]))  # stable: ties keep their order
        ranks = _competition_ranks([_total(summed[n]) for n in order])
        klass = scoring.classes.get(class_)
        for name, rank in zip(order, ranks, strict=True):
            quota: list[tuple[str, Value]] = []
            need = klass.quota.total * len(months) if klass else None
            quota.append(("任务数", need if need is not None else ""))
            quota.append(("计数稿件", totals.get(name, 0)))
            for cat in quota_categories:
                want = klass.quota.by_category.get(cat) if klass else None
                quota.append((f"{cat}（完成/任务）",
                              f"{counted.get((name, cat), 0)}/{want * len(months)}" if want else ""))
            result.append(SummaryRow(class_labels.get(class_, class_), name, units[name].short or "",
                                     quota, summed[name], rank))
    return result
