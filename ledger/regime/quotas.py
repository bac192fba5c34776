"""Submission quotas (报送任务): per class, for weeks, months, quarters, half-years or years.

A quota is judged over each whole period of its length inside the scored period
(weeks belong to the month, quarter or year holding their Thursday). A quota no
longer than the regime's own period is judged inside each of those; a longer one
(a yearly quota under a monthly regime) is judged when the scored period holds
whole periods of its length, and otherwise reported as progress only (from the start
of the quota's period to the end of the scored one: 年度进度), without points.

Only a sub-period that has ended at the scoring instant is judged (``Events.as_of``: the
office's calendar day of ``score --at``, or of now; the regime never reads the clock). A
month, week, quarter … still running or not yet begun — November and December of a
quarter scored on 30 November — is progress only: its pieces and its requirement count
in ``done``/``required``, but it deducts nothing, earns no ``met`` or ``per_extra``
points and does not count in ``periods``/``periods_met``. A quota none of whose
sub-periods has ended is reported with ``judged: false``, like a longer quota. Scored
after its end, a period is judged whole, exactly as before; ``as_of`` None (the pure
functions called without an instant) judges every sub-period. A sub-period that began
before the ledger did (``Events.since``: settings.yaml ``ledger_start``, the month an
office went live without importing its old 台账) is progress only in the same way: there
is no record to judge it by.

A quota counts pieces submitted (``counts: submitted``, the default) or pieces adopted in the period
(``counts: adopted``: 刊用数, by the ``outlets`` listed or by any), each piece once.

In one judged period, with ``n`` counted pieces and ``c_k`` per category:

- total shortfall ``T = max(0, total − n)``; category shortfall ``C = Σ max(0, min_k − c_k)``.
- ``categories: required`` (default): missing = ``max(T, C)`` — the fewest extra pieces
  that would complete the task, since a piece of a short category also adds to the total;
  the task is done when nothing is missing.
  ``categories: advisory``: missing = ``T``; categories are reported only.
- done: ``met`` points; then ``per_extra`` for each piece beyond the total (beyond the
  category minimums when the quota has no total).
- not done: ``per_missing`` for each missing piece (a negative number deducts).
"""

from __future__ import annotations

from baosong.config.schema import Quota, QuotaPoints

from ..periods import Period
from .context import Slice, scoring_year_of


def _judge(s: Slice, rule: Quota, part: Period) -> tuple[int, dict[str, int], int, int, bool]:
    tally: dict[str | None, int] = {}
    contains = part.contains
    if rule.counts == "adopted":
        # pieces published in the part (by the listed outlets), each counted once, by category
        published: dict[int, str | None] = {}
        categories: dict[int | None, str | None] | None = None  # read from the pieces once, when needed
        for a in s.adoptions:
            if contains(a.on) and (not rule.outlets or a.outlet in rule.outlets) and a.piece_id not in published:
                if categories is None:
                    categories = {p.piece_id: p.category for p in s.pieces}
                published[a.piece_id] = categories.get(a.piece_id, a.piece_type)
        for category in published.values():
            tally[category] = tally.get(category, 0) + 1
    else:
        for p in s.pieces:
            if p.counts and (p.day is None or contains(p.day)):
                tally[p.category] = tally.get(p.category, 0) + p.n
    n = sum(tally.values())
    by_cat = {c: tally.get(c, 0) for c in rule.by_category}
    cat_short = sum(max(0, need - by_cat[c]) for c, need in rule.by_category.items())
    total = rule.total if rule.total is not None else sum(rule.by_category.values())
    total_short = max(0, total - n) if rule.total is not None else 0
    points = rule.points or s.scoring.quota_points
    missing = max(total_short, cat_short) if points.categories == "required" else total_short
    if rule.total is not None:
        extra = max(0, n - total)
    else:
        extra = sum(max(0, by_cat[c] - need) for c, need in rule.by_category.items())
    return n, by_cat, missing, extra, missing == 0


def _score(s: Slice, points: QuotaPoints, label: str, missing: int, extra: int, met: bool) -> None:
    if met:
        if points.met:
            s.sheet.add("quota_met", "完成报送任务", points.met, label)
        if points.per_extra and extra:
            s.sheet.add("quota_extra", "超额报送", points.per_extra * extra, f"{label}多报 {extra} 篇")
    elif points.per_missing:
        s.sheet.add("quota_missing", "未完成任务", points.per_missing * missing, f"{label}少报 {missing} 篇")


def contribute(s: Slice) -> None:
    klass = s.scoring.classes.get(s.unit.class_)
    if klass is None:
        return
    base_kind = s.scoring.period
    for index, rule in enumerate(klass.rules()):
        kind = rule.period or base_kind
        longer = _longer(kind, base_kind)
        if (s.stage == "base") == longer:
            continue
        parts = s.period.parts(kind)
        judged = bool(parts)
        name = rule.name or f"{_KIND_LABEL[kind]}任务"
        if not judged:  # a longer quota, scored period too short: progress since its start, no points
            enclosing = Period.enclosing(kind, s.period.start, scoring_year_of(s.scoring))
            start = enclosing.start if enclosing is not None else s.period.start
            parts = [Period(start, s.period.end, kind, s.period.name)]
        # a sub-period still running (or not begun) at the scoring instant: progress only
        ended = [judged and s.judges(part) for part in parts]
        judged = any(ended)
        total_status = s.sheet.quota((index, None), name, kind, None, judged)
        cat_status = {c: s.sheet.quota((index, c), name, kind, c, judged) for c in rule.by_category}
        for part, part_judged in zip(parts, ended, strict=True):
            n, by_cat, missing, extra, met = _judge(s, rule, part)
            if rule.total is not None:
                total_status.required += rule.total
                total_status.done += n
            for c, need in rule.by_category.items():
                cat_status[c].required += need
                cat_status[c].done += by_cat[c]
                if part_judged:
                    cat_status[c].periods += 1
                    cat_status[c].periods_met += by_cat[c] >= need
            if not part_judged:
                continue
            total_status.periods += 1
            total_status.periods_met += met
            _score(s, rule.points or s.scoring.quota_points, f"{part.label}{name}", missing, extra, met)
        if rule.total is None:  # a category-only quota has no total line
            del s.sheet.quotas[(index, None)]


_KIND_LABEL = {"week": "每周", "month": "每月", "quarter": "每季度", "half": "每半年", "year": "年度"}
_ORDER = ("week", "month", "quarter", "half", "year")


def _longer(kind: str, than: str) -> bool:
    return _ORDER.index(kind) > _ORDER.index(than)
