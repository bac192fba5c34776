"""Charset labels as Chinese mail clients write them, and decoding bytes that may lie about theirs."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from .guess import decode_undeclared

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
def codec_for(label: str | None) -> str | None:
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


def decode_bytes(data: bytes, label: str | None = None) -> str:
    """Decode with the label's codec; if that fails: UTF-8, GB18030, then with U+FFFD."""
    codec = codec_for(label)
    if codec:
        try:
            return data.decode(codec)
        except Exception:
            pass
    elif not label or label.strip().lower() in ("unknown-8bit", "x-unknown", "unknown", "8bit"):
        return decode_undeclared(data)   # no charset declared: decided by evidence
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


def to_bytes(value: str | bytes) -> bytes:
    """The original octets of a value read by BytesParser (8-bit kept as surrogates)."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:          # a real Unicode str (from a caller, not the parser)
        return value.encode("utf-8", "surrogateescape")


def raw_text(value: str | bytes) -> str:
    """Recover raw 8-bit header octets: UTF-8 if valid, else GB18030, Big5 or Latin-1 by evidence."""
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
    return decode_undeclared(data)


_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CRLF = re.compile(r"[\r\n]")


def unfold(text: str) -> str:
    return _CRLF.sub("", _FOLD.sub("", text))


