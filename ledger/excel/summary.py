"""The 汇总 sheet: per unit its quotas and completion, its score components, total and rank within class.

Each part of the span (ledger/excel/span.py: the period, or each month of a whole ledger) is scored by the
regime (``score`` scores it the same way); the unit's quota statuses give 任务数 and each category's
完成/任务, its score components (ledger/regime: outlets, instructions, quota_met, commissions, …) become
columns as ``(label, value)`` pairs (:func:`components_of`): a component the regime adds later is a new
column with no change here. Several parts are added up and ranked by the sum; one part keeps its rank.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from baosong.config.schema import Scoring

from ..periods import Period
from ..regime.sheet import Line, tidy
from ..scoring import UnitScore
from .rows import LedgerRow
from .span import Span

Value = Any  # int, float or text: what a cell holds

SCORE_LABEL = "得分"


def components_of(score: Any) -> list[tuple[str, Value]]:
    """The score's components as (label, value), in the order scoring gives them."""
    given = getattr(score, "components", None)
    if given is not None and not isinstance(score, UnitScore):
        items = given() if callable(given) else given
        return [(str(label), value) for label, value in items]
    lines: dict[str, Value] = {}
    for line in score.components:
        if isinstance(line, Line):
            lines[line.label] = tidy(lines.get(line.label, 0) + line.points)
    return [("报送数", score.submitted), ("采用数", score.adopted), *lines.items(), (SCORE_LABEL, score.score)]


def quotas_of(score: Any) -> list[tuple[str, Value]]:
    """任务数 (the first total quota's requirement) and each category's 完成/任务 from the quota statuses."""
    out: list[tuple[str, Value]] = []
    total = next((q for q in getattr(score, "quotas", ()) if q.category is None), None)
    out.append(("任务数", total.required if total is not None else ""))
    out.append(("计数稿件", getattr(score, "counted", 0)))
    seen: set[str] = set()
    for q in getattr(score, "quotas", ()):
        if q.category is None:
            continue
        label = f"{q.category}（完成/任务）"
        if label in seen:
            label = f"{q.name}{q.category}（完成/任务）"
        seen.add(label)
        out.append((label, f"{q.done}/{q.required}"))
    return out


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


def summary_rows(span: Span, part_scores: Callable[[Period], list[UnitScore]], rows: Sequence[LedgerRow],
                 scoring: Scoring, class_labels: dict[str, str]) -> list[SummaryRow]:
    parts = span.parts()
    per_part = [part_scores(p) for p in parts]
    units: dict[str, UnitScore] = {}
    comps: dict[str, list[list[tuple[str, Value]]]] = {}
    quotas: dict[str, list[list[tuple[str, Value]]]] = {}
    for scores in per_part:
        for s in scores:
            units.setdefault(s.unit, s)
            comps.setdefault(s.unit, []).append(components_of(s))
            quotas.setdefault(s.unit, []).append(quotas_of(s))

    def added(values: list[list[tuple[str, Value]]]) -> list[tuple[str, Value]]:
        if len(values) == 1:
            return values[0]
        # 完成/任务 cells add up part by part
        fractions: dict[str, list[int]] = {}
        plain: list[list[tuple[str, Value]]] = []
        for part in values:
            keep = []
            for label, value in part:
                if isinstance(value, str) and "/" in value:
                    done, need = (int(x) for x in value.split("/"))
                    got = fractions.setdefault(label, [0, 0])
                    got[0], got[1] = got[0] + done, got[1] + need
                else:
                    keep.append((label, value))
            plain.append(keep)
        return [*_sum(plain), *((k, f"{d}/{n}") for k, (d, n) in fractions.items())]

    result: list[SummaryRow] = []
    by_class: dict[str, list[str]] = {}
    for name, s in units.items():  # units in scoring's order: classes in order, then units.yaml order
        by_class.setdefault(s.class_, []).append(name)
    for class_, names in by_class.items():
        summed = {n: added(comps[n]) for n in names}
        if len(parts) == 1:
            order = sorted(names, key=lambda n: units[n].rank)  # stable: ties keep their order
            ranks = [units[n].rank for n in order]
        else:
            order = sorted(names, key=lambda n: -_total(summed[n]))
            ranks = _competition_ranks([_total(summed[n]) for n in order])
        for name, rank in zip(order, ranks, strict=True):
            result.append(SummaryRow(class_labels.get(class_, class_), name, units[name].short or "",
                                     added(quotas[name]), summed[name], rank))
    return result
