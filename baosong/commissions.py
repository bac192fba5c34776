"""Commissions (约稿), wired: record one and send its notices; link received pieces to commissions.

The decisions are elsewhere: deadlines and statuses in ``ledger/timeliness.py`` and
``ledger/workdays.py``, the link in ``intake/commission_link.py``, who receives a notice in
``notify/recipients.py``, its wording in ``templates/commission_notice*.j2``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from baosong.app import App
from baosong.config.commissions import parse_clock
from baosong.intake.commission_link import NO_LINK, Link, LinkRules, OpenCommission, link_piece
from baosong.intake.message import ParsedMessage
from baosong.ledger.commissions import (
    create_commission,
    next_seq,
    numbers_of,
    open_for_unit,
    open_for_units,
    units_named,
    units_of_classes,
)
from baosong.ledger.errors import LedgerError
from baosong.ledger.messages import StagedMessage
from baosong.ledger.models import Message, Unit
from baosong.ledger.outbox import DeliveryReport, deliver_pending, enqueue
from baosong.ledger.timeliness import Deadline, parse_deadline, working_days_deadline
from baosong.ledger.workdays import WorkCalendar
from baosong.messages import say
from baosong.notify.commissions import CommissionNotice, FlaggedPiece, render_commission_notice, render_flag_alert
from baosong.notify.compose import compose
from baosong.notify.recipients import commission_recipients, failure_alert_to
from baosong.vocabulary import MailKind


class CommissionError(Exception):
    """A mistake in what the office asked for (unknown unit, bad deadline): a message, not a traceback."""


@dataclass(frozen=True)
class NewCommission:
    id: int
    number: str
    message_id: str
    deadline: Deadline
    units: tuple[str, ...]
    past: bool                        # the deadline had already passed: recorded after the fact
    queued: int                       # notices queued in the outbox (0 when not sent)
    delivery: DeliveryReport | None   # None: nothing sent (no SMTP, --no-send, or a past deadline)


def calendar_of(app: App) -> WorkCalendar:
    return WorkCalendar.from_config(app.config.settings.commissions.calendar)


def deadline_of(app: App, *, text: str | None, working_days: int | None, now: datetime) -> Deadline:
    cfg = app.config.settings.commissions
    try:
        if working_days is not None:
            return working_days_deadline(working_days, now=now, tz=app.config.tz,
                                         default_time=parse_clock(cfg.deadline_time), calendar=calendar_of(app))
        if not text:
            raise CommissionError(say("commission.deadline_missing"))
        return parse_deadline(text, now=now, tz=app.config.tz, default_time=parse_clock(cfg.deadline_time),
                              calendar=calendar_of(app))
    except ValueError as exc:  # UnknownYear included
        raise CommissionError(str(exc)) from None


def notice_mailbox(app: App) -> str | None:
    cfg = app.config.settings
    if cfg.commissions.mailbox:
        return cfg.commissions.mailbox
    for box in cfg.mailboxes:
        if "@" in box.username:
            return box.username
    return None


def _domain(app: App) -> str:
    smtp = app.config.settings.smtp
    return (parseaddr(smtp.sender)[1].rpartition("@")[2] if smtp else "") or "baosong.invalid"


def _msgid(app: App) -> str:
    """A Message-ID short enough never to be folded (random: unique without a lock)."""
    return f"<yuegao.{secrets.token_hex(8)}@{_domain(app)}>"


def _addressed_units(session: Session, *, unit_names: Sequence[str], classes: Sequence[str],
                     all_units: bool) -> list[Unit]:
    chosen = sum(bool(x) for x in (unit_names, classes, all_units))
    if chosen != 1:
        raise CommissionError(say("commission.units_choice"))
    try:
        if unit_names:
            return units_named(session, unit_names)
        if classes:
            return units_of_classes(session, classes)
    except LedgerError as exc:
        raise CommissionError(str(exc)) from None
    from baosong.ledger.units import active_units

    return active_units(session)


def new_commission(app: App, *, topic: str, unit_names: Sequence[str] = (), classes: Sequence[str] = (),
                   all_units: bool = False, deadline_text: str | None = None, working_days: int | None = None,
                   kind: str | None = None, contact: str | None = None, send: bool = True,
                   now: datetime | None = None) -> NewCommission:
    """Record a commission and queue (then deliver) one notice per addressed unit plus the office's copy."""
    cfg = app.config.settings.commissions
    tz = app.config.tz
    now = (now or datetime.now(tz)).astimezone(tz)
    topic = " ".join(topic.split())
    if not topic:
        raise CommissionError(say("commission.topic_empty"))
    kind = kind or cfg.kinds[0]
    if kind not in cfg.kinds:
        raise CommissionError(say("commission.kind_unknown", kinds="、".join(cfg.kinds), kind=repr(kind)))
    deadline = deadline_of(app, text=deadline_text, working_days=working_days, now=now)
    past = deadline.when <= now
    contact = contact or cfg.contact
    smtp = app.config.settings.smtp
    will_send = send and not past and smtp is not None
    for attempt in range(3):  # two offices numbering at once: the unique (year, seq) decides, the loser retries
        with app.sessions() as session:
            units = _addressed_units(session, unit_names=unit_names, classes=classes, all_units=all_units)
            seq = next_seq(session, now.year)
            number = cfg.format_number(now.year, seq)
            root = _msgid(app)
            unit_ids = [_msgid(app) if will_send else None for _ in units]
            commission = create_commission(
                session, year=now.year, number=number, seq=seq, topic=topic, kind=kind, contact=contact,
                deadline=deadline.when, deadline_text=deadline.text, message_id=root, units=units,
                unit_message_ids=unit_ids)
            queued: list[int] = []
            if will_send:
                assert smtp is not None
                queued = _queue_notices(app, session, commission.id, number, topic, kind, contact, deadline, now,
                                        units, unit_ids, root, smtp.sender)
                commission.notified = True
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                if attempt == 2:
                    raise
                continue
            result_id, names = commission.id, tuple(u.name for u in units)
        break
    delivery = None
    if queued:
        transport = app.smtp_transport()
        if transport is not None:
            delivery = deliver_pending(app.sessions, transport, only_ids=set(queued))
    return NewCommission(result_id, number, root, deadline, names, past, len(queued), delivery)


