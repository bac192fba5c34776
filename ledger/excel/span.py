"""The time span of an export: a month, a quarter or a year, as [first day, day after) in the office's time zone.

A small stand-in until ledger/periods has Quarter, Half and Year (the regimes work): the CLI parses
``--month 2026-10``, ``--quarter 2026Q4`` and ``--year 2026`` into a Span, and everything here reads
only ``first``, ``after``, ``months()`` and ``label``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from baosong.ledger.periods import Month

_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Span:
    label: str   # 2026年10月, 2026年第四季度, 2026年
    key: str     # 2026-10, 2026Q4, 2026 (file names)
    first: date
    after: date

    def months(self) -> list[Month]:
        out, m = [], Month(self.first.year, self.first.month)
        while m.first_day() < self.after:
            out.append(m)
            m = m.next()
        return out

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime(self.first.year, self.first.month, self.first.day, tzinfo=tz)
        end = datetime(self.after.year, self.after.month, self.after.day, tzinfo=tz)
        return start.astimezone(timezone.utc), end.astimezone(timezone.utc)

    def contains(self, day: date) -> bool:
        return self.first <= day < self.after


def month_span(month: Month) -> Span:
    return Span(month.label, str(month), month.first_day(), month.next().first_day())


def quarter_span(text: str) -> Span:
    m = _QUARTER.match(text.strip())
    if not m:
        raise ValueError(f"季度格式应为 YYYYQn（例如 2026Q4），收到 {text!r} / quarter must be YYYYQn")
    year, q = int(m.group(1)), int(m.group(2))
    names = "一二三四"
    first = date(year, 3 * q - 2, 1)
    after = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return Span(f"{year}年第{names[q - 1]}季度", f"{year}Q{q}", first, after)


def year_span(text: str) -> Span:
    m = _YEAR.match(text.strip())
    if not m:
        raise ValueError(f"年份格式应为 YYYY（例如 2026），收到 {text!r} / year must be YYYY")
    year = int(m.group(1))
    return Span(f"{year}年", str(year), date(year, 1, 1), date(year + 1, 1, 1))


def months_span(first: Month, last: Month) -> Span:
    """From the first day of ``first`` to the end of ``last`` (an export of the whole ledger)."""
    label = first.label if first == last else f"{first.label}至{last.label}"
    return Span(label, f"{first}_{last}", first.first_day(), last.next().first_day())
