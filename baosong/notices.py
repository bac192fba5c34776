"""Period notices (通报): score, render, and — only when it is safe — queue and deliver.

A notice run is for one period: a month (``Month``), or a quarter, half-year or year (``Period``) where the
regime says so (settings.yaml ``notices.periods``; the daemon sends each configured kind when due, and
``baosong notify monthly --quarter 2026Q4`` any period by hand). Interview letters stay monthly: they go
with a month's run only.

The send flow, in order (``send_notice``):

1. **Guards** (``refusal``): never a notice for a period with no intake (the ledger recorded no
   message received in it: a daemon's first start before any mail was polled), nor for one that
   ends before ``notices.start_month``.
2. **Approval** (``notices.require_approval``, default true): the period's mails (notices, and
   letters through ``period_letters``) first go to the office as one draft with a code, every mail
   attached exactly as it will go out; they are queued only once released
   (``baosong notify approve PERIOD``, or a reply from an office address quoting the code).
3. **Queue and deliver**: one outbox row per mail (key ``notice:<period>:<recipient>``, e.g.
   ``notice:2026-10:office`` or ``notice:2026Q4:office``) carrying the raw composed bytes, one recipient row
   each; delivery per recipient. Every mail of the project that is queued from composed parts (notices,
   letters, reminders) goes through ``queue_and_deliver`` / ``_queue``: one path, one key each.

``preview`` writes every mail of the period as .eml files exactly as it would go out after approval,
and touches nothing in the ledger: a preview never marks a period sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

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
from baosong.ledger.scoring import UnitScore
from baosong.ledger.units import active_units
from baosong.messages import say
from baosong.notify.compose import compose
from baosong.notify.monthly import notice_mails
from baosong.notify.recipients import Principal, notice_recipients
from baosong.notify.render import render
from baosong.paperwork import notice_extras
from baosong.views import class_labels
from baosong.vocabulary import MailKind


class NoticeError(Exception):
    pass


# A notice's period: a month as ``Month`` (the monthly notice, its letters, its keys ``notice:2026-10:…``),
# anything longer as a ``Period`` (quarter ``2026Q4``, half ``2026H2``, year ``2026``).
NoticePeriod = Month | Period


def as_period(period: NoticePeriod) -> Period:
    return Period.of_month(period) if isinstance(period, Month) else period


def as_notice_period(period: Period) -> NoticePeriod:
    """A month as ``Month`` (what the monthly flow and its callers use), any other period as itself."""
    return Month(period.start.year, period.start.month) if period.kind == "month" else period


def last_month(period: NoticePeriod) -> Month:
    """The period's last month (where a longer period's trend chart ends)."""
    if isinstance(period, Month):
        return period
    end = period.end
    return Month(end.year, end.month).previous() if end.day == 1 else Month(end.year, end.month)


def scoring_year(app: App):  # -> ScoringYear
    from baosong.ledger.regime.context import scoring_year_of

    return scoring_year_of(app.config.scoring)


def parse_period(app: App, text: str) -> NoticePeriod:
    """``2026-10`` (month), ``2026Q4`` (quarter), ``2026H2`` (half) or ``2026`` (year, the regime's scoring year)."""
    text = text.strip()
    upper = text.upper()
    kind = "quarter" if "Q" in upper else "half" if "H" in upper else "year" if text.isdigit() else "month"
    try:
        return as_notice_period(Period.parse(kind, text, scoring_year(app)))
    except ValueError:
        raise NoticeError(say("notices.bad_period", text=repr(text))) from None


def period_scores(app: App, period: Period, now: datetime | None = None) -> list[UnitScore]:
    """Score any period (month, quarter, half-year, year) under the configured regime; commission statuses
    as of ``now`` (default: the current time)."""
    return app.period_scores(period, now)


def month_scores(app: App, month: Month, now: datetime | None = None) -> list[UnitScore]:
    return period_scores(app, Period.of_month(month), now)


def notice_history(app: App, month: Month, scores: list[UnitScore],
                   now: datetime | None = None) -> list[tuple[Month, list[UnitScore]]]:
    """The scores of the months before ``month`` (settings.yaml notices.trend_months in all), oldest first."""
    months = [month]
    while len(months) < app.config.settings.notices.trend_months:
        months.insert(0, months[0].previous())
    return [(m, scores if m == month else month_scores(app, m, now)) for m in months]


def notice_sent(app: App, period: NoticePeriod) -> bool:
    """Whether the period's notices were queued for sending (a preview or a draft never counts)."""
    with app.sessions() as session:
        return queued_with_prefix(session, f"notice:{period}:")


def refusal(app: App, period: NoticePeriod) -> str | None:
    """Why no notice may go out for ``period`` (None: it may): it ends before ``notices.start_month``,
    or the ledger recorded no mail received in it."""
    from baosong.ledger.messages import received_between

    start_month = app.config.settings.notices.start_month
    if start_month is not None and last_month(period) < Month.parse(start_month):
        return say("notices.before_start_month", period=period.label, start_month=start_month)
    start, end = as_period(period).bounds(app.config.tz)
    with app.sessions() as session:
        if received_between(session, start, end) == 0:
            return say("notices.no_intake", period=period.label)
    return None


@dataclass(frozen=True)
class OutgoingMail:
    """One mail of the period, composed: what is queued (or previewed, or attached to the draft)."""

    key: str
    kind: MailKind
    to: tuple[str, ...]
    subject: str
    raw: bytes


def _raw(mail: Any, sender: str) -> bytes:
    """The mail's bytes exactly as they go out: prebuilt bytes or a message when the notify layer gives
    them (attachments, inline images), else composed here from its text and HTML."""
    for attribute in ("raw", "message"):
        value = getattr(mail, attribute, None)
        if isinstance(value, bytes):
            return value
        if isinstance(value, EmailMessage):
            return value.as_bytes(policy=SMTP)
    return compose(sender=sender, to=mail.to, cc=getattr(mail, "cc", ()), subject=mail.subject, text=mail.text,
                   html=mail.html, auto_submitted="auto-generated", attachments=getattr(mail, "attachments", ()),
                   inline=getattr(mail, "inline", ())).as_bytes()


def period_letters(app: App, month: Month, scores: Sequence[UnitScore], now: datetime | None = None) -> list[Any]:
    """The period's interview letters (约谈 / 反馈函), sent with the notices and approved with them.

    The letters are chosen by the regime's ``interviews:`` rule (``baosong/letters.py``); the same
    ``letter:<month>:<unit>`` keys as ``baosong notify letters``, so a letter is queued once either way.
    """
    if not app.config.scoring.interviews.enabled:
        return []
    from baosong.letters import build_letters  # letters read the notices' scores: imported when used

    return build_letters(app, month, now=now)


def period_mails(app: App, period: NoticePeriod, issued_on: datetime | None = None) -> list[OutgoingMail]:
    """Every mail of the period's notice run, composed (nothing stored): the notices, and for a month its
    interview letters."""
    settings = app.config.settings
    if settings.smtp is None:
        raise NoticeError(say("notices.no_smtp_notice"))
    monthly = isinstance(period, Month)
    month = last_month(period)
    # scored as of the run's clock (the daemon's, or now): what has ended by then is judged
    scores = month_scores(app, month, issued_on) if monthly else period_scores(app, as_period(period), issued_on)
    by_unit = {s.unit: s for s in scores}
    with app.sessions() as session:
        principals = [Principal(u.name, u.principal_name, u.principal_email) for u in active_units(session)]
    recipients = notice_recipients(settings.office.to, principals, by_unit,
                                   office_greeting=settings.notices.office_greeting,
                                   principal_greeting=settings.notices.principal_greeting)
    if not recipients:
        raise NoticeError(say("notices.no_recipients"))
    labels = class_labels(app.config.scoring.classes)
    issued = (issued_on or datetime.now(app.config.tz)).astimezone(app.config.tz).date()
    # the trend is monthly whatever the period: it ends with the period's last month
    history = notice_history(app, month, scores if monthly else month_scores(app, month, issued_on), issued_on)
    extras = notice_extras(app, month, scores, issued_on=issued, history=history,
                           period=None if monthly else as_period(period))
    mails = notice_mails(month=month, scores=scores, recipients=recipients, office_name=settings.office.name,
                         department=settings.office.department, class_labels=labels,
                         regime=app.config.scoring.regime, issued_on=issued, extras=extras)
    out = outgoing(app, mails, MailKind.NOTICE)
    if monthly:
        out += outgoing(app, period_letters(app, month, scores, issued_on), MailKind.LETTER)
    return out


def outgoing(app: App, mails: Sequence[Any], kind: MailKind) -> list[OutgoingMail]:
    """Notice, letter or reminder objects (notify/) composed as they go out: the one way mail is made."""
    smtp = app.config.settings.smtp
    if smtp is None:
        raise NoticeError(say("notices.no_smtp_send"))
    return [OutgoingMail(m.key, kind, (*m.to, *getattr(m, "cc", ())), m.subject, _raw(m, smtp.sender)) for m in mails]


def preview_mails(app: App, mails: Sequence[Any], folder: Path) -> list[Path]:
    """Write ``mails`` (notice or letter objects) as .eml files exactly as they would go out; nothing stored."""
    if app.config.settings.smtp is None:
        raise NoticeError(say("notices.no_smtp_preview"))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i, mail in enumerate(mails, 1):
        target = folder / f"{i:03d}-{mail.key.replace(':', '_').replace('/', '_')}.eml"
        target.write_bytes(_raw(mail, app.config.settings.smtp.sender))
        written.append(target)
    return written


def preview(app: App, period: NoticePeriod, folder: Path) -> list[Path]:
    """Write every mail of the period as .eml files, exactly as it would go out after approval.

    A pure preview: the guards are not applied (the office may look at any period) and nothing in
    the ledger is touched, so the real notice still goes out by itself on its day."""
    mails = period_mails(app, period)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i, mail in enumerate(mails, 1):
        target = folder / f"{i:03d}-{mail.kind}-{mail.key.replace(':', '_').replace('/', '_')}.eml"
        target.write_bytes(mail.raw)
        written.append(target)
    return written


@dataclass(frozen=True)
class NoticeRun:
    month: NoticePeriod                    # the run's period (a Month, or a quarter / half-year / year)
    queued: int
    skipped: int
    recipients: tuple[str, ...]
    delivery: DeliveryReport
    awaiting_approval: str | None = None   # the draft's code when the run stopped at the approval step
    refused: str | None = None             # why nothing was sent (a guard)

    @property
    def period(self) -> NoticePeriod:
        return self.month


def _queue(app: App, mails: Sequence[OutgoingMail], suffix: str = "") -> tuple[set[int], int]:
    """Queue each mail once under its key (+ ``suffix`` for a deliberate resend): (new row ids, already queued)."""
    ids: set[int] = set()
    skipped = 0
    with app.sessions() as session:
        for mail in mails:
            row = enqueue(session, key=mail.key + suffix, kind=mail.kind, recipients=mail.to, subject=mail.subject,
                          raw=mail.raw)
            if row is None:
                skipped += 1
            else:
                ids.add(row.id)
        session.commit()
    return ids, skipped


def _draft(app: App, month: NoticePeriod, mails: Sequence[OutgoingMail]) -> str:
    """Send (once) the office the draft of the period's mails with its approval code; return the code."""
    from baosong.ledger.approvals import draft

    settings = app.config.settings
    assert settings.smtp is not None
    with app.sessions() as session:
        row = draft(session, str(month))
        code = row.code
        session.commit()
    key = f"draft:{month}:{code}"
    with app.sessions() as session:
        if queued_with_prefix(session, key):
            return code
    office = settings.office
    ctx = dict(code=code, period=str(month), period_label=month.label, mails=mails, office_to=office.to,
               department=office.department)
    subject = render("notice_draft_subject.txt.j2", **ctx).strip()
    message = compose(sender=settings.smtp.sender, to=office.to, subject=subject,
                      text=render("notice_draft.txt.j2", **ctx), auto_submitted="auto-generated")
    for i, mail in enumerate(mails, 1):
        message.add_attachment(mail.raw, maintype="application", subtype="octet-stream",
                               filename=f"{i:03d}-{mail.kind}.eml")
    with app.sessions() as session:
        enqueue(session, key=key, kind=MailKind.ALERT, recipients=office.to, subject=subject,
                raw=message.as_bytes())
        session.commit()
    return code


def approved(app: App, month: NoticePeriod) -> bool:
    from baosong.ledger.approvals import approval_for

    with app.sessions() as session:
        row = approval_for(session, str(month))
        return row is not None and row.approved_at is not None


def send_notice(app: App, period: NoticePeriod, *, transport: Transport | None = None, resend: bool = False,
                deliver: bool = True, now: datetime | None = None) -> NoticeRun:
    """The period's notice run (a month's, or a quarter's, half-year's, year's): guards, then the approval
    step, then queue and deliver."""
    settings = app.config.settings
    why = refusal(app, period)
    if why is not None:
        return NoticeRun(period, 0, 0, (), NOTHING_DELIVERED, refused=why)
    mails = period_mails(app, period, now)  # ``now``: the date of issue (the daemon's clock; default: today)
    if settings.notices.require_approval and not approved(app, period):
        if not settings.office.to:
            raise NoticeError(say("notices.approval_needs_office"))
        code = _draft(app, period, mails)
        delivery = _deliver(app, transport) if deliver else NOTHING_DELIVERED
        return NoticeRun(period, 0, 0, (), delivery, awaiting_approval=code)
    suffix = f":resend-{datetime.now(timezone.utc):%Y%m%d%H%M%S}" if resend else ""
    ids, skipped = _queue(app, mails, suffix)
    delivery = _deliver(app, transport, ids) if deliver and ids else NOTHING_DELIVERED
    return NoticeRun(period, len(ids), skipped, tuple(a for m in mails for a in m.to), delivery)


def _deliver(app: App, transport: Transport | None, ids: set[int] | None = None) -> DeliveryReport:
    transport = transport or app.smtp_transport()
    if transport is None:
        raise NoticeError(say("notices.no_smtp_notice"))
    return deliver_pending(app.sessions, transport, only_ids=ids, policy=app.delivery_policy())


@dataclass(frozen=True)
class Approved:
    period: str
    newly: bool
    run: NoticeRun | None


def approve(app: App, period: str, by: str, *, code: str | None = None, transport: Transport | None = None,
            deliver: bool = True) -> Approved:
    """Release a period's notices (by the command, or by an office reply quoting ``code``) and send them."""
    from baosong.ledger.approvals import approval_by_code, approval_for
    from baosong.ledger.approvals import approve as mark

    with app.sessions() as session:
        row = approval_by_code(session, code) if code else approval_for(session, period)
        if row is None:
            raise NoticeError(say("notices.nothing_to_approve", what=code or period))
        newly = mark(session, row, by)
        period = row.period
        session.commit()
    run = send_notice(app, parse_period(app, period), transport=transport, deliver=deliver)
    return Approved(period, newly, run)


@dataclass(frozen=True)
class QueueRun:
    queued: int
    skipped: int
    mails: tuple[Any, ...]
    delivery: DeliveryReport


def queue_and_deliver(app: App, mails: Sequence[Any], kind: MailKind, *, transport: Transport | None = None,
                      deliver: bool = True) -> QueueRun:
    """Queue notify/ mail objects (letters, reminders) each once by its key — composed by ``outgoing`` and
    queued by ``_queue``, the notices' own path — and deliver what was queued now."""
    ids, skipped = _queue(app, outgoing(app, mails, kind))
    delivery = _deliver(app, transport, ids) if deliver and ids else NOTHING_DELIVERED
    return QueueRun(len(ids), skipped, tuple(mails), delivery)
