"""Replies to senders: the receipt for an accepted message, the reason for a rejected one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .render import render

REPLY_SUBJECT = {
    "accepted": "已受理：{subject}",
    "rejected": "未受理（请阅读原因）：{subject}",
    "quarantined": "已隔离，待人工处理：{subject}",
}


@dataclass(frozen=True)
class ReplyPiece:
    source: str
    title: str | None
    category: str | None
    word_count: int


def render_reply(
    *,
    verdict: str,
    reason: str | None,
    detail: str | None,
    sender: str,
    subject: str,
    unit: str | None,
    pieces: Sequence[ReplyPiece],
    office_name: str,
    department: str,
    phone: str | None,
    received_at: str,
) -> tuple[str, str]:
    """(subject, plain text) of the reply; Chinese, for the unit's information officer."""
    text = render(
        "reply.txt.j2", verdict=verdict, reason=reason, detail=detail, sender=sender, subject=subject,
        unit=unit, pieces=pieces, office_name=office_name, department=department, phone=phone,
        received_at=received_at,
    )
    title = REPLY_SUBJECT[verdict].format(subject=subject or "（无主题）")
    return title, text


def render_alert(*, reason: str, detail: str | None, sender: str, subject: str, unit: str | None,
                 received_at: str, archive_path: str) -> tuple[str, str]:
    """An alert to the office about a quarantined message."""
    text = render("alert.txt.j2", reason=reason, detail=detail, sender=sender, subject=subject, unit=unit,
                  received_at=received_at, archive_path=archive_path)
    return f"【需人工处理】疑似涉密邮件：{subject or '（无主题）'}", text


def render_failure_alert(*, attempts: int, folder: str, sender: str | None, subject: str, received_at: str,
                         mailbox: str, uid: int | None, first_at: str, error: str,
                         archive_path: str | None) -> tuple[str, str]:
    """An alert to the office about a message set aside after repeated processing failures."""
    context = dict(attempts=attempts, folder=folder, sender=sender, subject=subject, received_at=received_at,
                   mailbox=mailbox, uid=uid, first_at=first_at, error=error, archive_path=archive_path)
    return render("failure_alert_subject.txt.j2", **context).strip(), render("failure_alert.txt.j2", **context)
