"""Alerts the daemon sends the office (templates/daemon_alert*.j2), each queued once under its own key.

- ``catch_up``: the daemon was down at notice time; only the latest due period is sent;
- ``config_invalid``: an edited config does not validate; the last good one stays in force;
- ``mailbox_failing``: a mailbox failed ``daemon.mailbox_failure_alert`` polls in a row;
- ``commission_deadline``: a commission's deadline passed: each addressed unit's status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from baosong.app import App
from baosong.config.loader import Config
from baosong.ledger.outbox import enqueue
from baosong.notify.compose import compose
from baosong.notify.render import render
from baosong.vocabulary import CommissionStatus, MailKind, labels


def queue_office_alert(app: App, key: str, kind: str, config: Config | None = None, **context: Any) -> bool:
    """Queue an alert to the office (``office.to``) once under ``key``; False if queued before or nowhere to send."""
    settings = (config or app.config).settings
    if settings.smtp is None or not settings.office.to:
        return False
    ctx = dict(kind=kind, department=settings.office.department, **context)
    subject = render("daemon_alert_subject.txt.j2", **ctx).strip()
    text = render("daemon_alert.txt.j2", **ctx)
    mail = compose(sender=settings.smtp.sender, to=settings.office.to, subject=subject, text=text,
                   auto_submitted="auto-generated")
    with app.sessions() as session:
        row = enqueue(session, key=key, kind=MailKind.ALERT, recipients=settings.office.to, subject=subject,
                      raw=mail.as_bytes())
        session.commit()
    return row is not None


def commission_deadline_alerts(app: App, now: datetime) -> list[str]:
    """Tell the office once about each commission whose deadline has passed; the numbers alerted."""
    from baosong.ledger.commissions import all_commissions, states_of

    done = []
    with app.sessions() as session:
        due = [c for c in all_commissions(session, include_closed=False) if c.deadline <= now]
        states = states_of(session, due, now)
        items = []
        for c in due:
            units = [(s.unit, labels(CommissionStatus).get(str(s.status), str(s.status))) for s in states[c.id]]
            counts = {k.value: sum(1 for s in states[c.id] if s.status == k) for k in CommissionStatus}
            items.append((c.id, c.number, c.topic, c.deadline, units, counts))
    for cid, number, topic, deadline, units, counts in items:
        when = deadline.astimezone(app.config.tz).strftime("%Y-%m-%d %H:%M")
        if queue_office_alert(app, f"alert:commission-deadline:{cid}", "commission_deadline", number=number,
                              topic=topic, deadline=when, units=units, counts=counts):
            done.append(number)
    return done
