"""The category of a piece, from the tag units put in the subject or the file name. Pure.

Tags: 【工作动态】, [工作动态], ［工作动态］, （工作动态）, (工作动态), 工作动态-… / 工作动态——… / 工作动态：…
at the start, and 工作动态类. A regime's ``category_aliases`` (scoring.yaml) map other words to a
category (动态 → 工作动态). A 约稿 tag marks a commissioned piece. A subject that names exactly one
category in its words (报送一篇工作动态) gives it too; anything else is unknown, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

COMMISSION_TAG = "约稿"

_BRACKET_TAG = re.compile(r"[【\[［〔]\s*([^【】\[\]［］〔〕\n]{1,24}?)\s*[】\]］〕]|[（(]\s*([^（）()\n]{1,12}?)\s*[）)]")
_PREFIX_TAG = re.compile(r"^\s*([\u4e00-\u9fff]{2,8}?)\s*(?:-+|—+|–+|_+|[:：])\s*(?=\S)")
_PART_SEP = re.compile(r"[·・、，,+＋/|\s]+")


@dataclass(frozen=True)
class Categories:
    """A regime's categories and the other words units write for them."""

    names: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, word: str) -> str | None:
        word = word.strip()
        for candidate in (word, word[:-1] if word.endswith("类") else None):
            if not candidate:
                continue
            if candidate in self.names:
                return candidate
            if candidate in self.aliases:
                return self.aliases[candidate]
        return None

    def is_tag(self, word: str) -> bool:
        """A category, an alias or the 约稿 mark (alone or combined: 约稿·工作动态)."""
        parts = [p for p in _PART_SEP.split(word.strip()) if p]
        return bool(parts) and all(self.resolve(p) or p.startswith(COMMISSION_TAG) for p in parts)


@dataclass(frozen=True)
class CategoryFound:
    category: str | None
    commissioned: bool
    source: str | None  # "subject", "filename", "document"


def _tags(text: str) -> list[tuple[int, str]]:
    """(position, tag text) of every bracketed tag and a leading 'X-' / 'X：' prefix."""
    out = [(m.start(), m.group(1) or m.group(2)) for m in _BRACKET_TAG.finditer(text)]
    m = _PREFIX_TAG.match(text)
    if m:
        out.append((m.start(1), m.group(1)))
    return sorted(out)


def _from_tags(text: str, cats: Categories) -> tuple[str | None, bool]:
    category, commissioned = None, False
    for _, tag in _tags(text):
        for part in _PART_SEP.split(tag.strip()):
            if not part:
                continue
            if part.startswith(COMMISSION_TAG):
                commissioned = True
            elif category is None:
                category = cats.resolve(part)
    return category, commissioned


def _named_once(text: str, cats: Categories) -> str | None:
    """The one category whose full name the text mentions; None for none or several."""
    named = {c for c in cats.names if c and c in text}
    return named.pop() if len(named) == 1 else None


def find_category(subject: str, filename: str, lead: Sequence[str], cats: Categories) -> CategoryFound:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", filename or "")
    commissioned = False
    found: tuple[str, str] | None = None
    for source, text in (("subject", subject), ("filename", stem), *(("document", t) for t in lead)):
        category, commission = _from_tags(text or "", cats)
        if category is None and source == "document":
            category = cats.resolve(text.replace(" ", ""))  # a column line "社情民意" above the title
        commissioned = commissioned or commission
        if found is None and category is not None:
            found = (category, source)
    if found is None:
        named = _named_once(subject or "", cats)
        if named is not None:
            found = (named, "subject")
    if found is None:
        return CategoryFound(None, commissioned, None)
    return CategoryFound(found[0], commissioned, found[1])


def strip_leading_tags(text: str, cats: Categories) -> str:
    """The text without the category / 约稿 tags it starts with ('【工作动态】滨湖镇…' → '滨湖镇…')."""
    while True:
        stripped = text.lstrip()
        m = _BRACKET_TAG.match(stripped)
        if m and cats.is_tag(m.group(1) or m.group(2)):
            text = stripped[m.end():]
            continue
        m = _PREFIX_TAG.match(stripped)
        if m and cats.is_tag(m.group(1)):
            text = stripped[m.end():]
            continue
        return stripped
