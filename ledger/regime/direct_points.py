"""Direct reporting points (信息直报点): at year end their adoption points count for their town or department.

滕州附件1：“枣庄市级、滕州市级信息直报点被采用政务信息年终按其得分计入镇（街）、主管部门总分。”
A unit with ``counts_for:`` in units.yaml is a direct reporting point. When a whole (scoring) year is
scored, its adoption and instruction points are added to that unit's total as one line; the point
keeps its own row and rank too. Shorter periods are not affected.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..periods import Period
from .events import UnitRef
from .sheet import Sheet

KEY, LABEL = "direct_points", "直报点得分计入"
_CARRIED = ("outlets", "instructions")


def apply(rows: Sequence[tuple[UnitRef, Sheet]], period: Period) -> None:
    if period.kind != "year":
        return
    sheets = {unit.name: sheet for unit, sheet in rows}
    for unit, sheet in rows:
        target = sheets.get(unit.counts_for) if unit.counts_for else None
        if target is None:
            continue
        points = sum(sheet.lines[k].points for k in _CARRIED if k in sheet.lines)
        target.add(KEY, LABEL, points, f"{unit.short or unit.name} {points:g}")
