"""One message through the whole flow: archive → judge (intake) → record (ledger) → queue reply (notify).

A message is recorded at most once: it is known by (mailbox, UIDVALIDITY, UID) and by
the SHA-256 of its raw bytes, so a crash before the IMAP move, or a UIDVALIDITY reset,
never records it twice. The reply is queued in the same transaction as the record.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from baosong.app import App
from baosong.archive import ArchiveBatch, archive_raw
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
    pieces_seen,
    record_message,
)
from baosong.ledger.models import Message
from baosong.ledger.outbox import enqueue
from baosong.notify.compose import compose
from baosong.notify.recipients import alert_to, reply_to
from baosong.notify.replies import ReplyPiece, render_alert, render_reply
from baosong.vocabulary import MailKind, Verdict


@dataclass(frozen=True)
class Outcome:
    ledger_id: int
    verdict: str
    reason: str | None
    sender: str
    unit: str | None
    pieces: int
    new: bool            # False when the message had been recorded before


@dataclass
class Batch:
    """Several messages of one mailbox folder recorded in one transaction (``baosong.poll``).

    The caller opens the session, makes the archive durable (``archive.sync()``) and commits once
    for the whole batch; ``known`` holds the batch's messages already in the ledger by SHA-256.
    """

    session: Session
    archive: ArchiveBatch
    known: dict[str, Message] = field(default_factory=dict)
    # judged ahead by another process, without the ledger (``baosong.judge_pool``), by SHA-256
    verdicts: dict[str, Judgement] = field(default_factory=dict)
    # (document SHA-256, unit) of those verdicts' pieces already in the ledger (one query), and the batch's own
    seen_pieces: set[tuple[str, str]] = field(default_factory=set)

    # every message of the batch in order, and the new ones' verdicts: see finish()
    messages: list[tuple[Message, bool]] = field(default_factory=list)
    replies: list[tuple[Judgement, Message]] = field(default_factory=list)

    def add(self, message: Message, *, new: bool) -> Outcome:
        """Note a message of the batch; its outcome (with its ledger id) comes from :meth:`finish`."""
        self.messages.append((message, new))
        return Outcome(-1, message.verdict, message.reason, message.sender, None, len(message.pieces), new)

    def finish(self, app: App) -> list[Outcome]:
        """Insert the batch's messages in one flush, queue their replies; their outcomes, in order."""
        self.session.flush()
        for verdict, message in self.replies:
            _queue_mail(app, self.session, verdict, message)
        self.session.flush()
        return [_outcome(message, new) for message, new in self.messages]

    def ask_ledger(self) -> None:
        """Look up the pieces of every verdict judged ahead in one query."""
        self.seen_pieces |= pieces_seen(self.session, (
            (p.sha256, v.unit) for v in self.verdicts.values() if v.unit is not None for p in v.pieces))


def _seen_before(batch: Batch, verdict: Judgement) -> bool:
    """Whether a verdict judged without the ledger would change with it: an accepted piece seen before."""
    return verdict.verdict is Verdict.ACCEPTED and verdict.unit is not None and any(
        (p.sha256, verdict.unit) in batch.seen_pieces for p in verdict.pieces)


def piece_seen_in(session: Session) -> SeenPiece:
    """The gate's "seen before" question, asked of the ledger."""
    return lambda sha, unit: piece_seen(session, sha, unit) is not None


def judge_raw(app: App, raw: bytes, session: Session | None = None, size: int | None = None) -> Judgement:
    return judge_config(app.config, raw, piece_seen_in(session) if session is not None else None, size=size)


def _outcome(message: Message, new: bool) -> Outcome:
    return Outcome(message.id, message.verdict, message.reason, message.sender,
                   message.unit.name if message.unit else None, len(message.pieces), new)


def already_recorded(session: Session, mailbox: str, uidvalidity: int | None, uid: int | None,
                     sha: str) -> Message | None:
    return find_message(session, mailbox, uidvalidity, uid) or find_message_by_sha(session, sha)


def process(app: App, raw: bytes, *, mailbox: str, uidvalidity: int | None = None, uid: int | None = None,
            received_at: datetime | None = None, size: int | None = None, batch: Batch | None = None) -> Outcome:
    """Archive, judge, record and queue the reply of one message; ``size`` is the message's size on the
    server when ``raw`` holds only its header (too large to download). With ``batch`` the caller commits."""
    sha = sha256_of(raw)
    when = received_at or datetime.now(timezone.utc)
    if batch is not None:
        path = batch.archive.write(raw, sha, when)  # durable before the batch's commit
    else:
        path = archive_raw(app.config.archive_dir, raw, sha, when, app.config.tz)  # idempotent

    with nullcontext(batch.session) if batch is not None else app.sessions() as session:
        if batch is not None:  # the batch's UIDs were checked before fetching; its SHA-256s in one query
            seen = batch.known.get(sha)
        else:
            seen = already_recorded(session, mailbox, uidvalidity, uid, sha)
        if seen is not None:
            if batch is not None:
                return batch.add(seen, new=False)
            return _outcome(seen, new=False)
        ahead = batch.verdicts.pop(sha, None) if batch is not None else None
        if batch is not None and ahead is not None and not _seen_before(batch, ahead):
            verdict = ahead
        else:
            verdict = judge_raw(app, raw, session, size)
        m = verdict.message
        message = record_message(session, MessageRecord(
            mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, sha256=sha, message_id=m.message_id,
            sender=m.sender, subject=m.subject, received_at=when, size=size or len(raw), archive_path=str(path),
            verdict=verdict.verdict.value, reason=verdict.reason.value if verdict.reason else None,
            detail=verdict.detail, unit_name=verdict.unit,
            pieces=tuple(PieceRecord(p.source, p.sha256, p.title, p.stated_unit, p.author, p.category,
                                     p.word_count) for p in verdict.pieces),
            rule_hits=tuple((h.rule.value, h.detail) for h in verdict.hits),
        ), flush=batch is None)
        if batch is not None:  # flushed with the whole batch; its reply queued then (the key needs its id)
            batch.known[sha] = message
            if verdict.unit is not None:   # a second copy later in the same batch is a duplicate
                batch.seen_pieces.update((p.sha256, verdict.unit) for p in verdict.pieces)
            batch.replies.append((verdict, message))
            return batch.add(message, new=True)
        _queue_mail(app, session, verdict, message)
        try:
            session.commit()
        except IntegrityError:  # lost a race to another process (`poll --once` beside the daemon)
            session.rollback()
            seen = already_recorded(session, mailbox, uidvalidity, uid, sha)
            if seen is None:
                raise
            return _outcome(seen, new=False)
        return _outcome(message, new=True)


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
