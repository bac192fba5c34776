"""Header values: RFC 2047 encoded words, addresses, dates and the Received trace."""

from __future__ import annotations

import binascii
import re
import unicodedata
from datetime import datetime, timezone
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from .charsets import codec_for, decode_bytes, raw_text, to_bytes, unfold
from .guess import decode_undeclared

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?]*)\?=")
_B64_JUNK = re.compile(r"[^A-Za-z0-9+/]")
_B64_BODY = re.compile(rb"[A-Za-z0-9+/=\s]*")
_B64_LINE = re.compile(rb"[A-Za-z0-9+/=]*")
_B64_BYTES_JUNK = re.compile(rb"[^A-Za-z0-9+/=]+")


def b64_bytes(data: bytes, *, by_line: bool = True) -> bytes:
    """Lenient base64 that never raises.

    A line holding anything but base64 characters is dropped whole (a damaged line,
    a truncated boundary): the 4-character quanta of the lines after it stay
    aligned. Padding is repaired, a truncated tail yields the decodable prefix, and
    concatenated, separately padded chunks all decode.
    """
    if by_line:
        # the common case, a clean body: whitespace dropped in C, then one strict decode (no regex pass)
        compact = data.translate(None, b" \t\r\n")
        if len(compact) % 4 == 0:
            try:
                return binascii.a2b_base64(compact, strict_mode=True)
            except (binascii.Error, ValueError):
                pass
    if by_line and not _B64_BODY.fullmatch(data):
        data = b"".join(line for line in (raw.strip() for raw in data.splitlines())
                        if _B64_LINE.fullmatch(line))
    data = _B64_BYTES_JUNK.sub(b"", data)
    out = bytearray()
    for chunk in data.split(b"="):
        if len(chunk) % 4 == 1:
            chunk = chunk[:-1]      # a lone sextet carries no whole octet
        if chunk:
            try:
                out += binascii.a2b_base64(chunk + b"=" * (-len(chunk) % 4))
            except (binascii.Error, ValueError):  # pragma: no cover - input is clean here
                pass
    return bytes(out)


def _b64(text: str) -> bytes:
    """Encoded-word base64: stray characters are skipped, not the whole word."""
    return b64_bytes(text.encode("ascii", "ignore"), by_line=False)


def _word_bytes(words: list[tuple[str, str]], payload_octets: bool = False) -> bytes:
    """Octets of a run of encoded words in one charset.

    Standard B words are whole base64 quanta and decode one by one; a word that is
    not (a client that split base64 mid-quantum) is carried into the next word.
    """
    out = bytearray()
    carry = ""
    for enc, payload in words:
        if enc in "bB":
            carry += _B64_JUNK.sub("", payload.rstrip("="))
            if len(carry) % 4 == 0 or payload.endswith("="):
                out += _b64(carry)
                carry = ""
        else:
            if carry:
                out += _b64(carry)
                carry = ""
            out += binascii.a2b_qp(payload.encode("latin-1" if payload_octets else "utf-8", "replace"),
                                   header=True)
    if carry:
        out += _b64(carry)
    return bytes(out)


def decode_words(text: str, *, octets: bool = False) -> str:
    """Decode RFC 2047 encoded words anywhere in ``text`` (also inside quotes).

    ``octets``: ``text`` is raw header bytes read as Latin-1 (one character per octet): 8-bit
    bytes inside an encoded word are then decoded with the word's declared charset, and the text
    between words by evidence (``decode_undeclared``)."""
    def gap_text(gap: str) -> str:
        return decode_undeclared(gap.encode("latin-1")) if octets and not gap.isascii() else gap

    if "=?" not in text:
        return gap_text(text)
    pieces: list[str] = []
    run: list[tuple[str, str]] = []
    run_key: str | None = None
    run_label = ""
    pos = 0

    def flush() -> None:
        nonlocal run, run_key
        if run:
            pieces.append(decode_bytes(_word_bytes(run, octets), run_label))
        run, run_key = [], None

    for m in _ENCODED_WORD.finditer(text):
        gap = text[pos:m.start()]
        label, enc, payload = m.group(1), m.group(2), m.group(3)
        key = codec_for(label) or label.lower()
        if gap and not (run and gap.strip(" \t") == ""):
            flush()
            pieces.append(gap_text(gap))
        elif key != run_key:
            flush()                 # whitespace between words of two charsets: dropped
        if not run:
            run_key, run_label = key, label
        run.append((enc, payload))
        pos = m.end()
    flush()
    pieces.append(gap_text(text[pos:]))
    return "".join(pieces)


