"""Build outgoing RFC 5322 messages (UTF-8, CRLF) from rendered text, with attachments and inline images."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr

# characters str.splitlines() breaks on (the email package refuses them in a header), and the
# other C0/C1 controls and escape sequences that must never reach a header a person reads
_LINE_BREAKS = dict.fromkeys(map(ord, "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"), " ")
# in a body: line separators become line ends, other controls go (the text stays readable)
_BODY_CONTROLS = {**dict.fromkeys(map(ord, "\x1c\x1d\x1e\x85\u2028\u2029"), "\n"),
                  **dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x1C), 0x1F, 0x7F,
                                   *range(0x80, 0x85), *range(0x86, 0xA0)], None)}
_CONTROLS = dict.fromkeys([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)], None)


def header_safe(value: str, limit: int = 900) -> str:
    """A header value the builder always accepts: no line break of any kind, no control character."""
    text = str(value).translate(_LINE_BREAKS).translate(_CONTROLS)
    text = " ".join(text.split())
    return text[:limit]


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
    msg["From"] = header_safe(sender)
    msg["To"] = ", ".join(header_safe(t) for t in to)
    if cc:
        msg["Cc"] = ", ".join(header_safe(c) for c in cc)
    msg["Subject"] = header_safe(subject)
    msg["Date"] = format_datetime(when or datetime.now(timezone.utc))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "baosong.invalid"
    msg["Message-ID"] = message_id or make_msgid(idstring="baosong", domain=domain)
    in_reply_to = header_safe(in_reply_to or "")
    if " " in in_reply_to or not (in_reply_to.startswith("<") and in_reply_to.endswith(">")):
        in_reply_to = ""  # not a message id: neither answered nor referenced
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if in_reply_to or references:
        msg["References"] = " ".join([*references, *([in_reply_to] if in_reply_to else [])])
    if auto_submitted:
        # RFC 3834: tells other robots (and our own gate) never to answer this mail
        msg["Auto-Submitted"] = auto_submitted
    msg.set_content(text.translate(_BODY_CONTROLS), charset="utf-8")
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
