"""One message through the whole flow: archive → judge (intake) → record (ledger) → queue reply (notify).

A message is recorded at most once: it is known by (mailbox, UIDVALIDITY, UID) and by
the SHA-256 of its raw bytes, so a crash before the IMAP move, or a UIDVALIDITY reset,
never records it twice. The reply is queued in the same transaction as the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from baosong.app import App
from baosong.archive import archive_raw
from baosong.commissions import links_for, queue_flag_alert
from baosong.intake.documents import sha256 as sha256_of
from baosong.intake.judge import Judgement
from baosong.judging import SeenPiece
from baosong.judging import judge_raw as judge_config
from baosong.ledger.messages import (
    MessageRecord,
    PieceRecord,
    find_message,
    find_message_by_sha,
    piece_seen,
    record_message,
)
from baosong.ledger.models import Message
from baosong.ledger.outbox import enqueue
from baosong.notify.compose import compose
from baosong.notify.recipients import alert_to, reply_to
from baosong.notify.replies import ReplyPiece, render_alert, render_reply
from baosong.vocabulary import MailKind, Reason


@dataclass(frozen=True)
class Outcome:
    ledger_id: int
    verdict: str
    reason: str | None
    sender: str
    unit: str | None
    pieces: int
    new: bool            # False when the message had been recorded before


def piece_seen_in(session: Session) -> SeenPiece:
    """The gate's "seen before" question, asked of the ledger."""
    return lambda sha, unit: piece_seen(session, sha, unit) is not None


def judge_raw(app: App, raw: bytes, session: Session | None = None) -> Judgement:
    return judge_config(app.config, raw, piece_seen_in(session) if session is not None else None)


def _outcome(message: Message, new: bool) -> Outcome:
    return Outcome(message.id, message.verdict, message.reason, message.sender,
                   message.unit.name if message.unit else None, len(message.pieces), new)


def already_recorded(session: Session, mailbox: str, uidvalidity: int | None, uid: int | None,
                     sha: str) -> Message | None:
    return find_message(session, mailbox, uidvalidity, uid) or find_message_by_sha(session, sha)


def process(app: App, raw: bytes, *, mailbox: str, uidvalidity: int | None = None, uid: int | None = None,
            received_at: datetime | None = None) -> Outcome:
    sha = sha256_of(raw)
    when = received_at or datetime.now(timezone.utc)
    path = archive_raw(app.config.archive_dir, raw, sha, when, app.config.tz)  # idempotent

    with app.sessions() as session:
        seen = already_recorded(session, mailbox, uidvalidity, uid, sha)
        if seen is not None:
            return _outcome(seen, new=False)
        verdict = judge_raw(app, raw, session)
        m = verdict.message
        # the commission (约稿) each piece answers, or a flag for the office
        links = links_for(app, session, verdict.unit, m, [(p.source, p.title) for p in verdict.pieces])
        message = record_message(session, MessageRecord(
            mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, sha256=sha, message_id=m.message_id,
            sender=m.sender, subject=m.subject, received_at=when, size=len(raw), archive_path=str(path),
            verdict=verdict.verdict.value, reason=verdict.reason.value if verdict.reason else None,
            detail=verdict.detail, unit_name=verdict.unit,
            pieces=tuple(PieceRecord(p.source, p.sha256, p.title, p.stated_unit, p.author, p.category,
                                     p.word_count, link.commission_id, link.how, link.candidates)
                         for p, link in zip(verdict.pieces, links, strict=True)),
            rule_hits=tuple((h.rule.value, h.detail) for h in verdict.hits),
        ))
        _queue_mail(app, session, verdict, message)
        if verdict.reason is Reason.APPROVAL_REPLY and verdict.detail:
            release_by_reply(session, verdict.detail, verdict.sender)
        queue_flag_alert(app, session, message)  # a piece that could answer several commissions
        try:
            session.commit()
        except IntegrityError:  # lost a race to another process (`poll --once` beside the daemon)
            session.rollback()
            seen = already_recorded(session, mailbox, uidvalidity, uid, sha)
            if seen is None:
                raise
            return _outcome(seen, new=False)
        return _outcome(message, new=True)


def release_by_reply(session: Session, code: str, sender: str | None) -> bool:
    """An office address quoted a draft's code: mark its period approved, in the message's own
    transaction. The next notice job (or `baosong notify approve` again) queues and sends it."""
    from baosong.ledger.approvals import approval_by_code, approve

    row = approval_by_code(session, code)
    return row is not None and approve(session, row, sender or "")


def _queue_mail(app: App, session: Session, verdict: Judgement, message: Message) -> None:
    """Queue what the verdict's disposition asks for: a reply to the sender, an alert to the office."""
    smtp = app.config.settings.smtp
    office = app.config.settings.office
    replied = reply_to(verdict.verdict.value, verdict.sender, smtp_configured=smtp is not None)
    alerted = alert_to(verdict.verdict.value, office.to, smtp_configured=smtp is not None)
    if not replied or smtp is None:
        return
    received = message.received_at.astimezone(app.config.tz).strftime("%Y年%m月%d日 %H:%M")
    subject, text = render_reply(
        verdict=verdict.verdict, reason=verdict.reason, detail=verdict.detail, sender=verdict.sender,
        subject=verdict.message.subject, unit=verdict.unit,
        pieces=[ReplyPiece(p.source, p.title, p.category, p.word_count) for p in verdict.pieces],
        office_name=office.name, department=office.department, phone=office.phone, received_at=received,
    )
    mail = compose(sender=smtp.sender, to=replied, subject=subject, text=text,
                   in_reply_to=verdict.message.message_id, auto_submitted="auto-replied")
    enqueue(session, key=f"reply:{message.id}", kind=MailKind.REPLY, recipients=replied, subject=subject,
            raw=mail.as_bytes(), message_ref=message.id)
    if alerted:
        subject, text = render_alert(reason=verdict.reason, detail=verdict.detail, sender=verdict.sender,
                                     subject=verdict.message.subject, unit=verdict.unit, received_at=received,
                                     archive_path=message.archive_path)
        alert = compose(sender=smtp.sender, to=alerted, subject=subject, text=text,
                        auto_submitted="auto-generated")
        enqueue(session, key=f"alert:{message.id}", kind=MailKind.ALERT, recipients=alerted, subject=subject,
                raw=alert.as_bytes(), message_ref=message.id)
