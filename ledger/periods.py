"""Scoring periods: which instants belong to a month, in the office's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

# A scoring period as a range of days [first, after): a month, a quarter, a year, a custom scoring year.
DaySpan = tuple[date, date]


def instants(span: DaySpan, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a range of days as UTC instants, the days taken in ``tz`` (midnight to midnight)."""
    first, after = span
    start = datetime(first.year, first.month, first.day, tzinfo=tz)
    end = datetime(after.year, after.month, after.day, tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        m = _MONTH.match(text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"月份格式应为 YYYY-MM（例如 2026-10），收到 {text!r} / month must be YYYY-MM")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, when: datetime | date, tz: ZoneInfo) -> Month:
        if isinstance(when, datetime):
            when = when.astimezone(tz)
        return cls(when.year, when.month)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def span(self) -> tuple[date, date]:
        """[first day, first day of the next month): the month as a range of days."""
        return self.first_day(), self.next().first_day()

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) of the month as UTC instants, the month taken in ``tz``."""
        return instants(self.span(), tz)

    def contains(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"
