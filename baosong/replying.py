"""The mails one judged message calls for — the reply to its sender, the alert to the office —
built without the ORM, so that `baosong inspect` builds exactly what `poll` queues (and fails
the same way if building ever fails).

Who receives what is decided in ``notify/recipients.py`` (pure); this module only wires the
config and the judgement into it and into the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass

from baosong.config.loader import Config
from baosong.intake.judge import Judgement
from baosong.notify.compose import compose
from baosong.notify.recipients import alert_to, reply_to, reply_withheld
from baosong.notify.replies import ReplyPiece, ReplySkipped, render_alert, render_reply
from baosong.vocabulary import MailKind


@dataclass(frozen=True)
class Outgoing:
    kind: MailKind
    recipients: tuple[str, ...]
    subject: str
    raw: bytes


@dataclass(frozen=True)
class Mails:
    reply: Outgoing | None
    alert: Outgoing | None
    withheld: str | None = None      # why the sender gets no reply although the verdict has one

    def as_json(self) -> dict:
        return {
            "reply": {"to": list(self.reply.recipients), "subject": self.reply.subject} if self.reply else None,
            "reply_withheld": self.withheld,
            "alert": {"to": list(self.alert.recipients), "subject": self.alert.subject} if self.alert else None,
        }


def build_mails(config: Config, verdict: Judgement, *, received_at: str, archive_path: str = "",
                rejections_today: int = 0) -> Mails:
    smtp = config.settings.smtp
    office = config.settings.office
    policy = config.settings.replies
    replied = reply_to(verdict.verdict.value, verdict.sender, smtp_configured=smtp is not None)
    alerted = alert_to(verdict.verdict.value, office.to, smtp_configured=smtp is not None)
    withheld = None
    if replied:
        withheld = reply_withheld(
            verdict.verdict, registered=verdict.unit is not None, authenticated=verdict.authenticated is not None,
            require_authentication=policy.require_authentication, precedence=verdict.precedence,
            rejections_today=rejections_today, max_rejections_per_day=policy.max_rejections_per_day)
        if withheld:
            replied = ()
    if smtp is None:
        return Mails(None, None)
    reply = alert = None
    if replied:
        subject, text = render_reply(
            verdict=verdict.verdict, reason=verdict.reason, detail=verdict.detail, sender=verdict.sender,
            subject=verdict.message.subject, unit=verdict.unit,
            pieces=[ReplyPiece(p.source, p.ledger_title, p.category, p.word_count, p.read_by)
                    for p in verdict.pieces],
            office_name=office.name, department=office.department, phone=office.phone, received_at=received_at,
            skipped=[ReplySkipped(source, reason) for source, reason in verdict.skipped],
            subject_max_chars=policy.subject_max_chars,
        )
        mail = compose(sender=smtp.sender, to=replied, subject=subject, text=text,
                       in_reply_to=verdict.message.message_id, auto_submitted="auto-replied")
        reply = Outgoing(MailKind.REPLY, replied, subject, mail.as_bytes())
    if alerted:
        subject, text = render_alert(reason=verdict.reason, detail=verdict.detail, sender=verdict.sender,
                                     subject=verdict.message.subject, unit=verdict.unit, received_at=received_at,
                                     archive_path=archive_path)
        mail = compose(sender=smtp.sender, to=alerted, subject=subject, text=text, auto_submitted="auto-generated")
        alert = Outgoing(MailKind.ALERT, alerted, subject, mail.as_bytes())
    return Mails(reply, alert, withheld)
