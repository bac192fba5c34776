"""MIME parameters (Content-Type, Content-Disposition): quoting, RFC 2231 continuations and charsets."""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from .charsets import codec_for, decode_bytes, raw_text, to_bytes, unfold
from .headers import decode_words

_SPECIAL = re.compile(r'[";\\]')   # what split_params looks at: quotes, separators, escapes


def split_params(raw: str) -> tuple[str, list[tuple[str, str]]]:
    """Split ``value; a=1; b="x;y"`` into ('value', [('a','1'), ('b','x;y')]).

    Works on the parser string (raw 8-bit octets are surrogates). When the value
    holds 8-bit octets, backslash is literal: a GBK trail byte may be 0x5C.
    """
    raw = unfold(raw)
    escapes = raw.isascii()
    segments: list[str] = []
    start = i = 0
    quoted = False
    n = len(raw)
    while (found := _SPECIAL.search(raw, i)) is not None:   # from one quote, semicolon or backslash to the next
        j = found.start()
        ch = raw[j]
        if quoted:
            if ch == "\\" and escapes and j + 1 < n:   # an escaped character (kept with its backslash)
                i = j + 2
                continue
            if ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == ";":
            segments.append(raw[start:j])
            start = j + 1
        i = j + 1
    segments.append(raw[start:])
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
        data = to_bytes(value)
        out += unquote_to_bytes(data) if encoded else data
    return decode_bytes(bytes(out), charset)


def param_value(params: list[tuple[str, str]], key: str) -> str | None:
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
    if lookalike and codec_for(lookalike.group(1)):
        return _rfc2231([(plain, True)]).strip()
    return decode_words(raw_text(plain)).strip()

