"""Named additions and deductions the office records (培训、轮训 ±10；信息失实 −30；批示反馈 ±10).

An adjustment with ``period: event`` counts in the period its event is dated in;
one with ``period: year`` counts only when a whole (scoring) year is scored, and
outside the floor (扣完为止 covers the monthly items only).
"""

from __future__ import annotations

from .context import Slice

PREFIX = "adjust:"


def contribute(s: Slice) -> None:
    rules = s.scoring.adjustments
    for e in s.adjustments:
        if not s.within(e.on):
            continue
        rule = rules.get(e.key)
        if rule is None:
            if s.stage == "base":
                s.sheet.warn(f"调整项“{e.key}”已不在 scoring.yaml 中，按 0 分计 / adjustment no longer configured")
                s.sheet.add("unconfigured", "未配置的记录（按0分）", 0, f"调整项：{e.key}")
            continue
        yearly = rule.period == "year"
        if yearly != (s.stage == "period") or (yearly and s.period.kind != "year"):
            continue
        if rule.points is not None:
            value, how = rule.points, None
        else:
            value = (rule.done if e.done else rule.not_done) or 0
            how = "完成" if e.done else "未完成"
        s.sheet.add(PREFIX + e.key, rule.label or e.key, value, how or e.note)
