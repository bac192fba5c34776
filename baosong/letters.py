"""Interview letters (反馈函): score the months the rule needs, choose the units, gather each one's facts,
number, render. The choosing is notify/letters.py (pure). Queueing and delivery are the notices' one path
(``baosong.notices.queue_and_deliver`` / ``_queue``): a letter is queued once under ``letter:<month>:<unit>``
whether ``notify letters`` or the month's approved notice run queues it."""

from __future__ import annotations

from datetime import datetime

from baosong.app import App
from baosong.ledger.commissions import commission_events, topics_of
from baosong.ledger.doc_numbers import doc_number
from baosong.ledger.outbox import Transport
from baosong.ledger.periods import Month
from baosong.ledger.scoring import UnitScore
from baosong.messages import say
from baosong.notices import NoticeError, QueueRun, approved, month_scores, queue_and_deliver, refusal
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
    history: list[tuple[Month, list[UnitScore]]] = [(m, month_scores(app, m, now)) for m in months]
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


def send_letters(app: App, month: Month, *, transport: Transport | None = None,
                 now: datetime | None = None) -> QueueRun:
    """``baosong notify letters --month``: the month's letters queued (keys ``letter:<month>:<unit>``, the same
    as the approval run's) and delivered, through the notices' one queueing path. The notices' guards hold:
    no letters for a month the notice run would refuse, none before the office approved the month."""
    why = refusal(app, month)
    if why is not None:
        raise NoticeError(say("notices.no_letters", why=why))
    if app.config.settings.notices.require_approval and not approved(app, month):
        raise NoticeError(say("notices.letters_not_approved", period=month.label, month=month))
    return queue_and_deliver(app, build_letters(app, month, now=now), MailKind.LETTER, transport=transport)
