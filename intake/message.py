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

import binascii
import codecs
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache
from urllib.parse import unquote_to_bytes

__all__ = ["Attachment", "ParsedMessage", "parse_message", "parse_address", "decode_header_value"]


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


# ---------------------------------------------------------------- charsets

# Labels Python does not know, or knows as a narrower codec than the one senders mean.
_CHARSET_ALIASES = {
    "x-gbk": "gb18030", "gb_2312": "gb18030", "gb-2312": "gb18030", "x-gb2312": "gb18030",
    "gb2312-80": "gb18030", "windows-936": "gb18030", "ms936": "gb18030", "x-euc-cn": "gb18030",
    "csgb2312": "gb18030", "x-cp936": "gb18030", "big5": "big5hkscs", "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs", "utf8": "utf-8", "x-utf-8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    "unicode-1-1-utf-7": "utf-7", "ks_c_5601-1987": "cp949",
}
_GB_CODECS = {"gb2312", "gbk", "gb18030"}
# Text codecs a hostile label must not select (they interpret, not decode).
_UNSAFE_CODECS = {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined",
                  "mbcs", "oem"}


@lru_cache(maxsize=512)
def _codec(label: str | None) -> str | None:
    """Python codec name for a MIME charset label; None when unknown or unusable."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower().split("*", 1)[0]   # RFC 2231 'utf-8*zh'
    if not key or len(key) > 40:
        return None
    if key in _CHARSET_ALIASES:
        return _CHARSET_ALIASES[key]
    try:
        info = codecs.lookup(key)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in _UNSAFE_CODECS:
        return None
    if info.name in _GB_CODECS:
        return "gb18030"
    return info.name


def _decode_bytes(data: bytes, label: str | None = None) -> str:
    """Decode with the label's codec; if that fails: UTF-8, GB18030, then with U+FFFD."""
    codec = _codec(label)
    if codec:
        try:
            return data.decode(codec)
        except Exception:
            pass
    if data.isascii():
        return data.decode("ascii")
    for fallback in ("utf-8", "gb18030"):
        if fallback != codec:
            try:
                return data.decode(fallback)
            except UnicodeDecodeError:
                pass
    try:
        return data.decode(codec or "utf-8", "replace")
    except Exception:
        return data.decode("utf-8", "replace")


