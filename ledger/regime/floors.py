"""扣完为止: deductions stop at the floor; a period's total never falls below it.

Applied to each of the regime's own periods (each month under Tengzhou's monthly
regime) before they are summed, so a bad month cannot eat a good month's points.
The shortfall is shown as its own line, so the components still add up to the total.
"""

from __future__ import annotations

from baosong.config.schema import Scoring

from .sheet import Sheet

KEY, LABEL = "floor", "扣完为止"


def apply(sheet: Sheet, scoring: Scoring) -> None:
    if scoring.floor is not None and sheet.total < scoring.floor:
        sheet.add(KEY, LABEL, scoring.floor - sheet.total)
