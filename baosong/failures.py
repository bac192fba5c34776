"""A message whose processing raised: count the attempt; after N, set it aside and alert the office once.

Wiring only: the ledger counts and records (``ledger/failures.py``), notify decides who is told
(``notify/recipients.py``) and what they read (``templates/failure_alert*.txt.j2``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from email import message_from_bytes
from email.header import decode_header, make_header
from email.utils import parseaddr

from baosong.app import App
from baosong.archive import archive_raw
from baosong.ledger.failures import exhausted, record_failure, set_aside
from baosong.ledger.messages import MessageRecord
from baosong.ledger.outbox import enqueue
from baosong.messages import say
from baosong.notify.compose import compose
from baosong.notify.recipients import failure_alert_to
from baosong.notify.replies import render_failure_alert
from baosong.vocabulary import MailKind, Reason, Verdict


@dataclass(frozen=True)
class FailureOutcome:
    attempts: int
    max_attempts: int
    set_aside_id: int | None   # the message row once set aside (then it goes to the quarantine folder)


def _header(msg, name: str) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except Exception:  # undecodable words: keep them as they are
        return str(value)


def _peek(raw: bytes) -> tuple[str, str, str | None]:
    """Sender, subject, Message-ID by the standard library alone: the full parser may be what failed."""
    try:
        msg = message_from_bytes(raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\r\n\r\n")
        sender = parseaddr(_header(msg, "From"))[1].lower()
        return sender, _header(msg, "Subject"), (msg.get("Message-ID") or None)
    except Exception:
        return "", "", None


def note_failure(app: App, *, mailbox: str, uidvalidity: int | None, uid: int | None, raw: bytes,
                 received_at: datetime | None, error: str, quarantine_folder: str | None = None) -> FailureOutcome:
    """Count this failure; once the message has failed ``limits.max_attempts`` times, set it aside."""
    received_at = received_at or datetime.now(timezone.utc)
    max_attempts = app.config.settings.limits.max_attempts
    sha = hashlib.sha256(raw).hexdigest()
    with app.sessions() as session:
        failure = record_failure(session, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, sha256=sha,
                                 error=error)
        if not exhausted(failure, max_attempts):
            session.commit()
            return FailureOutcome(failure.attempts, max_attempts, None)
        try:
            archive_path = str(archive_raw(app.config.archive_dir, raw, sha, received_at, app.config.tz))
        except OSError:  # the archive may be what fails; the quarantine folder still holds the message
            archive_path = ""
        sender, subject, message_id = _peek(raw)
        unit = app.config.unit_for(sender) if sender else None
        last_line = error.strip().splitlines()[-1] if error.strip() else ""
        message_id_ = set_aside(session, failure, MessageRecord(
            mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, sha256=sha, message_id=message_id,
            sender=sender, subject=subject, received_at=received_at, size=len(raw), archive_path=archive_path,
            verdict=Verdict.QUARANTINED.value, reason=Reason.PROCESSING_FAILED.value,
            detail=last_line[:1000], unit_name=unit.name if unit else None,
        ))
        smtp = app.config.settings.smtp
        office_to = failure_alert_to(app.config.settings.office.to, smtp_configured=smtp is not None)
        if office_to and smtp is not None:
            if quarantine_folder is None:
                cfg = next((m for m in app.config.settings.mailboxes if m.name == mailbox), None)
                quarantine_folder = cfg.quarantine_folder if cfg else ""
            subject_line, text = render_failure_alert(
                attempts=failure.attempts, folder=quarantine_folder, sender=sender,
                subject=subject, received_at=say("poll.mail_time", when=received_at.astimezone(app.config.tz)),
                mailbox=mailbox, uid=uid,
                first_at=say("poll.mail_time", when=failure.first_at.astimezone(app.config.tz)),
                error=last_line, archive_path=archive_path or None)
            alert = compose(sender=smtp.sender, to=office_to, subject=subject_line, text=text,
                            auto_submitted="auto-generated")
            enqueue(session, key=f"alert:{message_id_}", kind=MailKind.ALERT, recipients=office_to,
                    subject=subject_line, raw=alert.as_bytes(), message_ref=message_id_)
        session.commit()
        return FailureOutcome(failure.attempts, max_attempts, message_id_)
