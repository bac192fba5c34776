"""Timeliness of commissions and deadlines: pure functions over plain values.

Deadlines are read in the office's time zone; the times compared are the provider's receipt times
(INTERNALDATE), never a sender's Date header. A piece received exactly at the deadline is on time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from baosong.messages import say
from baosong.vocabulary import CommissionStatus

from .workdays import WorkCalendar

_WORKING_DAYS = re.compile(r"^\s*(\d+)\s*(?:个)?\s*工作日\s*(?:内)?\s*$")


@dataclass(frozen=True)
class Deadline:
    when: datetime            # aware, in the office's time zone
    text: str                 # as the office gave it ("2026-12-05 17:00", "3工作日")
    working_days: int | None  # given as a number of working days


def parse_deadline(text: str, *, now: datetime, tz: ZoneInfo, default_time: time,
                   calendar: WorkCalendar) -> Deadline:
    """"2026-12-05 17:00", "2026-12-05" (at ``default_time``), an ISO time with offset, or "3工作日"
    (the 3rd working day after today, at ``default_time``). Raises ValueError (bilingual) on bad input."""
    m = _WORKING_DAYS.match(text)
    if m:
        return working_days_deadline(int(m.group(1)), now=now, tz=tz, default_time=default_time,
                                     calendar=calendar, text=text.strip())
    value = text.strip().replace("／", "-").replace("/", "-")
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            day = date(*map(int, value.split("-")))
            return Deadline(datetime.combine(day, default_time, tz), text.strip(), None)
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(say("ledger.bad_deadline", text=text)) from None

    when = when.replace(tzinfo=tz) if when.tzinfo is None else when.astimezone(tz)
    return Deadline(when, text.strip(), None)


def working_days_deadline(count: int, *, now: datetime, tz: ZoneInfo, default_time: time,
                          calendar: WorkCalendar, text: str | None = None) -> Deadline:
    day = calendar.add_working_days(now.astimezone(tz).date(), count)
    return Deadline(datetime.combine(day, default_time, tz), text or f"{count}工作日", count)


def unit_status(*, deadline: datetime, now: datetime, linked: Iterable[datetime], refused: bool = False,
                closed_at: datetime | None = None) -> CommissionStatus:
    """One addressed unit's status on one commission.

    refused (marked by the office) wins; else on_time if the first linked piece arrived by the
    deadline, late if it arrived after; with nothing linked, open until the deadline (or the
    office's closing, if earlier) has passed, then missed. Pieces received after ``now`` are not
    yet known (a status asked for as of an earlier time).
    """
    if refused:
        return CommissionStatus.REFUSED
    times = sorted(t for t in linked if t <= now)
    if times:
        return CommissionStatus.ON_TIME if times[0] <= deadline else CommissionStatus.LATE
    ends = deadline if closed_at is None else min(deadline, closed_at)
    return CommissionStatus.OPEN if now < ends else CommissionStatus.MISSED
