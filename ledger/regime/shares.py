"""Joint items: points of an item several units wrote together (or sent identically) split equally.

文化常州：“由多个被考核单位合作完成的信息，或者几个单位和处室报送的是相同信息，
得分按参与单位、处室数平均分配”。``joint_split: full`` gives every unit the whole points.
"""

from __future__ import annotations

from collections.abc import Iterator

from .context import Slice


def credit_pieces(s: Slice, totals: dict[int, float],
                  sharing: dict[int, tuple[str, ...]]) -> Iterator[tuple[int, float, tuple[str, ...]]]:
    """(piece, the unit's share of its points, the units sharing) for each piece credited to the unit."""
    name = s.unit.name
    alone = (name,)
    equal = s.scoring.joint_split == "equal"
    for pid, points in totals.items():
        units = sharing.get(pid, alone)
        if name not in units:
            continue
        yield pid, (points / len(units) if equal else points), units
