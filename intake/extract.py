"""Title, unit, author, category and 字数 of a submitted piece. Pure: text in, values out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from baosong.config.schema import DEFAULT_CATEGORIES

from .readers.docx import read_docx
from .wordcount import CountOptions, word_count

__all__ = ["DEFAULT_CATEGORIES", "Extracted", "extract_fields", "extract_docx", "extract_text"]


@dataclass(frozen=True)
class Extracted:
    title: str | None
    unit: str | None
    author: str | None
    category: str | None
    word_count: int


# How many leading non-empty paragraphs may carry a category tag.
_TAG_PARAGRAPHS = 3
# How many trailing non-empty paragraphs may be the closing "（单位 姓名）" line.
_CLOSING_PARAGRAPHS = 3

_WS = re.compile(r"\s+")  # str patterns: \s covers \t \v \n U+3000 U+00A0 ...

_TAG = re.compile(r"[【\[［]\s*([^【】\[\]［］\n]{1,20}?)\s*[】\]］]")

_UNIT_LABELS = ("报送单位", "供稿单位")
_BARE_UNIT_LABEL = "单位"
_AUTHOR_LABELS = ("撰稿人", "撰稿", "作者")
_KNOWN_LABELS = _UNIT_LABELS + _AUTHOR_LABELS + (_BARE_UNIT_LABEL,)
_COLON = r"\s*[:：]"
# A label starts a field: a known label anywhere, or any short CJK label (审核、签发、联系电话 ...)
# at the start of the line or after whitespace, so that its value ends the previous field.
_KNOWN_LABEL = re.compile("(" + "|".join(sorted(_KNOWN_LABELS, key=len, reverse=True)) + ")" + _COLON)
_ANY_LABEL = re.compile(r"(?:^|(?<=\s))([\u4e00-\u9fff]{1,6})" + _COLON)
_NAME_SEP = re.compile(r"[\s、，,；;/]+")
_VALUE_TRIM = " \t\v\u3000;；,，。.、"
# "单位：万元" under a table is a unit of measurement, not the submitting unit.
_MEASURE = re.compile(
    r"^[万亿千百十]*(?:元|人|个|吨|亩|户|家|件|次|项|台|辆|套|米|公里|千米|平方米|平方公里|"
    r"千瓦时|度|人次|篇|条|%|％|‰|[A-Za-z²³/]+)(?:[/每][\u4e00-\u9fffA-Za-z]+)?$"
)

_CLOSING = re.compile(r"^[（(]\s*([^（）()]+?)\s*[）)]$")
_CLOSING_REJECT = re.compile(r"[:：，,。；;！？!?]|^完$|^此件|^\d{4}\s*年")


def _clean(text: str) -> str:
    """Strip and collapse every whitespace run (incl. '\\t', '\\v', U+3000) to one space."""
    return _WS.sub(" ", text).strip()


def _category_of(name: str, categories: Sequence[str]) -> str | None:
    name = name.strip()
    if name in categories:
        return name
    if name.endswith("类") and name[:-1] in categories:
        return name[:-1]
    return None


def _tagged_category(text: str, categories: Sequence[str]) -> str | None:
    for match in _TAG.finditer(text):
        category = _category_of(match.group(1), categories)
        if category is not None:
            return category
    return None


def _strip_leading_tag(text: str, categories: Sequence[str]) -> str:
    while True:
        match = _TAG.match(text)
        if match is None or _category_of(match.group(1), categories) is None:
            return text
        text = text[match.end():].lstrip()


def _find_category(subject: str, filename: str, lead: Sequence[str],
                   categories: Sequence[str]) -> str | None:
    for source in (subject, filename, *lead):
        category = _tagged_category(source, categories)
        if category is not None:
            return category
    # No tag: the category name that appears first in the subject (longest on a tie).
    found = [(subject.find(c), -len(c), c) for c in categories if c and c in subject]
    return min(found)[2] if found else None


def _fields(line: str) -> list[tuple[str, str]]:
    """(label, value) pairs if ``line`` is a field line such as '报送单位：X  撰稿人：Y', else []."""
    starts: list[tuple[int, int, str]] = []  # (start, end of colon, label)
    for pattern in (_KNOWN_LABEL, _ANY_LABEL):
        for m in pattern.finditer(line):
            starts.append((m.start(1), m.end(), m.group(1)))
    starts.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    chosen: list[tuple[int, int, str]] = []
    for start in starts:
        if not chosen or start[0] >= chosen[-1][1]:
            chosen.append(start)
    if not chosen or chosen[0][0] != 0:
        return []
    out = []
    for i, (_, end, label) in enumerate(chosen):
        stop = chosen[i + 1][0] if i + 1 < len(chosen) else len(line)
        out.append((label, line[end:stop].strip(_VALUE_TRIM)))
    return out


def _names(value: str) -> str | None:
    names = [n for n in _NAME_SEP.split(value) if n]
    return "、".join(names) or None


def _is_measure(value: str) -> bool:
    parts = [p for p in _NAME_SEP.split(value) if p]
    return bool(parts) and all(_MEASURE.match(p) for p in parts)


def _labelled(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """(unit, author) from '报送单位：…', '撰稿人：…' style lines; the first of each wins."""
    unit = bare_unit = author = None
    for line in lines:
        for label, value in _fields(line):
            if not value:
                continue
            if label in _UNIT_LABELS and unit is None:
                unit = value
            elif label == _BARE_UNIT_LABEL and bare_unit is None and not _is_measure(value):
                bare_unit = value
            elif label in _AUTHOR_LABELS and author is None:
                author = _names(value)
    return unit or bare_unit, author


def _closing(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """(unit, author) from a closing '（滕州市商务局 王芳）' line among the last paragraphs."""
    for line in reversed(lines[-_CLOSING_PARAGRAPHS:]):
        match = _CLOSING.match(line)
        if match is None:
            continue
        content = match.group(1)
        if _CLOSING_REJECT.search(content):
            continue
        tokens = content.split()
        if len(tokens[0]) < 2:
            continue
        return tokens[0], ("、".join(tokens[1:]) or None)
    return None, None


def extract_fields(paragraphs: Sequence[str], counted_text: str, *, subject: str = "", filename: str = "",
                   categories: Sequence[str] = DEFAULT_CATEGORIES,
                   options: CountOptions = CountOptions()) -> Extracted:
    lines = [c for c in (_clean(p) for p in paragraphs) if c]
    title = None
    for line in lines:
        stripped = _strip_leading_tag(line, categories)
        if stripped:
            title = stripped
            break
    unit, author = _labelled(lines)
    if unit is None or author is None:
        closing_unit, closing_author = _closing(lines)
        unit = unit or closing_unit
        author = author or closing_author
    category = _find_category(subject, filename, lines[:_TAG_PARAGRAPHS], categories)
    return Extracted(title=title, unit=unit, author=author, category=category,
                     word_count=word_count(counted_text, options))


def extract_docx(data: bytes, *, subject: str = "", filename: str = "",
                 categories: Sequence[str] = DEFAULT_CATEGORIES,
                 options: CountOptions = CountOptions()) -> Extracted:
    """read_docx + extract_fields; UnreadableDocument propagates."""
    text = read_docx(data)
    return extract_fields(text.texts, text.counted_text, subject=subject, filename=filename,
                          categories=categories, options=options)


def extract_text(body: str, *, subject: str = "", categories: Sequence[str] = DEFAULT_CATEGORIES,
                 options: CountOptions = CountOptions()) -> Extracted:
    """A piece written in a mail body: each line is a paragraph.

    Leading salutation lines ('信息科：', '各位领导：') are not part of the piece. The
    first remaining line is the title if it reads like one; when it is a sentence of
    running text instead, the subject (without its category tag) is the title.
    """
    lines = body.splitlines()
    while lines and (not lines[0].strip() or _SALUTATION.match(lines[0].strip())):
        lines.pop(0)
    extracted = extract_fields(lines, "\n".join(lines), subject=subject, categories=categories, options=options)
    if extracted.title and _looks_like_title(extracted.title):
        return extracted
    subject_title = _strip_leading_tag(_clean(subject), categories)
    return replace(extracted, title=subject_title) if subject_title else extracted


def _looks_like_title(line: str) -> bool:
    return len(line) <= 60 and not line.endswith(("。", "！", "？", ".", "!", "?"))


_SALUTATION = re.compile(r"^[^，。,.!！?？]{1,15}[：:]$")
