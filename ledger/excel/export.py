"""`baosong ledger export`: the 台账 of a span (or the whole ledger) and its summary, to one .xlsx file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baosong.config.commissions import PeriodicDeadline
from baosong.config.schema import Scoring
from baosong.messages import say

from ..models import Piece
from ..periods import Month, Period
from ..scoring import UnitScore, ledger_scores
from ..scoring_events import scoring_units
from .rows import ledger_rows
from .span import Span, months_span
from .summary import summary_rows
from .workbook import write_workbook


@dataclass(frozen=True)
class Exported:
    path: Path
    span: Span | None
    pieces: int
    units: int


def whole_ledger_span(session: Session, tz: ZoneInfo) -> Span | None:
    first, last = session.execute(select(func.min(Piece.received_at), func.max(Piece.received_at))).one()
    if first is None:
        return None
    return months_span(Month.of(first, tz), Month.of(last, tz))


def export_ledger(session: Session, span: Span | None, path: Path, scoring: Scoring, tz: ZoneInfo,
                  groups: Mapping[str, str | None] | None = None,
                  counts_for: Mapping[str, str | None] | None = None, now: datetime | None = None,
                  periodic: Sequence[PeriodicDeadline] = (), since: date | None = None) -> Exported:
    """Write the workbook; ``span`` None: every piece, the summary over the months they span.

    ``groups`` and ``counts_for`` come from units.yaml (as for ``score``); ``now`` decides commission
    statuses (default: the current time); ``since``: the ledger's first day, as for ``score``."""
    covered = span or whole_ledger_span(session, tz)
    rows = ledger_rows(session, span, tz, now)
    units = scoring_units(session, groups, counts_for)

    def month_scores(period: Period) -> list[UnitScore]:
        return ledger_scores(session, period, scoring, tz, now=now, periodic=periodic, units=units, since=since)

    labels = {k: (c.label or say("excel.class_label", key=k)) for k, c in scoring.classes.items()}
    summary = summary_rows(covered, month_scores, rows, scoring, labels) if covered else []
    title = covered.label if span is not None and covered else (say("excel.whole_ledger") if covered is None
                                                                else covered.label)

    write_workbook(path, title, rows, summary)
    return Exported(path, span, len(rows), len(summary))
