"""The MIME walk: every part of a message, nested forwarded messages included, sorted into
body texts and files. What cannot be read is skipped and recorded in ``defects``, never raised."""

from __future__ import annotations

import binascii
import re
import secrets
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from .charsets import decode_bytes, to_bytes, unfold
from .headers import b64_bytes, decode_header_value
from .parameters import param_value, split_params

_CTYPE = re.compile(r"^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$")
_NESTED = ("message/rfc822", "message/global")
_BODY_TYPES = ("text/plain", "text/html")
_MAX_DEPTH = 100


class PartInfo:
    __slots__ = ("ctype", "params", "disposition", "dparams", "cte", "cid")

    def __init__(self, part: Message, default_type: str):
        first: dict[str, str] = {}
        for name, value in part.raw_items():
            key = name.strip().lower()
            if key not in first and isinstance(value, str):
                first[key] = value
        ctype, self.params = split_params(first.get("content-type", ""))
        ctype = unfold(ctype).replace(" ", "").replace("\t", "")
        self.ctype = ctype if _CTYPE.match(ctype) else default_type
        self.disposition, self.dparams = split_params(first.get("content-disposition", ""))
        self.cte = unfold(first.get("content-transfer-encoding", "")).strip().lower()
        cid = decode_header_value(first.get("content-id", "")).strip()
        self.cid = cid[1:-1].strip() if cid.startswith("<") and cid.endswith(">") else cid

    def filename(self) -> str:
        return param_value(self.dparams, "filename") or param_value(self.params, "name") or ""

    def charset(self) -> str | None:
        return param_value(self.params, "charset")


def _payload_bytes(part: Message, cte: str = "") -> bytes:
    """Transfer-decoded payload octets of a leaf part."""
    if cte == "base64":
        payload = part.get_payload()
        if isinstance(payload, ElidedBase64):   # decoded straight from the raw message's bytes
            try:
                return binascii.a2b_base64(payload.source)
            except (binascii.Error, ValueError):
                return b64_bytes(bytes(payload.source))
        if isinstance(payload, str):
            # Not the stdlib: it returns the undecoded text for a truncated payload.
            return b64_bytes(to_bytes(payload))
    try:
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            return data
    except Exception:
        pass
    payload = part.get_payload()
    if isinstance(payload, str):
        return to_bytes(payload)
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
NEWLINES = re.compile(r"\r\n?")


def _body_text(data: bytes, charset: str | None, html: bool) -> str:
    if not charset and html:
        m = _META_CHARSET.search(data[:4096])
        charset = m.group(1).decode("ascii") if m else None
    return NEWLINES.sub("\n", decode_bytes(data, charset))


def join_texts(texts: list[str]) -> str:
    out = ""
    for t in texts:
        if out and not out.endswith("\n"):
            out += "\n"
        out += t
    return out


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


class Collector:
    def __init__(self) -> None:
        self.bodies: list[tuple[list[str], list[str]]] = []  # per message: (texts, htmls)
        self.files: list[tuple[str, str, bytes, str, str]] = []  # filename, ctype, data, disp, cid
        self.defects: list[str] = []  # what was skipped and why, for the record (never raised)

    def message(self, msg: Message, depth: int) -> None:
        body: tuple[list[str], list[str]] = ([], [])
        self.bodies.append(body)
        self.visit(msg, body, depth, msg.get_default_type())

    def visit(self, part: Message, body: tuple[list[str], list[str]], depth: int,
              default_type: str) -> None:
        if depth > _MAX_DEPTH:
            self.defects.append(f"parts nested deeper than {_MAX_DEPTH} levels skipped")
            return
        try:
            info = PartInfo(part, default_type)
            payload = part.get_payload()
        except Exception as exc:
            self.defects.append(f"a part with unreadable headers skipped ({_why(exc)})")
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
        except Exception as exc:
            self.defects.append(f"{ctype} part {info.filename()!r} skipped ({_why(exc)})")

    def leaf(self, part: Message, info: PartInfo, body: tuple[list[str], list[str]]) -> None:
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
        return parse_bytes(b64_bytes(to_bytes(payload)))
    except Exception:
        return None


