"""Interview letters (反馈函): score the months the rule needs, choose the units, gather each one's facts,
number, render, queue in the outbox (kind letter), deliver. The choosing is notify/letters.py (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from baosong.app import App
from baosong.ledger.commissions import commission_events, topics_of
from baosong.ledger.doc_numbers import doc_number
from baosong.ledger.outbox import NOTHING_DELIVERED, DeliveryReport, Transport, deliver_pending, enqueue
from baosong.ledger.periods import Month
from baosong.ledger.scoring import UnitScore
from baosong.notices import NoticeError, month_scores
from baosong.notify.compose import compose
from baosong.notify.letters import (
    CommissionLapse,
    InterviewRule,
    LetterFacts,
    interviewed,
    letter_mails,
    rank_history,
    shortfalls,
)
from baosong.notify.monthly import NoticeMail
from baosong.notify.recipients import Principal, letter_recipients
from baosong.paperwork import fonts_for
from baosong.views import class_labels
from baosong.vocabulary import CommissionStatus, MailKind, label

LAPSES = (CommissionStatus.MISSED, CommissionStatus.LATE, CommissionStatus.REFUSED)


def rule_of(app: App) -> InterviewRule:
    i = app.config.scoring.interviews
    return InterviewRule(group=i.group, bottom=i.bottom, consecutive_months=i.consecutive_months,
                         classes=tuple(i.classes), min_class_size=i.min_class_size)


def build_letters(app: App, month: Month, *, now: datetime | None = None) -> list[NoticeMail]:
    """The month's letters, as mails (nothing queued)."""
    if not app.config.scoring.interviews.enabled:
        return []
    rule = rule_of(app)
    months = [month]
    while len(months) < max(rule.consecutive_months, 3):
        months.insert(0, months[0].previous())
    history: list[tuple[Month, list[UnitScore]]] = [(m, month_scores(app, m)) for m in months]
    # a month before the ledger's first intake is not a month "in the bottom three"
    scored = [(m, s) for m, s in history if any(x.submitted for x in s) or m == month]
    chosen = interviewed(rule, [s for _, s in scored])
    if not chosen:
        return []
    now = now or datetime.now(app.config.tz)
    start, end = month.bounds(app.config.tz)
    with app.sessions() as session:
        events = commission_events(session, start, end, now)
        topics = topics_of(session, {e.commission_id for e in events})
    current = {s.unit: s for s in history[-1][1]}
    units = {u.name: u for u in app.config.units}
    labels = class_labels(app.config.scoring.classes)
    settings = app.config.settings
    letters: list[LetterFacts] = []
    for sel in chosen:
        unit = units[sel.unit]
        principal = Principal(unit.name, unit.principal.name if unit.principal else None,
                              unit.principal.email if unit.principal else None)
        to, cc = letter_recipients(principal, settings.office.to)
        if not to:
            continue
        lapses = tuple(CommissionLapse(e.number, topics.get(e.commission_id, ""), label(CommissionStatus(e.status)))
                       for e in events if e.unit == sel.unit and e.status in LAPSES)
        letters.append(LetterFacts(
            unit=unit.name, short=unit.short, class_label=labels.get(unit.class_, unit.class_), group=unit.group,
            principal=principal.name, reasons=sel.reasons, ranks=rank_history(sel.unit, scored),
            shortfalls=shortfalls(current[sel.unit]), commissions=lapses, to=to, cc=cc))
    n = settings.notices
    issued_on = now.astimezone(app.config.tz).date()
    with app.sessions() as session:
        numbers = {f.unit: doc_number(session, key=f"letter:{month}:{f.unit}", series=n.letter_number,
                                      year=issued_on.year) for f in letters}
        session.commit()
    return letter_mails(letters, month=month, numbers=numbers, title=n.letter_title, office_name=settings.office.name,
                        department=settings.office.department, place=n.place, issuer=n.issuer or settings.office.name,
                        issued_on=issued_on, consecutive=rule.consecutive_months, bottom=rule.bottom,
                        fonts=fonts_for(app))


@dataclass(frozen=True)
class QueueRun:
    queued: int
    skipped: int
    mails: tuple[NoticeMail, ...]
    delivery: DeliveryReport


def queue_and_deliver(app: App, mails: list[NoticeMail], kind: MailKind, *, transport: Transport | None) -> QueueRun:
    """Queue each mail once (by its key) and deliver what was queued now."""
    settings = app.config.settings
    if settings.smtp is None:
        raise NoticeError("settings.yaml 中没有 smtp 设置，无法发送 / no smtp settings")
    transport = transport or app.smtp_transport()
    if transport is None:
        raise NoticeError("settings.yaml 中没有 smtp 设置，无法发送 / no smtp settings")
    ids: set[int] = set()
    skipped = 0
    with app.sessions() as session:
        for mail in mails:
            message = compose(sender=settings.smtp.sender, to=mail.to, cc=mail.cc, subject=mail.subject,
                              text=mail.text, html=mail.html, auto_submitted="auto-generated",
                              attachments=mail.attachments, inline=mail.inline)
            row = enqueue(session, key=mail.key, kind=kind, recipients=(*mail.to, *mail.cc), subject=mail.subject,
                          raw=message.as_bytes())
            if row is None:
                skipped += 1
            else:
                ids.add(row.id)
        session.commit()
    delivery = deliver_pending(app.sessions, transport, only_ids=ids) if ids else NOTHING_DELIVERED
    return QueueRun(len(ids), skipped, tuple(mails), delivery)


def send_letters(app: App, month: Month, *, transport: Transport | None = None,
                 now: datetime | None = None) -> QueueRun:
    return queue_and_deliver(app, build_letters(app, month, now=now), MailKind.LETTER, transport=transport)
