"""The time span of an export: a scoring period of ledger/periods (month, quarter, half-year, year) or the
months a whole ledger covers, as [first day, day after) in the office's time zone.

The summary scores each of ``parts()`` under the regime and adds them up: one part for a named period
(scored as ``score`` scores it), one per month for the whole ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from baosong.ledger.periods import CALENDAR_YEAR, Month, Period, ScoringYear
from baosong.messages import say


@dataclass(frozen=True)
class Span:
    label: str   # 2026年10月, 2026年第四季度, 2026年
    key: str     # 2026-10, 2026Q4, 2026 (file names)
    first: date
    after: date
    period: Period | None = None  # None: the months of the whole ledger

    def months(self) -> list[Month]:
        out, m = [], Month(self.first.year, self.first.month)
        while m.first_day() < self.after:
            out.append(m)
            m = m.next()
        return out

    def parts(self) -> list[Period]:
        """What the summary scores: the period itself, or each month of a whole-ledger span."""
        return [self.period] if self.period is not None else [Period.of_month(m) for m in self.months()]

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime(self.first.year, self.first.month, self.first.day, tzinfo=tz)
        end = datetime(self.after.year, self.after.month, self.after.day, tzinfo=tz)
        return start.astimezone(timezone.utc), end.astimezone(timezone.utc)

    def contains(self, day: date) -> bool:
        return self.first <= day < self.after


def period_span(period: Period) -> Span:
    return Span(period.label, period.name, period.start, period.end, period)


def parse_span(kind: str, text: str, scoring_year: ScoringYear = CALENDAR_YEAR) -> Span:
    """``--month 2026-10``, ``--quarter 2026Q4``, ``--half 2026H2``, ``--year 2026`` (the regime's scoring year)."""
    return period_span(Period.parse(kind, text, scoring_year))


def month_span(month: Month) -> Span:
    return period_span(Period.of_month(month))


def quarter_span(text: str) -> Span:
    return parse_span("quarter", text)


def year_span(text: str, scoring_year: ScoringYear = CALENDAR_YEAR) -> Span:
    return parse_span("year", text, scoring_year)


def months_span(first: Month, last: Month) -> Span:
    """From the first day of ``first`` to the end of ``last`` (an export of the whole ledger)."""
    label = first.label if first == last else say("excel.span_months", first=first.label, last=last.label)

    return Span(label, f"{first}_{last}", first.first_day(), last.next().first_day())
