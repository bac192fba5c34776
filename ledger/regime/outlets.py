"""Adoption points: each outlet's points (optionally by piece type), per piece summed or the highest.

Escalation (信息逐级上报，可重复计分): each level that adopts the piece is its own
outlet, so recording each adoption scores each level; ``outlet_mode: highest``
keeps only the best adoption of a piece instead. A joint item's points are split
by :mod:`.shares`. History naming an outlet no longer in scoring.yaml scores 0
with a warning instead of failing.
"""

from __future__ import annotations

from .context import Slice, points_for
from .shares import credit_pieces

KEY, LABEL = "outlets", "采用"


def contribute(s: Slice) -> None:
    if s.stage != "base":
        return
    table = s.scoring.outlets
    contains = s.period.contains
    per_piece: dict[int, list[float]] = {}
    sharing: dict[int, tuple[str, ...]] = {}
    for a in s.adoptions:
        if a.on is not None and not contains(a.on):  # Slice.within, inline (a month's ~3,000 adoptions)
            continue
        value = table.get(a.outlet)
        points: float | None
        if value is None:
            s.sheet.warn(f"刊物“{a.outlet}”已不在 scoring.yaml 中，稿件 {a.piece_id} 的这次采用按 0 分计"
                         f" / outlet no longer configured, scored 0")
            s.sheet.add("unconfigured", "未配置的记录（按0分）", 0, f"刊物：{a.outlet}")
            points = 0.0
        else:
            points = points_for(value, a.piece_type)
            if points is None:
                s.sheet.warn(f"稿件 {a.piece_id} 的类型{('“' + a.piece_type + '”') if a.piece_type else ''}"
                             f"不在“{a.outlet}”的分值表中，按 0 分计（可用 adopt --type 补登类型）"
                             f" / piece type unknown for this outlet, scored 0")
                s.sheet.add("unconfigured", "未配置的记录（按0分）", 0, f"类型未知：稿件 {a.piece_id}")
                points = 0.0
        pid = a.piece_id
        if pid in per_piece:
            per_piece[pid].append(points)
        else:
            per_piece[pid] = [points]
        sharing[pid] = a.units or (a.unit,)  # AdoptionEvent.sharing, inline
    if not per_piece:
        s.sheet.add(KEY, LABEL, 0)
        return
    highest = s.scoring.outlet_mode == "highest"
    totals = {pid: (max(v) if highest else sum(v)) for pid, v in per_piece.items()}
    add = s.sheet.add
    for pid, pts, share in credit_pieces(s, totals, sharing):
        add(KEY, LABEL, pts, f"稿件 {pid}" + (f"（{len(share)} 个单位平分）" if len(share) > 1 else ""))