def _to_bytes(value: str | bytes) -> bytes:
    """The original octets of a value read by BytesParser (8-bit kept as surrogates)."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:          # a real Unicode str (from a caller, not the parser)
        return value.encode("utf-8", "surrogateescape")


def _raw_text(value: str | bytes) -> str:
    """Recover raw 8-bit header octets: UTF-8 if valid, else GB18030, else U+FFFD."""
    if isinstance(value, str):
        if value.isascii():
            return value
        try:
            data = value.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:
            # Already real Unicode; only stray surrogates (if any) need recovering.
            if not any("\udc80" <= ch <= "\udcff" for ch in value):
                return value
            data = value.encode("utf-8", "surrogateescape")
    else:
        data = bytes(value)
    return _decode_bytes(data, None)


_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CRLF = re.compile(r"[\r\n]")


def _unfold(text: str) -> str:
    return _CRLF.sub("", _FOLD.sub("", text))


# ---------------------------------------------------------------- RFC 2047

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?]*)\?=")
_B64_JUNK = re.compile(r"[^A-Za-z0-9+/]")
_B64_BODY = re.compile(rb"[A-Za-z0-9+/=\s]*")
_B64_LINE = re.compile(rb"[A-Za-z0-9+/=]*")
_B64_BYTES_JUNK = re.compile(rb"[^A-Za-z0-9+/=]+")


def _b64_bytes(data: bytes, *, by_line: bool = True) -> bytes:
    """Lenient base64 that never raises.

    A line holding anything but base64 characters is dropped whole (a damaged line,
    a truncated boundary): the 4-character quanta of the lines after it stay
    aligned. Padding is repaired, a truncated tail yields the decodable prefix, and
    concatenated, separately padded chunks all decode.
    """
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
    return _b64_bytes(text.encode("ascii", "ignore"), by_line=False)


def _word_bytes(words: list[tuple[str, str]]) -> bytes:
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
            out += binascii.a2b_qp(payload.encode("utf-8", "replace"), header=True)
    if carry:
        out += _b64(carry)
    return bytes(out)


def _decode_words(text: str) -> str:
    """Decode RFC 2047 encoded words anywhere in ``text`` (also inside quotes)."""
    if "=?" not in text:
        return text
    pieces: list[str] = []
    run: list[tuple[str, str]] = []
    run_key: str | None = None
    run_label = ""
    pos = 0

    def flush() -> None:
        nonlocal run, run_key
        if run:
            pieces.append(_decode_bytes(_word_bytes(run), run_label))
        run, run_key = [], None

    for m in _ENCODED_WORD.finditer(text):
        gap = text[pos:m.start()]
        label, enc, payload = m.group(1), m.group(2), m.group(3)
        key = _codec(label) or label.lower()
        if gap and not (run and gap.strip(" \t") == ""):
            flush()
            pieces.append(gap)
        elif key != run_key:
            flush()                 # whitespace between words of two charsets: dropped
        if not run:
            run_key, run_label = key, label
        run.append((enc, payload))
        pos = m.end()
    flush()
    pieces.append(text[pos:])
    return "".join(pieces)


def decode_header_value(value: str | bytes) -> str:
    """Fully decode one header value (raw bytes or a parser string): unfolded, stripped."""
    try:
        return _decode_words(_unfold(_raw_text(value))).strip()
    except Exception:               # pragma: no cover - defensive: never raise
        return _to_bytes(value).decode("utf-8", "replace").strip()


_WS = re.compile(r"[ \t\r\n\f\v]+")


def _normalise_ws(text: str) -> str:
    """Collapse ASCII whitespace runs (ideographic space U+3000 is content, kept)."""
    return _WS.sub(" ", text).strip()


# ---------------------------------------------------------------- addresses

def _valid_addr(addr: str) -> bool:
    local, at, domain = addr.rpartition("@")
    return bool(at and local and domain) and not any(c in addr for c in " \t<>,;\"")


def _clean_name(name: str) -> str:
    name = _normalise_ws(name)
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        name = name[1:-1].strip()
    return name


def _addresses(value: str | bytes) -> list[tuple[str, str]]:
    """(display name, lowercased addr-spec) pairs; addr '' for a name without address."""
    text = _unfold(_raw_text(value)).strip()
    if not text:
        return []
    try:
        pairs = getaddresses([text])
    except Exception:
        pairs = []
    out = [(_clean_name(_decode_words(n)), a.strip().lower())
           for n, a in pairs if _valid_addr(a.strip())]
    if out:
        return out
    if "=?" in text:
        # Some clients encode the whole "name <addr>" as one encoded word.
        decoded = _decode_words(text)
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
    name = _clean_name(_decode_words(names[0] if names else text.strip("<>")))
    return [(name, "")] if name else []


def parse_address(value: str | bytes) -> tuple[str, str]:
    """(decoded display name, lowercased addr-spec) of the first address in ``value``.

    The addr-spec is '' when there is none that looks like ``local@domain``.
    """
    try:
        pairs = _addresses(value)
    except Exception:               # pragma: no cover - defensive
        return "", ""
    for name, addr in pairs:
        if addr:
            return name, addr
    return pairs[0] if pairs else ("", "")


# ---------------------------------------------------------------- dates

def _parse_date(text: str | None) -> datetime | None:
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


def _received_at(value: str | bytes | None) -> datetime | None:
    """The time stamped in one (the topmost) Received field."""
    if value is None:
        return None
    return _parse_date(_received_date_text(decode_header_value(value)))


def received_time(raw: bytes) -> datetime | None:
    """The topmost Received header's time, reading the header block only (cheaper than parse_message)."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(bytes(raw))
        return _received_at(headers.get("Received"))
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


# ---------------------------------------------------------------- MIME parameters


def _split_params(raw: str) -> tuple[str, list[tuple[str, str]]]:
    """Split ``value; a=1; b="x;y"`` into ('value', [('a','1'), ('b','x;y')]).

    Works on the parser string (raw 8-bit octets are surrogates). When the value
    holds 8-bit octets, backslash is literal: a GBK trail byte may be 0x5C.
    """
    raw = _unfold(raw)
    escapes = raw.isascii()
    segments: list[str] = []
    buf: list[str] = []
    quoted = False
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if quoted:
            if ch == "\\" and escapes and i + 1 < n:
                buf.append(ch + raw[i + 1])
                i += 2
                continue
            if ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == ";":
            segments.append("".join(buf))
            buf = []
            i += 1
            continue
        buf.append(ch)
        i += 1
    segments.append("".join(buf))
    main = segments[0].strip().lower()
    params: list[tuple[str, str]] = []
    for seg in segments[1:]:
        name, eq, value = seg.partition("=")
        name = name.strip().lower()
        if not eq or not name:
            continue
        value = value.strip()
        if value.startswith('"'):
            end = value.rfind('"')
            value = value[1:end] if end > 0 else value[1:]
            if escapes:
                value = re.sub(r"\\(.)", r"\1", value)
        params.append((name, value))
    return main, params


