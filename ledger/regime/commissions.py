"""Commissions (约稿): points per settled outcome, fed by :class:`.events.CommissionEvent`.

滕州：约稿报送 3（每条按要求报送，按时或迟报），约稿采用 10，拒报、漏报每条 −5，
迟报每条 −3，扣完为止（the floor is :mod:`.floors`）. 长春：按时按质 +5.
文化常州：完成约稿并被录用，信息 4，调研报告 20，网站专题 30 (points by commission kind).
"""

from __future__ import annotations

from .context import Slice, points_for

KEY, LABEL = "commissions", "约稿"
_LABELS = {"on_time": "按时报送", "late": "迟报", "missed": "漏报", "refused": "拒报", "adopted": "被采用"}


def contribute(s: Slice) -> None:
    table = s.scoring.commissions
    if table is None or s.stage != "base":
        return
    s.sheet.add(KEY, LABEL, 0)
    for c in s.commissions:
        if not s.within(c.on):
            continue
        keys = [c.outcome] + (["sent"] if c.outcome in ("on_time", "late") else [])
        for key in keys:
            value = points_for(getattr(table, key), c.kind)
            if value is None:
                s.sheet.warn(f"约稿“{c.commission}”的类别“{c.kind or '未填'}”不在 commissions.{key} 中，按 0 分计"
                             f" / commission kind not configured, scored 0")
                continue
            if value:
                s.sheet.add(KEY, LABEL, value, f"{c.commission}：{_LABELS.get(key, '报送')}")
