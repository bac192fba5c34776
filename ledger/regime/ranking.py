"""Ranks within a class (and within a group such as 镇街): 1, 2, 2, 4 for ties."""

from __future__ import annotations

from collections.abc import Sequence


def competition_ranks(scores: Sequence[float]) -> list[int]:
    """Standard competition ranking of scores given in descending order."""
    ranks: list[int] = []
    for i, s in enumerate(scores):
        ranks.append(ranks[-1] if i and s == scores[i - 1] else i + 1)
    return ranks


def ranks_by(keys: Sequence[str | None], scores: Sequence[float]) -> list[int | None]:
    """Each item's rank among the items sharing its key (None for a None key)."""
    out: list[int | None] = [None] * len(scores)
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k is not None:
            groups.setdefault(k, []).append(i)
    for members in groups.values():
        ordered = sorted(members, key=lambda i: -scores[i])
        for i, r in zip(ordered, competition_ranks([scores[i] for i in ordered]), strict=True):
            out[i] = r
    return out