# ------------------------------------------------------------ large base64 bodies
#
# The stdlib parser handles a body line by line in Python: a 40 MB attachment costs ~300 MB of
# line objects and most of the parse time of an ordinary message. A run of base64 lines that
# starts a body (right after a blank line) is cut out before parsing, a token line put in its
# place, and the part's payload then decodes straight from the raw bytes. Wherever the token
# does not stand alone as a base64 part's whole body, the original text is put back, so the
# parsed structure is the stdlib's own either way.

_BLANK_LINE = re.compile(rb"\n\r?\n")
_B64_RUN = re.compile(rb"(?:[A-Za-z0-9+/]{1,998}\r?\n)+(?:[A-Za-z0-9+/]{0,998}={1,2}\r?\n)?")
ELIDE_MIN_BYTES = 4096


class ElidedBase64(str):
    """A part's payload cut out before parsing: the token text, plus the raw base64 bytes."""

    source: memoryview


def _elide(raw: bytes) -> tuple[bytes, dict[str, memoryview]]:
    """(the message with its large base64 bodies replaced by token lines, token -> raw bytes)."""
    runs: list[tuple[int, int]] = []
    pos = 0
    for blank in _BLANK_LINE.finditer(raw):
        start = blank.end()
        if start < pos:
            continue
        run = _B64_RUN.match(raw, start)
        if run is not None and run.end() - start >= ELIDE_MIN_BYTES:
            runs.append((start, run.end()))
            pos = run.end()
    if not runs:
        return raw, {}
    stem = f"BAOSONGELIDED{secrets.token_hex(8)}X"
    if stem.encode("ascii") in raw:  # pragma: no cover - 64 random bits
        return raw, {}
    view = memoryview(raw)
    pieces: list[bytes] = []
    tokens: dict[str, memoryview] = {}
    last = 0
    for i, (start, end) in enumerate(runs):
        token = f"{stem}{i}"
        newline = b"\r\n" if raw[end - 2:end] == b"\r\n" else b"\n"
        pieces += [raw[last:start], token.encode("ascii"), newline]
        tokens[token] = view[start:end]
        last = end
    pieces.append(raw[last:])
    return b"".join(pieces), tokens


def _restore(msg: Message, tokens: dict[str, memoryview]) -> None:
    """Give each part whose body was cut out its payload back (see above)."""
    stem = next(iter(tokens))[:-1].rstrip("0123456789")
    for part in msg.walk():
        payload = part.get_payload()
        if not isinstance(payload, str) or stem not in payload:
            continue
        token = payload.strip()
        cte = str(part.get("content-transfer-encoding", "")).strip().lower()
        if token in tokens and cte == "base64" and not part.is_multipart():
            elided = ElidedBase64(token)
            elided.source = tokens[token]
            part.set_payload(elided)
            continue
        for key, source in tokens.items():   # anything else: the original text, as the stdlib reads it
            if key in payload:
                text = bytes(source).decode("ascii", "surrogateescape")
                payload = payload.replace(key + "\r\n", text).replace(key + "\n", text).replace(key, text.rstrip("\r\n"))
        part.set_payload(payload)


def parse_bytes(raw: bytes) -> Message | None:
    skeleton, tokens = _elide(raw)
    msg = _parse_bytes(skeleton)
    if msg is not None and tokens:
        try:
            _restore(msg, tokens)
        except Exception:   # pragma: no cover - defensive: the plain parse is always right
            return _parse_bytes(raw)
    return msg


def _parse_bytes(raw: bytes) -> Message | None:
    parser = BytesParser(policy=compat32)
    try:
        return parser.parsebytes(raw)
    except Exception:               # e.g. RecursionError on absurd multipart nesting
        try:
            return parser.parsebytes(raw, headersonly=True)
        except Exception:
            return None