_RFC2231_LOOKALIKE = re.compile(r"^([A-Za-z0-9_.:-]+)'[A-Za-z-]*'(.*%[0-9A-Fa-f]{2}.*)$")


def _rfc2231(sections: list[tuple[str, bool]]) -> str:
    charset = None
    out = bytearray()
    for index, (value, encoded) in enumerate(sections):
        if index == 0 and encoded and value.count("'") >= 2:
            charset, _lang, value = value.split("'", 2)
        data = _to_bytes(value)
        out += unquote_to_bytes(data) if encoded else data
    return _decode_bytes(bytes(out), charset)


def _param(params: list[tuple[str, str]], key: str) -> str | None:
    """Decoded value of parameter ``key``; RFC 2231 forms win over a plain one."""
    plain: str | None = None
    extended: str | None = None
    sections: dict[int, tuple[str, bool]] = {}
    prefix = key + "*"
    for name, value in params:
        if name == key:
            if plain is None:
                plain = value
        elif name == prefix:
            if extended is None:
                extended = value
        elif name.startswith(prefix):
            rest = name[len(prefix):]
            encoded = rest.endswith("*")
            number = rest.rstrip("*")
            if number.isascii() and number.isdigit() and int(number) not in sections:
                sections[int(number)] = (value, encoded)
    result = None
    if sections:
        result = _rfc2231([sections[k] for k in sorted(sections)])
    elif extended is not None:
        result = _rfc2231([(extended, True)])
    if result and result.strip():
        return result.strip()
    if plain is None:
        return result.strip() if result else None
    lookalike = _RFC2231_LOOKALIKE.match(plain) if plain.isascii() else None
    if lookalike and _codec(lookalike.group(1)):
        return _rfc2231([(plain, True)]).strip()
    return _decode_words(_raw_text(plain)).strip()


# ---------------------------------------------------------------- parts

_CTYPE = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")
_NESTED = ("message/rfc822", "message/global")
_BODY_TYPES = ("text/plain", "text/html")
_MAX_DEPTH = 100


class _PartInfo:
    __slots__ = ("ctype", "params", "disposition", "dparams", "cte", "cid")

    def __init__(self, part: Message, default_type: str):
        first: dict[str, str] = {}
        for name, value in part.raw_items():
            key = name.strip().lower()
            if key not in first and isinstance(value, str):
                first[key] = value
        ctype, self.params = _split_params(first.get("content-type", ""))
        ctype = _unfold(ctype).replace(" ", "").replace("\t", "")
        self.ctype = ctype if _CTYPE.match(ctype) else default_type
        self.disposition, self.dparams = _split_params(first.get("content-disposition", ""))
        self.cte = _unfold(first.get("content-transfer-encoding", "")).strip().lower()
        cid = decode_header_value(first.get("content-id", "")).strip()
        self.cid = cid[1:-1].strip() if cid.startswith("<") and cid.endswith(">") else cid

    def filename(self) -> str:
        return _param(self.dparams, "filename") or _param(self.params, "name") or ""

    def charset(self) -> str | None:
        return _param(self.params, "charset")


def _payload_bytes(part: Message, cte: str = "") -> bytes:
    """Transfer-decoded payload octets of a leaf part."""
    if cte == "base64":
        payload = part.get_payload()
        if isinstance(payload, str):
            # Not the stdlib: it returns the undecoded text for a truncated payload.
            return _b64_bytes(_to_bytes(payload))
    try:
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            return data
    except Exception:
        pass
    payload = part.get_payload()
    if isinstance(payload, str):
        return _to_bytes(payload)
    if isinstance(payload, list):
        return _serialise_body(part)
    return payload if isinstance(payload, bytes) else b""


