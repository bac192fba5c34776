"""What a regime scores: plain values read from the ledger (or built by hand in tests).

Every scoring input is an event with a unit and a day. The ledger's I/O edge
(:mod:`baosong.ledger.scoring_events`) turns rows into these; the regime's pure
components (one module per concept in this package) turn them into points.

Events for commissions, endorsements and adjustments are defined here so the
components can consume them; whichever command records them only has to feed
these values in (see each class).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal


@dataclass(frozen=True)
class UnitRef:
    name: str
    short: str | None
    class_: str
    group: str | None = None
    counts_for: str | None = None   # a direct reporting point's town or department


@dataclass(frozen=True)
class PieceEvent:
    """A piece submitted. ``day`` is the received day in the office's time zone.

    ``counts`` is False for a piece that does not count toward quotas (void,
    superseded by a revision, late or poor where a regime says so).

    ``n`` is how many pieces the event stands for: the ledger reads a period's pieces grouped
    (per unit, category and day or month, ``ledger/scoring_events.py``), one event per group;
    an event built by hand is one piece.
    """

    unit: str
    category: str | None
    piece_id: int | None = None
    day: date | None = None
    counts: bool = True
    n: int = 1


@dataclass(frozen=True)
class AdoptionEvent:
    """An outlet (刊物/网站/媒体) adopted a piece on ``on``.

    ``piece_type`` is the type the outlet table is keyed by when its points differ
    by type (动态类/综合类): the piece's recorded type, else its category.
    ``units`` lists every unit sharing the credit of a joint item (the submitting
    unit first); empty means the submitting unit alone.
    """

    piece_id: int
    unit: str
    outlet: str
    on: date
    piece_type: str | None = None
    units: tuple[str, ...] = ()

    @property
    def sharing(self) -> tuple[str, ...]:
        return self.units or (self.unit,)


@dataclass(frozen=True)
class InstructionEvent:
    """A leader's instruction (批示) on a piece, at a level named in scoring.yaml."""

    piece_id: int
    unit: str
    level: str
    on: date
    units: tuple[str, ...] = ()

    @property
    def sharing(self) -> tuple[str, ...]:
        return self.units or (self.unit,)


CommissionOutcome = Literal["on_time", "late", "missed", "refused", "adopted"]


@dataclass(frozen=True)
class CommissionEvent:
    """The outcome of one commission (约稿) for one addressed unit.

    One event per addressed unit and commission once its status is settled, dated
    the day of the commission's deadline (a commission counts in the period of its
    deadline, whenever its piece came: ``ledger/scoring_events.py``), and one
    ``adopted`` event, dated the adoption day, when the commissioned piece is
    adopted. ``kind`` is the commission's kind (信息/调研报告/网站专题) for regimes
    whose points differ by kind.
    """

    unit: str
    commission: str
    outcome: CommissionOutcome
    on: date
    kind: str | None = None


@dataclass(frozen=True)
class EndorsementEvent:
    """The unit's principal (主要负责同志) or deputy (分管负责同志) endorsed (批示) a notice."""

    unit: str
    by: Literal["principal", "deputy"]
    on: date
    note: str | None = None


@dataclass(frozen=True)
class AdjustmentEvent:
    """An adjustment named in scoring.yaml's ``adjustments`` recorded for a unit.

    ``done`` says whether a yearly task was done (年度培训 +10 / −10); events of
    per-occurrence adjustments (信息失实 −30) leave it None.
    """

    unit: str
    key: str
    on: date
    done: bool | None = None
    note: str | None = None


@dataclass(frozen=True)
class Events:
    """Everything a regime scores, for one period (pieces with a few days' margin for weekly quotas)."""

    pieces: tuple[PieceEvent, ...] = ()
    adoptions: tuple[AdoptionEvent, ...] = ()
    instructions: tuple[InstructionEvent, ...] = ()
    commissions: tuple[CommissionEvent, ...] = ()
    endorsements: tuple[EndorsementEvent, ...] = ()
    adjustments: tuple[AdjustmentEvent, ...] = field(default=())
    # the scoring instant as the office's calendar day (``score --at``, else today): a quota's sub-period
    # that has not ended by then is progress only (regime/quotas.py); None judges every sub-period
    as_of: date | None = None
    # the first day the ledger is the office's record (settings.yaml ``ledger_start``): a quota's sub-period
    # beginning before it is progress only, like one not yet ended; None: the ledger holds every period
    since: date | None = None
