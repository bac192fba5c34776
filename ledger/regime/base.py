"""A base score every unit starts from (长春高新区：基础分 80，设加分项和减分项)."""

from __future__ import annotations

from .context import Slice

KEY, LABEL = "base", "基础分"


def contribute(s: Slice) -> None:
    if s.stage == "period" and s.scoring.base:
        s.sheet.add(KEY, LABEL, s.scoring.base)
