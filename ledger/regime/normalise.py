"""折合百分制: the highest total becomes ``to`` (100) and every other total is scaled in proportion.

长春高新区：“基础分为80分，设加分项和减分项，各部门最终得分确定后，折合成百分制。”
The text does not say against what; baosong reads it as proportional to the best unit
(in all units, or within each class with ``scope: class``). The change is shown as
its own line, so the components still add up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence

from baosong.config.schema import Scoring

from .events import UnitRef
from .sheet import Sheet

KEY, LABEL = "normalise", "折合百分制"


def apply(rows: Sequence[tuple[UnitRef, Sheet]], scoring: Scoring) -> None:
    rule = scoring.normalise
    if rule is None:
        return
    scopes: dict[str, list[Sheet]] = {}
    for unit, sheet in rows:
        scopes.setdefault(unit.class_ if rule.scope == "class" else "", []).append(sheet)
    for sheets in scopes.values():
        top = max((sh.total for sh in sheets), default=0)
        if top <= 0:
            continue
        for sh in sheets:
            raw = sh.total
            sh.add(KEY, LABEL, round(raw * rule.to / top, 2) - raw, f"原始分 {raw:g}，最高分 {top:g}")
