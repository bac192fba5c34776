"""Working days (工作日) in China: the official holidays and make-up working days (调休). Pure.

The ``chinese-calendar`` package knows the State Council's arrangement up to the year of its release;
the admin adds later years in settings.yaml (``commissions.calendar``), and those entries also
override the package for the days they name. A year nobody knows is refused, never guessed from
weekends alone (Spring Festival would be counted as working days).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

from baosong.config.commissions import YearCalendar
from baosong.messages import say


class UnknownYear(ValueError):
    """The working days of this year are not known: neither the package nor the config has them."""

    def __init__(self, year: int) -> None:
        super().__init__(say("ledger.unknown_holidays", year=year))
        self.year = year


def _package_years() -> range:
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


@dataclass(frozen=True)
class WorkCalendar:
    """``extra_holidays`` / ``extra_workdays``: the admin's dates by year (config ``commissions.calendar``)."""

    extra_holidays: Mapping[int, frozenset[date]] = field(default_factory=dict)
    extra_workdays: Mapping[int, frozenset[date]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, calendar: Mapping[int, YearCalendar]) -> WorkCalendar:
        return cls({y: frozenset(c.holidays) for y, c in calendar.items()},
                   {y: frozenset(c.workdays) for y, c in calendar.items()})

    def knows(self, year: int) -> bool:
        return year in self.extra_holidays or year in self.extra_workdays or year in _package_years()

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays.get(day.year, ()):
            return True
        if day in self.extra_holidays.get(day.year, ()):
            return False
        if day.year in _package_years():
            return bool(chinese_calendar.is_workday(day))
        if day.year in self.extra_holidays or day.year in self.extra_workdays:
            return day.weekday() < 5
        raise UnknownYear(day.year)

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted): 3个工作日内."""
        if count < 1:
            raise ValueError(say("ledger.working_days_positive"))

        day, found = start, 0
        while found < count:
            day += timedelta(days=1)
            if self.is_workday(day):
                found += 1
        return day
