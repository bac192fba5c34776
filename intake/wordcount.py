"""Microsoft Word's 字数 (Words) figure for a string, plus the dialog's character counts.

Pure, no I/O. Implements the string-level algorithm of the project's word-count note
(WORDCOUNT.md §4): every East-Asian character is one word, every maximal run of other
non-space characters is one word (runs end at whitespace, line/paragraph breaks *and* at
an adjacent East-Asian character).

Points that public sources could not settle are marked ``U1`` .. ``U9`` where their switch
or default lives.

U9: WPS Office has no authoritative description of its 字数; it uses the same dialog labels
    and is assumed here to count like Word. Callers that want a second opinion can log
    ``Counts.chars_no_spaces`` alongside the 字数 figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

__all__ = ["CountOptions", "Counts", "count", "word_count", "is_always_non_asian"]


@dataclass(frozen=True)
class CountOptions:
    # U1: “ ” ‘ ’ — ― … · ‥ ‖ ※ (East-Asian-Width "A", typed by Chinese IMEs). Word probably
    #     decides per run by its font hint (w:hint="eastAsia"); we cannot see that in plain text.
    #     True = each is one East-Asian character (`——` = 2 字, `“5G”` = 3 字).
    ambiguous_as_asian: bool = True
    # U2: ideographic space U+3000 (the usual two-character paragraph indent).
    #     True = a space (not counted in 字数); False = an East-Asian character (1 字 each).
    ideo_space_is_space: bool = True
    # U4: manual line breaks (w:br, '\v', U+2028) in 字符数(计空格). False = not counted.
    count_line_breaks: bool = False


@dataclass(frozen=True)
class Counts:
    words: int              # 字数
    chars_no_spaces: int    # 字符数(不计空格)
    chars_with_spaces: int  # 字符数(计空格)
    asian: int              # 中文字符和朝鲜语单词
    non_asian_words: int    # 非中文单词


# --- character classes (WORDCOUNT.md §4) -------------------------------------------------

# Removed before anything else: BOM / zero-width no-break space, zero-width space,
# variation selectors. They neither count nor split a run.
_IGNORED = "\ufeff\u200b\ufe00-\ufe0f"

# Paragraph marks and breaks: never counted, always end a run.
_BREAKS = "\n\r\v\f\u2028\u2029\x85"
# The subset that is a *manual line break* (w:br / w:cr read as '\v'), see U4.
_LINE_BREAKS = ("\v", "\u2028")

# Spaces. U3: TAB is a space, so it is counted in 字符数(计空格) but not in 不计空格.
_SPACES = " \u00a0\t\u2000-\u200a\u202f\u205f\u1680"
_IDEO_SPACE = "\u3000"  # U2: class decided by CountOptions.ideo_space_is_space

# East-Asian characters, one 字 each.
# U5: symbols such as ℃ ‰ № ° × (Letterlike Symbols, Latin-1, ...) are deliberately NOT here:
#     they join the adjacent non-Asian run (`25℃` = 1 word).
# U8: Hangul syllables count one per character (bebe3 measured 안녕하세요 = 5), although the
#     Chinese UI label says 朝鲜语"单词".
# Enclosed Alphanumerics (①②③ U+2460..) and emoji (U+1F300..) are NOT Asian either, so
# `①②③④⑤` and `👍👎👏` are each a single non-Asian run = 1 word, as Word reports (V16, V30).
_ASIAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),    # Hangul Jamo
    (0x2E80, 0x2FDF),    # CJK Radicals Supplement, Kangxi Radicals
    (0x2FF0, 0x2FFF),    # Ideographic Description Characters
    (0x3001, 0x303F),    # CJK Symbols and Punctuation (U+3000 handled by U2)
    (0x3040, 0x30FF),    # Hiragana, Katakana
    (0x3100, 0x312F),    # Bopomofo
    (0x3130, 0x318F),    # Hangul Compatibility Jamo
    (0x3190, 0x31FF),    # Kanbun, Bopomofo Ext, CJK Strokes, Katakana Phonetic Ext
    (0x3200, 0x33FF),    # Enclosed CJK Letters and Months, CJK Compatibility
    (0x3400, 0x4DBF),    # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xA960, 0xA97F),    # Hangul Jamo Extended-A
    (0xAC00, 0xD7FF),    # Hangul Syllables, Hangul Jamo Extended-B
    (0xF900, 0xFAFF),    # CJK Compatibility Ideographs
    (0xFE10, 0xFE1F),    # Vertical Forms
    (0xFE30, 0xFE4F),    # CJK Compatibility Forms
    (0xFE50, 0xFE6F),    # Small Form Variants
    (0xFF01, 0xFFEF),    # Halfwidth and Fullwidth Forms
    (0x1F200, 0x1F2FF),  # Enclosed Ideographic Supplement
    (0x20000, 0x3FFFF),  # CJK Extensions B.. and planes 2-3
)

# U1: East-Asian-Width "A" punctuation; class decided by CountOptions.ambiguous_as_asian.
_AMBIGUOUS = "\u201c\u201d\u2018\u2019\u2014\u2015\u2026\u00b7\u2025\u2016\u203b"


def _cls(ranges: tuple[tuple[int, int], ...]) -> str:
    """Regex character-class body for code-point ranges."""
    return "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges)


_ASIAN_CLASS = _cls(_ASIAN_RANGES)
_IGNORED_RE = re.compile(f"[{_IGNORED}]+")


@dataclass(frozen=True)
class _Patterns:
    asian: re.Pattern[str]      # runs of East-Asian characters
    space: re.Pattern[str]      # runs of spaces
    other_run: re.Pattern[str]  # maximal runs of non-Asian, non-space, non-break characters


@cache
def _patterns(ambiguous_as_asian: bool, ideo_space_is_space: bool) -> _Patterns:
    asian = _ASIAN_CLASS
    space = _SPACES
    if ambiguous_as_asian:
        asian += _AMBIGUOUS
    if ideo_space_is_space:
        space += _IDEO_SPACE
    else:
        asian += _IDEO_SPACE
    return _Patterns(
        asian=re.compile(f"[{asian}]+"),
        space=re.compile(f"[{space}]+"),
        other_run=re.compile(f"[^{asian}{space}{_BREAKS}]+"),
    )


def count(text: str, options: CountOptions = CountOptions()) -> Counts:
    """All five figures of Word's 字数统计 dialog for ``text`` (paragraphs separated by '\\n')."""
    if not text:
        return Counts(0, 0, 0, 0, 0)
    if _IGNORED_RE.search(text):
        text = _IGNORED_RE.sub("", text)
    pat = _patterns(options.ambiguous_as_asian, options.ideo_space_is_space)
    n = len(text)
    asian = n - len(pat.asian.sub("", text))
    spaces = n - len(pat.space.sub("", text))
    breaks = sum(text.count(c) for c in _BREAKS)
    other = n - asian - spaces - breaks
    runs = len(pat.other_run.findall(text))
    no_spaces = asian + other
    with_spaces = no_spaces + spaces
    if options.count_line_breaks:  # U4
        with_spaces += sum(text.count(c) for c in _LINE_BREAKS)
    return Counts(
        words=asian + runs,
        chars_no_spaces=no_spaces,
        chars_with_spaces=with_spaces,
        asian=asian,
        non_asian_words=runs,
    )


def word_count(text: str, options: CountOptions = CountOptions()) -> int:
    """Word's 字数 for ``text``."""
    return count(text, options).words


_ALWAYS_OTHER_RE = re.compile(
    f"[^{_IGNORED}{_BREAKS}{_SPACES}{_IDEO_SPACE}{_ASIAN_CLASS}{_AMBIGUOUS}]"
)


def is_always_non_asian(ch: str) -> bool:
    """True if the single character ``ch`` is a non-Asian, non-space character under every option."""
    return len(ch) == 1 and _ALWAYS_OTHER_RE.match(ch) is not None
