"""Is a decoded string text a person wrote, or binary bytes that were decoded as if they were text?

A body wrongly labelled base64 (or a binary part labelled text/plain) decodes to characters all
the same: control characters, U+FFFD replacement characters, private-use and unassigned code points
that no writer types. Text that is not text is never a piece.
"""

from __future__ import annotations

import unicodedata

# categories a person's text practically never holds
_JUNK_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})
_ALLOWED_CONTROLS = frozenset("\t\n\r\f")


def junk_ratio(text: str) -> float:
    """The share of characters that are controls, replacement characters or unassigned code points."""
    if not text:
        return 0.0
    junk = 0
    for ch in text:
        if ch in _ALLOWED_CONTROLS:
            continue
        if ch == "\ufffd" or unicodedata.category(ch) in _JUNK_CATEGORIES:
            junk += 1
    return junk / len(text)


def looks_like_text(text: str, *, max_junk: float = 0.02) -> bool:
    """False for binary garbage: a NUL, or more than ``max_junk`` of junk characters."""
    if "\x00" in text:
        return False
    return junk_ratio(text) <= max_junk
