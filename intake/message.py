"""Turn one raw RFC 5322 message into a clean, fully decoded structure.

Pure: bytes in, values out, no I/O. Never raises on malformed input.

The stdlib parser (``email`` with ``policy.compat32``) is used only for the MIME
structure and for transfer decoding of payloads (base64 / quoted-printable), which
it gets right byte for byte. Every *text* decision is made here, in a thin layer
that fixes how Chinese mail clients (Foxmail, Outlook, QQ Mail, NetEase 126/163
web mail, WPS) really encode things:

* gb2312 / gbk / cp936 / x-gbk labels decode as gb18030, a strict superset
  (喆, 镕 and thousands of other names exist only in GBK);
* raw 8-bit bytes in headers and parameters (filenames) are recovered from the raw
  header bytes: UTF-8 if valid, else GB18030, else UTF-8 with U+FFFD;
* adjacent RFC 2047 encoded words of one charset are joined *as bytes* before
  decoding, so a character split across two words survives; whitespace between
  adjacent encoded words is dropped (RFC 2047 section 6.2);
* encoded words are decoded wherever they appear, including inside quoted
  strings (``"=?GBK?B?...?=" <a@b>``) and quoted ``filename="=?...?="``;
* RFC 2231 parameters (``filename*=``, ``filename*0*=`` continuations, with or
  without a charset) are joined as bytes before decoding; ``filename`` on
  Content-Disposition wins over ``name`` on Content-Type, an RFC 2231 form wins
  over a plain one;
* every part is visited, including those inside attached message/rfc822
  (forwarded) messages, also when such a message is itself base64-encoded;
* a label that does not decode the bytes falls back to UTF-8, then GB18030, then
  the label with replacement characters.

mail-parser is used for what it is good at: splitting a Received header into
clauses, so that the receipt time of the topmost (newest) hop is read from the
provider's own trace field rather than from the sender-controlled Date header.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from email.message import Message

from .mime.charsets import raw_text, to_bytes
from .mime.guess import guessing
from .mime.headers import (
    address_list,
    decode_header_value,
    normalise_ws,
    parse_address,
    parse_date,
    received_header_time,
    received_time,
)
from .mime.html import cids_in, html_to_text
from .mime.walk import Collector, PartInfo, join_texts, parse_bytes

__all__ = ["Attachment", "ParsedMessage", "decode_header_value", "html_to_text", "parse_address", "parse_message",
           "received_time"]


# ---------------------------------------------------------------- result types


@dataclass(frozen=True)
class Attachment:
    filename: str          # decoded; '' when none
    content_type: str      # lowercased, e.g. 'application/vnd.openxmlformats-...'
    data: bytes            # decoded payload bytes (exact)
    inline: bool           # Content-Disposition inline (or a cid image referenced by the HTML)


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None
    sender: str                   # From addr-spec, lowercased; '' if missing/unparseable
    sender_name: str              # decoded display name
    reply_to: str | None          # lowercased addr-spec
    return_path: str | None       # '' for the null path '<>', None when absent
    to: tuple[str, ...]
    subject: str                  # decoded, whitespace-normalised
    date: datetime | None         # Date header: sender-controlled, informational only
    received_at: datetime | None  # topmost Received header: the provider's receipt time
    content_type: str             # top-level, lowercased
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    size: int                     # len(raw)
    # Top-level header fields in message order: (name, raw value bytes, folding kept).
    raw_headers: tuple[tuple[str, bytes], ...] = ()
    # What the MIME walk skipped and why (a part it could not read, nesting too deep ...).
    defects: tuple[str, ...] = ()
    # Text in no declared charset, decided by evidence: "<codec>: <the text as decoded>"
    guessed_charsets: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), decoded; None if absent."""
        key = name.strip().rstrip(":").lower()
        for hname, value in self.raw_headers:
            if hname.lower() == key:
                return decode_header_value(value)
        return None

    def headers(self, name: str) -> tuple[str, ...]:
        """All values of header ``name`` (case-insensitive), decoded, in message order."""
        key = name.strip().rstrip(":").lower()
        return tuple(decode_header_value(v) for h, v in self.raw_headers if h.lower() == key)



# ---------------------------------------------------------------- the message


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse raw RFC 5322 bytes. Never raises on malformed input.

    Text in no declared charset is decided by evidence (``mime/guess.py``); each such guess is
    listed in ``guessed_charsets`` as ``<codec>: <text>``."""
    with guessing() as guessed:
        parsed = _parse(raw)
    return replace(parsed, guessed_charsets=tuple(guessed)) if guessed else parsed


def _parse(raw: bytes) -> ParsedMessage:
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    raw = bytes(raw)
    msg = parse_bytes(raw)
    if msg is None:                 # (a Message with no headers is falsy: test for None)
        msg = Message()

    raw_headers: list[tuple[str, bytes]] = []
    try:
        for name, value in msg.raw_items():
            raw_headers.append((raw_text(str(name)).strip(), to_bytes(str(value))))
    except Exception:               # pragma: no cover - defensive
        pass
    first: dict[str, bytes] = {}
    for header_name, header_value in raw_headers:
        first.setdefault(header_name.lower(), header_value)

    def text_of(name: str) -> str | None:
        value = first.get(name)
        return None if value is None else decode_header_value(value)

    sender_name, sender = parse_address(first.get("from", b""))
    reply_to = None
    if "reply-to" in first:
        reply_to = parse_address(first["reply-to"])[1] or None
    return_path = _return_path(first.get("return-path"))
    to = tuple(addr for name, value in raw_headers if name.lower() == "to"
               for _display, addr in address_list(value) if addr)
    message_id = normalise_ws(text_of("message-id") or "") or None

    received_at = received_header_time(first.get("received"))

    collector = Collector()
    try:
        collector.message(msg, 0)
    except Exception as exc:        # RecursionError and friends: keep what was collected
        collector.defects.append(f"the MIME walk stopped early ({type(exc).__name__}: {exc})"[:200])
    try:
        top_type = PartInfo(msg, msg.get_default_type()).ctype
    except Exception:               # pragma: no cover - defensive
        top_type = "text/plain"

    texts: list[str] = []
    all_html: list[str] = []
    for plain, htmls in collector.bodies:
        all_html.extend(htmls)
        if plain:
            texts.append(join_texts(plain))
        elif htmls:
            texts.append(html_to_text("\n".join(htmls)))
    html = "\n".join(all_html) if all_html else None
    referenced = cids_in(html) if html and any(cid for *_, cid in collector.files) else frozenset()

    attachments = tuple(
        Attachment(
            filename=filename,
            content_type=ctype,
            data=data,
            inline=disp == "inline"
            or (disp != "attachment" and bool(cid) and cid.lower() in referenced),
        )
        for filename, ctype, data, disp, cid in collector.files
    )

    return ParsedMessage(
        message_id=message_id,
        sender=sender,
        sender_name=sender_name,
        reply_to=reply_to,
        return_path=return_path,
        to=to,
        subject=normalise_ws(text_of("subject") or ""),
        date=parse_date(text_of("date")),
        received_at=received_at,
        content_type=top_type,
        text=join_texts([t for t in texts if t]),
        html=html,
        attachments=attachments,
        size=len(raw),
        raw_headers=tuple(raw_headers),
        defects=tuple(collector.defects),
    )


def _return_path(value: bytes | None) -> str | None:
    """'' for the null reverse-path '<>', None when absent, else the lowercased address."""
    if value is None:
        return None
    text = decode_header_value(value)
    if text.strip("<> \t") == "":
        return ""
    addr = parse_address(text)[1]
    return addr or text.strip().strip("<>").strip().lower()