def _queue_notices(app: App, session: Session, commission_id: int, number: str, topic: str, kind: str,
                   contact: str | None, deadline: Deadline, now: datetime, units: list[Unit],
                   unit_ids: list[str | None], root: str, sender: str) -> list[int]:
    office = app.config.settings.office
    cfg = app.config.settings.commissions

    def notice(unit_label: str) -> CommissionNotice:
        return CommissionNotice(number=number, topic=topic, kind=kind, unit=unit_label, deadline=deadline.when,
                                contact=contact, office_name=office.name, department=office.department,
                                phone=office.phone, mailbox=notice_mailbox(app), tag=cfg.tag, issued=now.date())

    queued: list[int] = []
    for unit, mid in zip(units, unit_ids, strict=True):
        to, cc = commission_recipients([a.address for a in unit.addresses], unit.principal_email,
                                       cc_principal=cfg.cc_principal)
        subject, text, html = render_commission_notice(notice(unit.name))
        mail = compose(sender=sender, to=to, cc=cc, subject=subject, text=text, html=html, message_id=mid,
                       references=[root], when=now)
        row = enqueue(session, key=f"commission:{commission_id}:unit:{unit.id}", kind=MailKind.COMMISSION,
                      recipients=[*to, *cc], subject=subject, raw=mail.as_bytes())
        if row is not None:
            queued.append(row.id)
    if office.to:  # the office's copy carries the commission's own Message-ID
        subject, text, html = render_commission_notice(notice("、".join(u.short or u.name for u in units)))
        mail = compose(sender=sender, to=office.to, subject=subject, text=text, html=html, message_id=root, when=now)
        row = enqueue(session, key=f"commission:{commission_id}:office", kind=MailKind.COMMISSION,
                      recipients=office.to, subject=subject, raw=mail.as_bytes())
        if row is not None:
            queued.append(row.id)
    return queued


# ------------------------------------------------------------------ linking received pieces


def link_rules(app: App) -> LinkRules:
    cfg = app.config.settings.commissions
    return LinkRules(number_format=cfg.number_format, tag=cfg.tag, topic_min_shared=cfg.topic_min_shared,
                     topic_ignore=frozenset(cfg.topic_ignore))


def _as_open(c) -> OpenCommission:
    return OpenCommission(c.id, c.year, c.seq, c.topic,
                          frozenset({c.message_id, *(u.message_id for u in c.units if u.message_id)}))


def open_commissions(session: Session, unit: str) -> list[OpenCommission]:
    """The commissions ``unit``'s pieces may answer, as the linking rules see them."""
    return [_as_open(c) for c in open_for_unit(session, unit)]


def open_commissions_of(session: Session, units: Iterable[str]) -> dict[str, list[OpenCommission]]:
    """:func:`open_commissions` of several units in one query."""
    return {unit: [_as_open(c) for c in found] for unit, found in open_for_units(session, units).items()}


def links_for(app: App, session: Session, unit: str | None, message: ParsedMessage,
              pieces: Sequence[tuple[str, str | None]],
              commissions: Sequence[OpenCommission] | None = None) -> tuple[Link, ...]:
    """For each piece (file name, title) of a message from ``unit``, the commission it answers (or a flag).
    ``commissions``: the unit's open commissions when the caller has them (a poll asks once per batch)."""
    if not pieces or unit is None:
        return tuple(NO_LINK for _ in pieces)
    if commissions is None:
        commissions = open_commissions(session, unit)
    rules = link_rules(app)
    return tuple(link_piece(in_reply_to=message.headers("In-Reply-To"), references=message.headers("References"),
                            subject=message.subject, source=source, title=title, commissions=commissions,
                            rules=rules)
                 for source, title in pieces)


def queue_flag_alert(app: App, session: Session, message: Message | StagedMessage) -> None:
    """Tell the office (once per message) about its pieces flagged for a decision on their commission."""
    flagged = [p for p in message.pieces if p.commission_candidates is not None]
    smtp = app.config.settings.smtp
    office = failure_alert_to(app.config.settings.office.to, smtp_configured=smtp is not None)
    if not flagged or not office or smtp is None:
        return
    numbers = numbers_of(session, {i for p in flagged for i in p.commission_candidates or []})
    subject, text = render_flag_alert(
        unit=message.unit.name if message.unit else message.sender, subject=message.subject,
        received_at=message.received_at.astimezone(app.config.tz).strftime("%Y-%m-%d %H:%M"),
        pieces=[FlaggedPiece(p.id, p.title, p.source, tuple(numbers.get(i, str(i)) for i in p.commission_candidates or []))
                for p in flagged])
    mail = compose(sender=smtp.sender, to=office, subject=subject, text=text, auto_submitted="auto-generated")
    enqueue(session, key=f"commission-flag:{message.id}", kind=MailKind.ALERT, recipients=office, subject=subject,
            raw=mail.as_bytes(), message_ref=message.id)
