"""Leader instructions (批示): points per level; several on one piece accumulate or the highest counts."""

from __future__ import annotations

from .context import Slice
from .shares import credit_pieces

KEY, LABEL = "instructions", "领导批示"


def contribute(s: Slice) -> None:
    if s.stage != "base":
        return
    table = s.scoring.instructions
    contains = s.period.contains
    per_piece: dict[int, list[float]] = {}
    sharing: dict[int, tuple[str, ...]] = {}
    for i in s.instructions:
        if i.on is not None and not contains(i.on):  # Slice.within, inline
            continue
        value = table.get(i.level)
        if value is None:
            s.sheet.warn(f"批示级别“{i.level}”已不在 scoring.yaml 中，稿件 {i.piece_id} 的这次批示按 0 分计"
                         f" / instruction level no longer configured, scored 0")
            s.sheet.add("unconfigured", "未配置的记录（按0分）", 0, f"批示：{i.level}")
            value = 0.0
        per_piece.setdefault(i.piece_id, []).append(value)
        sharing[i.piece_id] = i.units or (i.unit,)  # .sharing, inline
    highest = s.scoring.instruction_mode == "highest"
    totals = {pid: (max(v) if highest else sum(v)) for pid, v in per_piece.items()}
    for pid, pts, _ in credit_pieces(s, totals, sharing):
        s.sheet.add(KEY, LABEL, pts, f"稿件 {pid}")
    if not per_piece and s.scoring.instructions:
        s.sheet.add(KEY, LABEL, 0)
