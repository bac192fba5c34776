"""The ``commissions:`` section of settings.yaml: 约稿 numbering, notice wording, working-day calendar,
periodic deadlines. Validated with bilingual messages like the rest of the schema.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from baosong.messages import say

_TIME = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def parse_clock(value: str) -> time:
    """"17:30" -> 17:30; "24:00" -> the last instant of the day."""
    m = _TIME.match(value.strip())
    if not m or (m.group(1) == "24" and m.group(2) != "00"):
        raise ValueError(say("config.bad_clock", value=repr(value)))
    hour, minute = int(m.group(1)), int(m.group(2))
    return time(23, 59, 59, 999999) if hour == 24 else time(hour, minute)


def _check_clock(value: str) -> str:
    parse_clock(value)
    return value.strip()


class YearCalendar(_Model):
    """One year's official arrangement (国务院办公厅 节假日安排), for years the chinese-calendar package
    does not know yet: the days off and the make-up working days (调休)."""

    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disjoint(self) -> YearCalendar:
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(say("config.holiday_and_workday", dates="、".join(map(str, both))))
        return self


class PeriodicMatch(_Model):
    """What counts as the unit's submission for a periodic deadline: a piece of one of these categories,
    or whose subject, file name or title contains one of these words."""

    categories: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> PeriodicMatch:
        if not self.categories and not self.keywords:
            raise ValueError(say("config.periodic_match_empty"))
        return self


class PeriodicDeadline(_Model):
    """A deadline the regulations repeat, e.g. the tobacco quarterly report by the 20th of a quarter's last
    month (every: quarter, month: 3, day: 20), Changzhou's outside-media list by 10 December (every: year,
    month: 12, day: 10)."""

    name: str = Field(min_length=1)
    every: Literal["month", "quarter", "half", "year"]
    month: int = Field(default=1, ge=1, le=12)  # the month within the period (quarter: 1-3, half: 1-6)
    day: int = Field(ge=1, le=31)
    time: str = "24:00"
    units: list[str] = Field(default_factory=list)    # unit names or shorts
    classes: list[str] = Field(default_factory=list)  # unit classes; neither: every unit
    match: PeriodicMatch

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        return _check_clock(v)

    @model_validator(mode="after")
    def _month_in_period(self) -> PeriodicDeadline:
        length = {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.every]
        if self.month > length:
            raise ValueError(say("config.month_beyond_period", every=self.every, length=length, month=self.month))
        return self


class CommissionsConfig(_Model):
    # the short number of a commission; {year} and {seq} are filled in, numbering restarts every year
    number_format: str = "约稿〔{year}〕{seq}号"
    # the tag units put in a subject or file name: 【约稿】
    tag: str = Field(default="约稿", min_length=1)
    kinds: list[str] = Field(default_factory=lambda: ["信息", "调研报告", "网站专题"], min_length=1)
    # the contact printed on the notice when `commission new` gives no --contact
    contact: str | None = None
    # the mailbox printed on the notice; empty: the first mailbox's username when it is an address
    mailbox: str | None = None
    # the notice goes to the unit's registered addresses; also to its principal (in copy) when true
    cc_principal: bool = False
    # a date without an hour, and a deadline in working days, end at this time
    deadline_time: str = "17:30"
    # 【约稿】 links a piece when at least this many two-character pieces of the topic appear in it
    topic_min_shared: int = Field(default=2, ge=1, le=20)
    # two-character pieces of a topic too common to tell commissions apart
    topic_ignore: list[str] = Field(default_factory=lambda: [
        "工作", "情况", "开展", "有关", "关于", "推进", "落实", "报送", "信息", "相关", "进展", "做法"])
    # years chinese-calendar does not know yet: {2027: {holidays: [...], workdays: [...]}}
    calendar: dict[int, YearCalendar] = Field(default_factory=dict)
    periodic: list[PeriodicDeadline] = Field(default_factory=list)

    @field_validator("deadline_time")
    @classmethod
    def _deadline_time(cls, v: str) -> str:
        return _check_clock(v)

    @field_validator("number_format")
    @classmethod
    def _number_format(cls, v: str) -> str:
        fields = re.findall(r"\{([^{}]*)\}", v)
        if sorted(fields) != ["seq", "year"]:
            raise ValueError(say("config.number_format_fields"))
        if not re.sub(r"\{(year|seq)\}", "", v).strip():
            raise ValueError(say("config.number_format_text"))
        return v

    @field_validator("calendar")
    @classmethod
    def _calendar_years(cls, v: dict[int, YearCalendar]) -> dict[int, YearCalendar]:
        for year, cal in v.items():
            wrong = [d for d in (*cal.holidays, *cal.workdays) if d.year != year]
            if wrong:
                raise ValueError(say("config.calendar_wrong_year", year=year, dates="、".join(map(str, wrong))))
        return v

    @field_validator("periodic")
    @classmethod
    def _unique_names(cls, v: list[PeriodicDeadline]) -> list[PeriodicDeadline]:
        names = [p.name for p in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(say("config.duplicate_periodic", names="、".join(dupes)))
        return v

    def format_number(self, year: int, seq: int) -> str:
        return self.number_format.format(year=year, seq=seq)
