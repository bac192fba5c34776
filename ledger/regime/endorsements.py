"""The notice endorsed by the unit's leaders (滕州：主要负责同志批示 +10，分管负责同志 +5，每次)."""

from __future__ import annotations

from .context import Slice

KEY, LABEL = "endorsements", "通报获本单位领导批示"


def contribute(s: Slice) -> None:
    table = s.scoring.endorsements
    if table is None or s.stage != "base":
        return
    s.sheet.add(KEY, LABEL, 0)
    for e in s.endorsements:
        if s.within(e.on):
            s.sheet.add(KEY, LABEL, getattr(table, e.by), "主要负责同志" if e.by == "principal" else "分管负责同志")
