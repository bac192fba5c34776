"""Monthly notices: score the month, render, queue in the outbox, deliver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from baosong.app import App
from baosong.ledger.outbox import (
    NOTHING_DELIVERED,
    DeliveryReport,
    Transport,
    deliver_pending,
    enqueue,
    queued_with_prefix,
)
from baosong.ledger.periods import Month, Period
from baosong.ledger.regime import event_window
from baosong.ledger.scoring import UnitScore, score_period
from baosong.ledger.scoring_events import period_events, scoring_units
from baosong.ledger.units import active_units
from baosong.notify.compose import compose
from baosong.notify.monthly import notice_mails
from baosong.notify.recipients import Principal, notice_recipients
from baosong.paperwork import notice_extras
from baosong.views import class_labels
from baosong.vocabulary import MailKind


class NoticeError(Exception):
    pass


def period_scores(app: App, period: Period) -> list[UnitScore]:
    """Score any period (month, quarter, half-year, year) under the configured regime."""
    groups = {u.name: u.group for u in app.config.units}
    counts_for = {u.name: u.counts_for for u in app.config.units}
    with app.sessions() as session:
        units = scoring_units(session, groups, counts_for)
        events = period_events(session, period, app.config.tz, event_window(app.config.scoring, period))
    return score_period(units, events, app.config.scoring, period)


def month_scores(app: App, month: Month) -> list[UnitScore]:
    return period_scores(app, Period.of_month(month))


def notice_history(app: App, month: Month, scores: list[UnitScore]) -> list[tuple[Month, list[UnitScore]]]:
    """The scores of the months before ``month`` (settings.yaml notices.trend_months in all), oldest first."""
    months = [month]
    while len(months) < app.config.settings.notices.trend_months:
        months.insert(0, months[0].previous())
    return [(m, scores if m == month else month_scores(app, m)) for m in months]


def notice_sent(app: App, month: Month) -> bool:
    with app.sessions() as session:
        return queued_with_prefix(session, f"notice:{month}:office")


@dataclass(frozen=True)
class NoticeRun:
    month: Month
    queued: int
    skipped: int
    recipients: tuple[str, ...]
    delivery: DeliveryReport


def send_monthly(app: App, month: Month, *, transport: Transport | None = None, resend: bool = False) -> NoticeRun:
    settings = app.config.settings
    if settings.smtp is None:
        raise NoticeError("settings.yaml 中没有 smtp 设置，无法发送通报 / no smtp settings")
    transport = transport or app.smtp_transport()
    if transport is None:  # smtp is set (checked above), so there is always a transport; for the type checker
        raise NoticeError("settings.yaml 中没有 smtp 设置，无法发送通报 / no smtp settings")
    scores = month_scores(app, month)
    by_unit = {s.unit: s for s in scores}
    with app.sessions() as session:
        principals = [Principal(u.name, u.principal_name, u.principal_email) for u in active_units(session)]
    recipients = notice_recipients(settings.office.to, principals, by_unit,
                                   office_greeting=settings.notices.office_greeting,
                                   principal_greeting=settings.notices.principal_greeting)
    if not recipients:
        raise NoticeError("没有通报收件人：请在 settings.yaml 的 office.to 或 units.yaml 的 principal 中填写邮箱"
                          " / no recipients")
    labels = class_labels(app.config.scoring.classes)
    issued_on = datetime.now(app.config.tz).date()
    history = notice_history(app, month, scores)
    extras = notice_extras(app, month, scores, issued_on=issued_on, history=history)
    mails = notice_mails(month=month, scores=scores, recipients=recipients, office_name=settings.office.name,
                         department=settings.office.department, class_labels=labels,
                         regime=app.config.scoring.regime, issued_on=issued_on, extras=extras)
    suffix = f":resend-{datetime.now(timezone.utc):%Y%m%d%H%M%S}" if resend else ""
    ids: set[int] = set()
    skipped = 0
    with app.sessions() as session:
        for mail in mails:
            message = compose(sender=settings.smtp.sender, to=mail.to, cc=mail.cc, subject=mail.subject,
                              text=mail.text, html=mail.html, auto_submitted="auto-generated",
                              attachments=mail.attachments, inline=mail.inline)
            row = enqueue(session, key=mail.key + suffix, kind=MailKind.NOTICE, recipients=(*mail.to, *mail.cc),
                          subject=mail.subject, raw=message.as_bytes())
            if row is None:
                skipped += 1
            else:
                ids.add(row.id)
        session.commit()
    delivery = deliver_pending(app.sessions, transport, only_ids=ids) if ids else NOTHING_DELIVERED
    return NoticeRun(month, len(ids), skipped, tuple(a for m in mails for a in m.to), delivery)
