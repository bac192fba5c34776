"""A unit's score sheet: its component lines, quota statuses and warnings; the result rows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Line:
    """One score component: ``key`` is stable (JSON), ``label`` is what the office reads."""

    key: str
    label: str
    points: float = 0.0
    detail: list[str] = field(default_factory=list)


@dataclass
class QuotaStatus:
    """One quota (a class's task for one period length, in total or for one category)."""

    name: str
    period: str
    category: str | None
    required: int = 0
    done: int = 0
    periods: int = 0          # sub-periods judged in the scored period
    periods_met: int = 0
    judged: bool = True       # False: progress only (the quota's period is longer than the one scored,
                              # or none of its sub-periods had ended at the scoring instant)

    @property
    def met(self) -> bool:
        return self.judged and self.periods_met == self.periods

    def as_json(self) -> dict:
        return {"name": self.name, "period": self.period, "category": self.category,
                "required": self.required, "done": self.done, "met": self.met, "judged": self.judged,
                "periods": self.periods, "periods_met": self.periods_met}


class Sheet:
    """Accumulates lines by key (in first-seen order), quota statuses and warnings."""

    def __init__(self) -> None:
        self.lines: dict[str, Line] = {}
        self.quotas: dict[tuple, QuotaStatus] = {}
        self.warnings: list[str] = []

    def add(self, key: str, label: str, points: float, detail: str | None = None) -> None:
        line = self.lines.get(key)
        if line is None:  # (not setdefault: that would build a Line on every call)
            line = self.lines[key] = Line(key, label)
        line.points += points
        if detail and detail not in line.detail:
            line.detail.append(detail)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def quota(self, ident: tuple, name: str, period: str, category: str | None, judged: bool) -> QuotaStatus:
        status = self.quotas.get(ident)
        if status is None:
            status = self.quotas[ident] = QuotaStatus(name, period, category, judged=judged)
        return status

    @property
    def total(self) -> float:
        return sum(line.points for line in self.lines.values())

    def merge(self, other: Sheet) -> None:
        for line in other.lines.values():
            details: list[str | None] = list(line.detail) or [None]
            for d in details:
                self.add(line.key, line.label, 0.0, d)
            self.lines[line.key].points += line.points
        for ident, q in other.quotas.items():
            mine = self.quota(ident, q.name, q.period, q.category, q.judged)
            mine.judged = mine.judged or q.judged  # judged when any of its sub-periods has ended
            mine.required += q.required
            mine.done += q.done
            mine.periods += q.periods
            mine.periods_met += q.periods_met
        for w in other.warnings:
            self.warn(w)


def tidy(value: float) -> float | int:
    """Show whole points as integers in JSON and tables (15, not 15.0)."""
    value = round(value, 2)
    return int(value) if float(value).is_integer() else value


@dataclass(frozen=True)
class UnitScore:
    unit: str
    short: str | None
    class_: str
    submitted: int
    adopted: int
    score: float
    rank: int
    counted: int = 0
    components: tuple[Line, ...] = ()
    quotas: tuple[QuotaStatus, ...] = ()
    warnings: tuple[str, ...] = ()
    group: str | None = None
    group_rank: int | None = None

    def component(self, key: str) -> float:
        line = next((c for c in self.components if c.key == key), None)
        return tidy(line.points) if line else 0

    def as_json(self) -> dict:
        # the first six keys are the pinned contract of `baosong score --json`
        return {
            "unit": self.unit,
            "class": self.class_,
            "submitted": self.submitted,
            "adopted": self.adopted,
            "score": self.score,
            "rank": self.rank,
            "counted": self.counted,
            "group": self.group,
            "group_rank": self.group_rank,
            "components": [{"key": c.key, "label": c.label, "points": tidy(c.points), "detail": c.detail}
                           for c in self.components],
            "quotas": [q.as_json() for q in self.quotas],
            "warnings": list(self.warnings),
        }