def _serialise_body(part: Message) -> bytes:
    """The body of a structured non-multipart part (message/delivery-status ...), re-serialised."""
    try:
        from email.generator import BytesGenerator
        from io import BytesIO

        buf = BytesIO()
        BytesGenerator(buf, mangle_from_=False, maxheaderlen=0, policy=compat32).flatten(
            part, linesep="\r\n")
        data = buf.getvalue()
        head, sep, body = data.partition(b"\r\n\r\n")
        return body if sep else data
    except Exception:
        return b""


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{1,40})""", re.I)
_NEWLINES = re.compile(r"\r\n?")


def _body_text(data: bytes, charset: str | None, html: bool) -> str:
    if not charset and html:
        m = _META_CHARSET.search(data[:4096])
        charset = m.group(1).decode("ascii") if m else None
    return _NEWLINES.sub("\n", _decode_bytes(data, charset))


def _join(texts: list[str]) -> str:
    out = ""
    for t in texts:
        if out and not out.endswith("\n"):
            out += "\n"
        out += t
    return out


class _Collector:
    def __init__(self) -> None:
        self.bodies: list[tuple[list[str], list[str]]] = []  # per message: (texts, htmls)
        self.files: list[tuple[str, str, bytes, str, str]] = []  # filename, ctype, data, disp, cid

    def message(self, msg: Message, depth: int) -> None:
        body: tuple[list[str], list[str]] = ([], [])
        self.bodies.append(body)
        self.visit(msg, body, depth, msg.get_default_type())

    def visit(self, part: Message, body: tuple[list[str], list[str]], depth: int,
              default_type: str) -> None:
        if depth > _MAX_DEPTH:
            return
        try:
            info = _PartInfo(part, default_type)
            payload = part.get_payload()
        except Exception:
            return
        ctype = info.ctype
        if isinstance(payload, list) and (ctype in _NESTED or not ctype.startswith("message/")):
            if ctype in _NESTED:
                for sub in payload:
                    if isinstance(sub, Message):
                        if info.cte == "base64":
                            reparsed = _reparse_base64_message(sub)
                            sub = sub if reparsed is None else reparsed
                        self.message(sub, depth + 1)
                return
            child_default = "message/rfc822" if ctype == "multipart/digest" else "text/plain"
            for sub in payload:
                if isinstance(sub, Message):
                    self.visit(sub, body, depth + 1, child_default)
            return
        try:
            self.leaf(part, info, body)
        except Exception:
            pass

    def leaf(self, part: Message, info: _PartInfo, body: tuple[list[str], list[str]]) -> None:
        ctype = info.ctype
        if ctype.startswith("multipart/"):
            return                  # unparseable structure (no boundary ...): not a file
        filename = info.filename()
        data = _payload_bytes(part, info.cte)
        if ctype in _BODY_TYPES and not filename and info.disposition != "attachment":
            html = ctype == "text/html"
            body[1 if html else 0].append(_body_text(data, info.charset(), html))
            return
        self.files.append((filename, ctype, data, info.disposition, info.cid))


def _reparse_base64_message(sub: Message) -> Message | None:
    """A message/rfc822 part sent base64-encoded (against RFC 2046): decode, re-parse.

    The parser read the base64 text as a header-less message; base64 has no ':',
    so a genuinely parsed inner message (with headers) is left alone.
    """
    try:
        if sub.is_multipart() or list(sub.raw_items()):
            return None
        payload = sub.get_payload()
        if not isinstance(payload, str) or not payload.strip():
            return None
        return _parse_bytes(_b64_bytes(_to_bytes(payload)))
    except Exception:
        return None


def _parse_bytes(raw: bytes) -> Message | None:
    parser = BytesParser(policy=compat32)
    try:
        return parser.parsebytes(raw)
    except Exception:               # e.g. RecursionError on absurd multipart nesting
        try:
            return parser.parsebytes(raw, headersonly=True)
        except Exception:
            return None


# ---------------------------------------------------------------- HTML

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BLOCK_TAGS = frozenset((
    "p", "div", "tr", "li", "ul", "ol", "dl", "dt", "dd", "table", "tbody", "thead", "tfoot",
    "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "section", "article",
    "header", "footer", "address", "center", "form", "fieldset", "caption", "body"))
_SKIP_TAGS = ("script", "style", "head", "title", "noscript", "template")
_HTML_WS = re.compile(r"[ \t\r\n\f]+")
_SPACES = re.compile(r"[ \t\u00a0\f\v]+")
_TAG = re.compile(r"<[^>]*>")


def html_to_text(html: str) -> str:
    """Readable text of an HTML body, as it renders: a block boundary ends a
    non-empty line, <br> always ends one (so ``<div><br></div>`` is a blank line);
    scripts, styles and <head> are dropped; at most one blank line in a row."""
    source = _XML_DECL.sub("", html, count=1)
    if not source.strip():
        return ""
    lines: list[str] = []
    try:
        import lxml.html
        from lxml import etree

        doc = lxml.html.document_fromstring(source)
        for el in list(doc.iter(*_SKIP_TAGS)):
            el.drop_tree()
        cur: list[str] = []
        pre = 0

        def add(text: str | None) -> None:
            if not text:
                return
            if pre:
                pieces = _NEWLINES.sub("\n", text).split("\n")
                for i, piece in enumerate(pieces):
                    if i:
                        lines.append("".join(cur))
                        cur.clear()
                    cur.append(piece)
            else:
                cur.append(_HTML_WS.sub(" ", text))

        def end_line(hard: bool) -> None:
            line = "".join(cur)
            cur.clear()
            if hard or line.strip():
                lines.append(line)

        for event, el in etree.iterwalk(doc, events=("start", "end", "comment", "pi")):
            if event in ("comment", "pi"):
                add(el.tail)
                continue
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if event == "start":
                if tag == "br":
                    end_line(True)
                elif tag in _BLOCK_TAGS:
                    end_line(False)
                if tag == "pre":
                    pre += 1
                add(el.text)
            else:
                if tag in _BLOCK_TAGS:
                    end_line(False)
                elif tag in ("td", "th"):
                    cur.append(" ")
                if tag == "pre":
                    pre = max(0, pre - 1)
                add(el.tail)
        end_line(False)
    except Exception:
        import html as _html

        flat = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", source)
        flat = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h[1-6])\s*>", "\n", flat)
        lines = _html.unescape(_TAG.sub(" ", flat)).split("\n")
    out: list[str] = []
    for line in lines:
        line = _SPACES.sub(" ", line).strip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# ---------------------------------------------------------------- the message


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse raw RFC 5322 bytes. Never raises on malformed input."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    raw = bytes(raw)
    msg = _parse_bytes(raw)
    if msg is None:                 # (a Message with no headers is falsy: test for None)
        msg = Message()

    raw_headers: list[tuple[str, bytes]] = []
    try:
        for name, value in msg.raw_items():
            raw_headers.append((_raw_text(str(name)).strip(), _to_bytes(str(value))))
    except Exception:               # pragma: no cover - defensive
        pass
    first: dict[str, bytes] = {}
    for name, value in raw_headers:
        first.setdefault(name.lower(), value)

    def text_of(name: str) -> str | None:
        value = first.get(name)
        return None if value is None else decode_header_value(value)

    sender_name, sender = parse_address(first.get("from", b""))
    reply_to = None
    if "reply-to" in first:
        reply_to = parse_address(first["reply-to"])[1] or None
    return_path = _return_path(first.get("return-path"))
    to = tuple(addr for name, value in raw_headers if name.lower() == "to"
               for _display, addr in _addresses(value) if addr)
    message_id = _normalise_ws(text_of("message-id") or "") or None

    received_at = _received_at(first.get("received"))

    collector = _Collector()
    try:
        collector.message(msg, 0)
    except Exception:               # RecursionError and friends: keep what was collected
        pass
    try:
        top_type = _PartInfo(msg, msg.get_default_type()).ctype
    except Exception:               # pragma: no cover - defensive
        top_type = "text/plain"

    texts: list[str] = []
    all_html: list[str] = []
    for plain, htmls in collector.bodies:
        all_html.extend(htmls)
        if plain:
            texts.append(_join(plain))
        elif htmls:
            texts.append(html_to_text("\n".join(htmls)))
    html = "\n".join(all_html) if all_html else None
    html_lower = html.lower() if html else ""

    attachments = tuple(
        Attachment(
            filename=filename,
            content_type=ctype,
            data=data,
            inline=disp == "inline"
            or (disp != "attachment" and bool(cid) and ("cid:" + cid.lower()) in html_lower),
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
        subject=_normalise_ws(text_of("subject") or ""),
        date=_parse_date(text_of("date")),
        received_at=received_at,
        content_type=top_type,
        text=_join([t for t in texts if t]),
        html=html,
        attachments=attachments,
        size=len(raw),
        raw_headers=tuple(raw_headers),
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
