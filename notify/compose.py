"""Build outgoing RFC 5322 messages (UTF-8, CRLF) from rendered text."""

from __future__ import annotations

from collections.abc import Sequence
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
    return msg
