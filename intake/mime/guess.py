"""Text whose charset nobody declared (raw 8-bit headers, file names, unlabelled bodies): decided by evidence.

1. valid UTF-8 is UTF-8;
2. otherwise the candidates GB18030, Big5 and Latin-1, keeping only those that decode the bytes;
   long text is settled by ``charset-normalizer`` (language coherence) among those; short text
   (a file name, a subject: too little for a statistical detector) by how common the decoded Han
   characters are — a wrong CJK decoding yields rare characters (GB2312 level 2, Big5's less
   frequent block), the right one mostly common ones; Latin-1 wins when neither CJK decoding
   gives common characters.

Every guess is recorded (``guessing()``), so ``ParsedMessage.defects`` can say a charset was guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

_CJK = ("gb18030", "big5")
_guesses: ContextVar[list[str] | None] = ContextVar("baosong_charset_guesses", default=None)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LONG = 40   # non-ASCII bytes from which charset-normalizer decides


@contextmanager
def guessing() -> Iterator[list[str]]:
    """Collect the guesses made inside the block: ``['gb18030: 关于…', 'big5: 會議…']``."""
    found: list[str] = []
    token = _guesses.set(found)
    try:
        yield found
    finally:
        _guesses.reset(token)


def _common(ch: str, codec: str) -> bool:
    """A character of the codec's own frequent block: GB2312 level 1 (the 3,755 common hanzi) for a
    GB decoding, Big5's frequently used block for a Big5 decoding."""
    try:
        if codec == "gb18030":
            return 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
        return 0xA4 <= ch.encode("big5")[0] <= 0xC6
    except UnicodeEncodeError:
        return False


def commonness(text: str, codec: str) -> float:
    """The share of common Han characters among the non-ASCII characters of a decoding."""
    wide = [c for c in text if ord(c) > 0x7F and not ("\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")]
    if not wide:
        return 1.0
    return sum(1 for c in wide if _HAN.match(c) and _common(c, codec)) / len(wide)


def _western(text: str) -> bool:
    """Latin-1 decoding looks like a Western language: each accented letter inside a word (next to
    an ASCII letter, runs of at most three), no C1 controls, no symbols."""
    n = len(text)
    for i, c in enumerate(text):
        if c <= "\x7f":
            continue
        if c < "\xc0" or c in "\xd7\xf7":
            return False
        j = i
        while j > 0 and text[j - 1] >= "\xc0":
            j -= 1
        k = i
        while k + 1 < n and text[k + 1] >= "\xc0":
            k += 1
        if k - j >= 3:
            return False
        if not ((j > 0 and text[j - 1].isascii() and text[j - 1].isalpha())
                or (k + 1 < n and text[k + 1].isascii() and text[k + 1].isalpha())):
            return False
    return True


@lru_cache(maxsize=1024)
def _guess_short(data: bytes) -> tuple[str, str]:
    return _guess(data)


def guess(data: bytes) -> tuple[str, str]:
    """(text, codec) of undeclared 8-bit ``data`` that is not valid UTF-8 (headers repeat: short ones cached)."""
    return _guess_short(data) if len(data) <= 1024 else _guess(data)


def _guess(data: bytes) -> tuple[str, str]:
    decoded = {}
    for codec in _CJK:
        try:
            decoded[codec] = data.decode(codec)
        except UnicodeDecodeError:
            pass
    latin = data.decode("latin-1")
    if not decoded:
        if _western(latin):
            return latin, "latin-1"
        return data.decode("utf-8", "replace"), "unknown"
    if sum(b > 0x7F for b in data) >= _LONG:
        try:
            from charset_normalizer import from_bytes

            best = from_bytes(data[:65536], cp_isolation=[*decoded, "latin_1"]).best()
        except Exception:  # the detector must never make parsing fail
            best = None
        if best is not None:
            codec = best.encoding.replace("_", "-")
            if codec in decoded and commonness(decoded[codec][:4000], codec) >= 0.5:
                return decoded[codec], codec
            if codec.startswith("latin"):
                return latin, "latin-1"
    scores = {codec: commonness(text, codec) for codec, text in decoded.items()}
    codec = max(decoded, key=lambda c: (scores[c], c == "gb18030"))
    if scores[codec] < 0.5 and _western(latin):
        return latin, "latin-1"
    return decoded[codec], codec


def decode_undeclared(data: bytes) -> str:
    """Bytes in no declared charset: UTF-8 if valid, else the evidence's choice (recorded)."""
    if data.isascii():
        text = data.decode("ascii")
        if "\x1b" in text:       # ISO-2022-JP (7-bit with escape sequences), sent without a label
            try:
                return data.decode("iso2022_jp")
            except UnicodeDecodeError:
                pass
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text, codec = guess(bytes(data))
    found = _guesses.get()
    if found is not None:
        note = f"{codec}: {text[:40]}"
        if note not in found:
            found.append(note)
    return text
