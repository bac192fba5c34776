"""Reminders, run once (`baosong notify reminders`; the daemon schedules it): commission deadlines near
and units behind their quota pace. The deciding is notify/reminders.py (pure)."""

from __future__ import annotations

import calendar
from datetime import datetime

from baosong.app import App
from baosong.ledger.commissions import all_commissions, states_of
from baosong.ledger.outbox import Transport
from baosong.ledger.periods import Month
from baosong.notices import QueueRun, month_scores, queue_and_deliver
from baosong.notify.monthly import NoticeMail
from baosong.notify.recipients import commission_recipients
from baosong.notify.reminders import OpenCommission, behind_pace, due, pace_mails, reminder_mails
from baosong.vocabulary import CommissionStatus, MailKind


def commission_reminders(app: App, now: datetime) -> list[NoticeMail]:
    hours = app.config.settings.reminders.commission_hours
    if hours <= 0:
        return []
    units = {u.name: u for u in app.config.units}
    cc_principal = app.config.settings.commissions.cc_principal
    items: list[OpenCommission] = []
    with app.sessions() as session:
        commissions = all_commissions(session, include_closed=False)
        states = states_of(session, commissions, now)
        for c in commissions:
            deadline = c.deadline.astimezone(app.config.tz)
            for s in states[c.id]:
                unit = units.get(s.unit)
                if s.status is not CommissionStatus.OPEN or unit is None:
                    continue
                to, cc = commission_recipients(unit.addresses, unit.principal.email if unit.principal else None,
                                               cc_principal=cc_principal)
                items.append(OpenCommission(c.number, c.topic, deadline, unit.name, to, cc))
    office = app.config.settings.office
    return reminder_mails(due(items, now=now, hours=hours), office_name=office.name, department=office.department,
                          phone=office.phone)


def pace_reminders(app: App, now: datetime) -> list[NoticeMail]:
    r = app.config.settings.reminders
    local = now.astimezone(app.config.tz)
    if not r.quota_pace or local.day < r.quota_pace_day:
        return []
    month = Month(local.year, local.month)
    addresses = {u.name: tuple(u.addresses) for u in app.config.units}
    behind = behind_pace(month_scores(app, month, now), addresses, day=local.day,
                         days_in_month=calendar.monthrange(local.year, local.month)[1])
    office = app.config.settings.office
    return pace_mails(behind, month=month, office_name=office.name, department=office.department)


def send_reminders(app: App, *, now: datetime | None = None,
                   transport: Transport | None = None) -> tuple[QueueRun, QueueRun]:
    """(commission reminders, pace notes): each queued once by its key, then delivered."""
    now = now or datetime.now(app.config.tz)
    commissions = queue_and_deliver(app, commission_reminders(app, now), MailKind.COMMISSION, transport=transport)
    pace = queue_and_deliver(app, pace_reminders(app, now), MailKind.NOTICE, transport=transport)
    return commissions, pace
