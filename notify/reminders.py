"""Reminders: to addressed units that have not answered a commission N hours before its deadline, and an
optional mid-month note to units behind their quota pace. Pure functions returning mails (the same
``NoticeMail`` as the notice), each with a key that makes it go out once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from baosong.ledger.periods import Month
from baosong.ledger.scoring import UnitScore
from baosong.messages import say

from .monthly import NoticeMail
from .render import render


@dataclass(frozen=True)
class OpenCommission:
    """One addressed unit that has not answered (status open) one commission."""

    number: str
    topic: str
    deadline: datetime          # in the office's time zone
    unit: str
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()


def due(items: Sequence[OpenCommission], *, now: datetime, hours: float) -> list[OpenCommission]:
    """The open items whose deadline is at most ``hours`` away and not yet passed (0 hours: none)."""
    if hours <= 0:
        return []
    window = timedelta(hours=hours)
    return [i for i in items if i.to and now < i.deadline <= now + window]


def reminder_mails(items: Sequence[OpenCommission], *, office_name: str, department: str,
                   phone: str | None) -> list[NoticeMail]:
    """One reminder per (commission, unit), keyed ``reminder:<number>:<unit>`` so it is sent once."""
    out: list[NoticeMail] = []
    for item in items:
        ctx = dict(c=item, deadline=say("notify.deadline_time", when=item.deadline), office_name=office_name,
                   department=department, phone=phone)
        out.append(NoticeMail(key=f"reminder:{item.number}:{item.unit}", to=item.to, cc=item.cc,
                              subject=render("reminder_subject.txt.j2", **ctx).strip(),
                              text=render("reminder.txt.j2", **ctx), html=render("reminder.html.j2", **ctx)))
    return out


@dataclass(frozen=True)
class Pace:
    unit: str
    short: str | None
    required: int
    done: int
    expected: int              # what the pace asks by today
    to: tuple[str, ...]


def behind_pace(scores: Sequence[UnitScore], addresses: dict[str, tuple[str, ...]], *, day: int,
                days_in_month: int) -> list[Pace]:
    """Units whose total so far is below ``ceil(required × day / days_in_month)`` for the month's quota."""
    out: list[Pace] = []
    for s in scores:
        # the month's own total task: while the month runs it is progress only (judged false, 0 periods
        # judged: ledger/regime/quotas.py), once it has ended it is judged once
        quota = next((q for q in s.quotas if q.category is None and q.period == "month"
                      and q.periods == (1 if q.judged else 0)), None)
        if quota is None or quota.required <= 0:
            continue
        expected = math.ceil(quota.required * day / days_in_month)
        if quota.done < expected and addresses.get(s.unit):
            out.append(Pace(s.unit, s.short, quota.required, quota.done, expected, addresses[s.unit]))
    return out


def pace_mails(items: Sequence[Pace], *, month: Month, office_name: str, department: str) -> list[NoticeMail]:
    """One note per unit, keyed ``pace:<month>:<unit>`` (once a month)."""
    out: list[NoticeMail] = []
    for item in items:
        ctx = dict(p=item, month=month, office_name=office_name, department=department)
        out.append(NoticeMail(key=f"pace:{month}:{item.unit}", to=item.to,
                              subject=render("pace_subject.txt.j2", **ctx).strip(),
                              text=render("pace.txt.j2", **ctx), html=render("pace.html.j2", **ctx)))
    return out
