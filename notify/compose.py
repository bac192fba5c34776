"""Build outgoing RFC 5322 messages (UTF-8, CRLF) from rendered text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr


def compose(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    in_reply_to: str | None = None,
    auto_submitted: str | None = None,
    when: datetime | None = None,
    cc: Sequence[str] = (),
    message_id: str | None = None,
    references: Sequence[str] = (),
) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when or datetime.now(timezone.utc))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "baosong.invalid"
    msg["Message-ID"] = message_id or make_msgid(idstring="baosong", domain=domain)
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if in_reply_to or references:
        msg["References"] = " ".join([*references, *([in_reply_to] if in_reply_to else [])])
    if auto_submitted:
        # RFC 3834: tells other robots (and our own gate) never to answer this mail
        msg["Auto-Submitted"] = auto_submitted
    msg.set_content(text, charset="utf-8")
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg
