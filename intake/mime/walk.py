"""The MIME walk: every part of a message, nested forwarded messages included, sorted into
body texts and files. What cannot be read is skipped and recorded in ``defects``, never raised."""

from __future__ import annotations

import re
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


def parse_bytes(raw: bytes) -> Message | None:
    parser = BytesParser(policy=compat32)
    try:
        return parser.parsebytes(raw)
    except Exception:               # e.g. RecursionError on absurd multipart nesting
        try:
            return parser.parsebytes(raw, headersonly=True)
        except Exception:
            return None

