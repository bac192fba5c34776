"""Scoring periods: which instants belong to a month, in the office's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from baosong.messages import say

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
            raise ValueError(say("ledger.bad_month", text=text))
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
        return say("ledger.month_label", year=self.year, month=self.month)


# ------------------------------------------------------------------ periods of any length

KINDS = ("week", "month", "quarter", "half", "year")
_ORDER = {k: i for i, k in enumerate(KINDS)}
_QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})\s*[Hh]([12])$")
_YEAR = re.compile(r"^(\d{4})$")
# the label of each quarter and half, by number
_QUARTER_LABELS = ("ledger.quarter_1_label", "ledger.quarter_2_label", "ledger.quarter_3_label",
                   "ledger.quarter_4_label")
_HALF_LABELS = ("ledger.half_1_label", "ledger.half_2_label")


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class ScoringYear:
    """A custom scoring year, month-aligned: e.g. 1 January – 30 November (长春高新区).

    ``start_month`` is the first month, ``months`` how many months it lasts (1–12).
    A scoring year named 2026 starts in 2026 unless ``start_month`` lies after the
    last month, in which case it starts the year before (e.g. 12月–11月).
    """

    start_month: int = 1
    months: int = 12

    def span(self, year: int) -> tuple[date, date]:
        start = date(year, self.start_month, 1)
        end = _add_months(start, self.months)
        if self.start_month + self.months - 1 > 12:
            # a year that wraps (12月–11月) is named after the year it ends in
            start = date(year - 1, self.start_month, 1)
            end = _add_months(start, self.months)
        return start, end


CALENDAR_YEAR = ScoringYear()


@dataclass(frozen=True, order=True)
class Period:
    """A scoring period: ``[start, end)`` in calendar days of the office's time zone."""

    start: date
    end: date
    kind: str
    name: str

    # --- constructors -------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = date(year, month, 1)
        return cls(start, _add_months(start, 1), "month", f"{year:04d}-{month:02d}")

    @classmethod
    def of_month(cls, m: Month) -> Period:
        return cls.month(m.year, m.month)

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        start = date(year, 3 * (q - 1) + 1, 1)
        return cls(start, _add_months(start, 3), "quarter", f"{year:04d}Q{q}")

    @classmethod
    def half(cls, year: int, h: int) -> Period:
        start = date(year, 6 * (h - 1) + 1, 1)
        return cls(start, _add_months(start, 6), "half", f"{year:04d}H{h}")

    @classmethod
    def year(cls, year: int, scoring_year: ScoringYear = CALENDAR_YEAR) -> Period:
        start, end = scoring_year.span(year)
        return cls(start, end, "year", f"{year:04d}")

    @classmethod
    def week(cls, monday: date) -> Period:
        iso = monday.isocalendar()
        return cls(monday, monday + timedelta(days=7), "week", f"{iso.year:04d}W{iso.week:02d}")

    @classmethod
    def parse(cls, kind: str, text: str, scoring_year: ScoringYear = CALENDAR_YEAR) -> Period:
        """Parse ``2026-10`` (month), ``2026Q4`` (quarter), ``2026H2`` (half) or ``2026`` (year)."""
        text = text.strip()
        if kind == "month":
            m = Month.parse(text)
            return cls.month(m.year, m.month)
        pattern, problem = {
            "quarter": (_QUARTER, "ledger.bad_quarter"),
            "half": (_HALF, "ledger.bad_half"),
            "year": (_YEAR, "ledger.bad_year"),
        }[kind]
        match = pattern.match(text)
        if not match:
            raise ValueError(say(problem, text=text))
        year = int(match.group(1))
        if kind == "year":
            return cls.year(year, scoring_year)
        return (cls.quarter if kind == "quarter" else cls.half)(year, int(match.group(2)))

    @classmethod
    def enclosing(cls, kind: str, day: date, scoring_year: ScoringYear = CALENDAR_YEAR) -> Period | None:
        """The calendar period of ``kind`` holding ``day`` (the scoring year for ``year``; None outside any)."""
        if kind == "week":
            return cls.week(day - timedelta(days=day.weekday()))
        if kind == "month":
            return cls.month(day.year, day.month)
        if kind == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == "half":
            return cls.half(day.year, (day.month - 1) // 6 + 1)
        for y in (day.year, day.year + 1):
            candidate = cls.year(y, scoring_year)
            if candidate.contains(day):
                return candidate
        return None

    # --- queries ------------------------------------------------------------

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants, the days taken in ``tz``."""
        start = datetime(self.start.year, self.start.month, self.start.day, tzinfo=tz)
        end = datetime(self.end.year, self.end.month, self.end.day, tzinfo=tz)
        return start.astimezone(timezone.utc), end.astimezone(timezone.utc)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def covers(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def longer_than(self, kind: str) -> bool:
        return _ORDER[self.kind] > _ORDER[kind]

    def parts(self, kind: str) -> list[Period]:
        """The calendar periods of ``kind`` that lie wholly inside this period, in order.

        Weeks are Monday–Sunday and belong to the period holding their Thursday
        (the ISO rule), so every week is judged in exactly one month, quarter or year.
        """
        if kind == self.kind and kind != "year":
            return [self]
        if kind == "week":
            thursday = self.start + timedelta(days=(3 - self.start.weekday()) % 7)
            weeks = []
            while thursday < self.end:
                weeks.append(Period.week(thursday - timedelta(days=3)))
                thursday += timedelta(days=7)
            return weeks
        if kind == "year":
            return [self] if self.kind == "year" else []
        step = {"month": 1, "quarter": 3, "half": 6}[kind]
        out: list[Period] = []
        cursor = date(self.start.year, self.start.month, 1)
        while cursor < self.end:
            first = date(cursor.year, ((cursor.month - 1) // step) * step + 1, 1)
            part = {"month": lambda d: Period.month(d.year, d.month),
                    "quarter": lambda d: Period.quarter(d.year, (d.month - 1) // 3 + 1),
                    "half": lambda d: Period.half(d.year, (d.month - 1) // 6 + 1)}[kind](first)
            if self.covers(part) or (self.kind == "year" and part.start >= self.start):
                # a custom scoring year that ends mid-quarter judges that quarter as far as it goes
                out.append(part if self.covers(part) else Period(part.start, self.end, part.kind, part.name))
            cursor = part.end
        return out

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        y = self.start.year
        if self.kind == "month":
            return say("ledger.month_label", year=y, month=self.start.month)
        if self.kind == "quarter":
            return say(_QUARTER_LABELS[(self.start.month - 1) // 3], year=y)
        if self.kind == "half":
            return say(_HALF_LABELS[0 if self.start.month == 1 else 1], year=y)
        if self.kind == "year":
            return say("ledger.year_label", year=self.name)
        return say("ledger.week_label", start=self.start.isoformat())

