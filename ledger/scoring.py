"""Scores: computed from ledger events plus the regime in scoring.yaml. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from baosong.config.schema import Scoring


@dataclass(frozen=True)
class UnitRef:
    name: str
    short: str | None
    class_: str


@dataclass(frozen=True)
class PieceEvent:
    """A piece submitted in the period."""

    unit: str
    category: str | None


@dataclass(frozen=True)
class CreditEvent:
    """A scoring event in the period: an adoption (kind='outlet') or an instruction (kind='instruction')."""

    unit: str
    piece_id: int
    kind: str
    key: str


@dataclass(frozen=True)
class UnitScore:
    unit: str
    short: str | None
    class_: str
    submitted: int
    adopted: int
    score: float
    rank: int

    def as_json(self) -> dict:
        return {
            "unit": self.unit,
            "class": self.class_,
            "submitted": self.submitted,
            "adopted": self.adopted,
            "score": self.score,
            "rank": self.rank,
        }


def credit_points(credits: Iterable[CreditEvent], scoring: Scoring) -> dict[int, float]:
    """Points per piece: outlet points summed; instruction points accumulated or the highest taken."""
    outlet: dict[int, float] = {}
    instruction: dict[int, list[float]] = {}
    for c in credits:
        if c.kind == "outlet":
            outlet[c.piece_id] = outlet.get(c.piece_id, 0.0) + scoring.outlets[c.key]
        elif c.kind == "instruction":
            instruction.setdefault(c.piece_id, []).append(scoring.instructions[c.key])
        else:
            raise ValueError(f"unknown credit kind {c.kind!r}")
    points = dict(outlet)
    for piece_id, values in instruction.items():
        extra = sum(values) if scoring.instruction_mode == "accumulate" else max(values)
        points[piece_id] = points.get(piece_id, 0.0) + extra
    return points


def _rank(scores: Sequence[float]) -> list[int]:
    """Standard competition ranking (1, 2, 2, 4) of scores given in descending order."""
    ranks: list[int] = []
    for i, s in enumerate(scores):
        ranks.append(ranks[-1] if i and s == scores[i - 1] else i + 1)
    return ranks


def score_period(
    units: Sequence[UnitRef],
    pieces: Iterable[PieceEvent],
    credits: Iterable[CreditEvent],
    scoring: Scoring,
) -> list[UnitScore]:
    """Per unit: pieces submitted, pieces adopted and score; ranked within class.

    Classes come out in scoring.yaml's order; within a class by score descending,
    ties sharing a rank and listed in units.yaml order.
    """
    credits = list(credits)
    submitted: dict[str, int] = {}
    for p in pieces:
        submitted[p.unit] = submitted.get(p.unit, 0) + 1
    piece_unit = {c.piece_id: c.unit for c in credits}
    adopted_pieces: dict[str, set[int]] = {}
    for c in credits:
        if c.kind == "outlet":
            adopted_pieces.setdefault(c.unit, set()).add(c.piece_id)
    score: dict[str, float] = {}
    for piece_id, pts in credit_points(credits, scoring).items():
        unit = piece_unit[piece_id]
        score[unit] = score.get(unit, 0.0) + pts

    class_order = {k: i for i, k in enumerate(scoring.classes)}
    result: list[UnitScore] = []
    by_class: dict[str, list[UnitRef]] = {}
    for u in units:
        by_class.setdefault(u.class_, []).append(u)
    for class_ in sorted(by_class, key=lambda k: (class_order.get(k, len(class_order)), k)):
        # sorted() is stable: tied units keep their units.yaml order
        members = sorted(by_class[class_], key=lambda u: -score.get(u.name, 0.0))
        ranks = _rank([score.get(u.name, 0.0) for u in members])
        for u, rank in zip(members, ranks, strict=True):
            result.append(
                UnitScore(
                    unit=u.name,
                    short=u.short,
                    class_=class_,
                    submitted=submitted.get(u.name, 0),
                    adopted=len(adopted_pieces.get(u.name, ())),
                    score=_tidy(score.get(u.name, 0.0)),
                    rank=rank,
                )
            )
    return result


def _tidy(value: float) -> float | int:
    """Show whole points as integers in JSON and tables (15, not 15.0)."""
    return int(value) if float(value).is_integer() else round(value, 2)
