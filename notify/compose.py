"""Build outgoing RFC 5322 messages (UTF-8, CRLF) from rendered text, with attachments and inline images."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr


@dataclass(frozen=True)
class Attachment:
    """A file attached to a mail (the formal notice .docx/.pdf, the 台账 .xlsx, a letter)."""

    filename: str
    data: bytes
    mime: str          # "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class InlineImage:
    """An image shown inside the HTML part, referenced there as ``<img src="cid:{cid}">``."""

    cid: str           # without angle brackets: "chart-scores@baosong"
    data: bytes
    mime: str = "image/png"


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    attachments: Sequence[Attachment] = (),
    inline: Sequence[InlineImage] = (),
) -> EmailMessage:
    """multipart/alternative (text, HTML); the HTML with its inline images as multipart/related; files
    attached after it (multipart/mixed). Non-ASCII file names are encoded per RFC 2231."""
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
        if inline:
            html_part = msg.get_body(("html",))
            if not isinstance(html_part, EmailMessage):  # set just above: always an EmailMessage
                raise TypeError("no HTML part to relate images to")
            for image in inline:
                maintype, _, subtype = image.mime.partition("/")
                html_part.add_related(image.data, maintype=maintype, subtype=subtype, cid=f"<{image.cid}>",
                                      disposition="inline")
    for a in attachments:
        maintype, _, subtype = a.mime.partition("/")
        msg.add_attachment(a.data, maintype=maintype, subtype=subtype, filename=a.filename)
    return msg