def decode_header_value(value: str | bytes) -> str:
    """Fully decode one header value (raw bytes or a parser string): unfolded, stripped."""
    try:
        data = to_bytes(value) if not isinstance(value, str) or not value.isascii() else None
        if data is not None and not data.isascii() and b"=?" in data:
            # 8-bit bytes beside or inside encoded words: each word by its own charset
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return clean_text(decode_words(unfold(data.decode("latin-1")), octets=True)).strip()
        return clean_text(decode_words(unfold(raw_text(value)))).strip()
    except Exception:               # pragma: no cover - defensive: never raise
        return to_bytes(value).decode("utf-8", "replace").strip()


_WS = re.compile(r"[ \t\r\n\f\v]+")
# escape sequences (ANSI CSI, ISO 2022 designations left over) and every control character a header
# must not carry into a subject, a title or a reply header: C0, DEL, C1, line/paragraph separators
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[()$*+\-./][@-~A-Za-z]?|[$][()*+]?[@-~]|.)?")
_CONTROLS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """No escape sequence and no control character survives (line breaks of any kind become spaces)."""
    if text.isprintable():   # no control, format, separator (but the space), unassigned or surrogate: nothing to do
        return text
    text = _CONTROLS.sub(" ", _ESCAPES.sub("", text))
    if text.isascii():
        return text
    # unassigned code points and lone surrogates (undecodable bytes kept by surrogateescape) go too
    return "".join(c for c in text if c.isascii() or unicodedata.category(c) not in ("Cn", "Cs"))


def normalise_ws(text: str) -> str:
    """Collapse ASCII whitespace runs (ideographic space U+3000 is content, kept)."""
    return _WS.sub(" ", text).strip()


# ---------------------------------------------------------------- addresses

def _valid_addr(addr: str) -> bool:
    local, at, domain = addr.rpartition("@")
    return bool(at and local and domain) and not any(c in addr for c in " \t<>,;\"")


def _clean_name(name: str) -> str:
    name = normalise_ws(clean_text(name))
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        name = name[1:-1].strip()
    return name


def address_list(value: str | bytes) -> list[tuple[str, str]]:
    """(display name, lowercased addr-spec) pairs; addr '' for a name without address."""
    text = unfold(raw_text(value)).strip()
    if not text:
        return []
    try:
        pairs = getaddresses([text])
    except Exception:
        pairs = []
    out = [(_clean_name(decode_words(n)), a.strip().lower())
           for n, a in pairs if _valid_addr(a.strip())]
    if out:
        return out
    if "=?" in text:
        # Some clients encode the whole "name <addr>" as one encoded word.
        decoded = decode_words(text)
        if "@" in decoded:
            try:
                pairs2 = getaddresses([decoded])
            except Exception:
                pairs2 = []
            out = [(_clean_name(n), a.strip().lower()) for n, a in pairs2 if _valid_addr(a.strip())]
            if out:
                return out
    # No usable address: keep what there is as a display name.
    names = [n or a for n, a in pairs if (n or a).strip()]
    name = _clean_name(decode_words(names[0] if names else text.strip("<>")))
    return [(name, "")] if name else []


def parse_address(value: str | bytes) -> tuple[str, str]:
    """(decoded display name, lowercased addr-spec) of the first address in ``value``.

    The addr-spec is '' when there is none that looks like ``local@domain``.
    """
    try:
        pairs = address_list(value)
    except Exception:               # pragma: no cover - defensive
        return "", ""
    for name, addr in pairs:
        if addr:
            return name, addr
    return pairs[0] if pairs else ("", "")


# ---------------------------------------------------------------- dates

def parse_date(text: str | None) -> datetime | None:
    """A tz-aware datetime, or None. A date without a zone (or -0000) is taken as UTC."""
    if not text:
        return None
    dt = None
    try:
        dt = parsedate_to_datetime(text)
    except Exception:
        dt = None
    if dt is None:
        try:
            from mailparser.dates import parse_mail_date
            dt = parse_mail_date(text).value
        except Exception:
            dt = None
    if dt is not None and dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def received_header_time(value: str | bytes | None) -> datetime | None:
    """The time stamped in one (the topmost) Received field."""
    if value is None:
        return None
    return parse_date(_received_date_text(decode_header_value(value)))


def received_time(raw: bytes) -> datetime | None:
    """The topmost Received header's time, reading the header block only (cheaper than parse_message)."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(bytes(raw))
        return received_header_time(headers.get("Received"))
    except Exception:  # never raise on junk, like parse_message
        return None


def _received_date_text(value: str) -> str | None:
    """The date-time after the ';' of a Received field."""
    try:
        from mailparser.utils import parse_received
        date = parse_received(value).get("date")
        if date:
            return date
    except Exception:
        pass
    # Fallback: the text after the last ';' outside comments and quoted strings.
    depth, quoted, last = 0, False, -1
    for i, ch in enumerate(value):
        if quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            last = i
    return value[last + 1:].strip() if last >= 0 else None

