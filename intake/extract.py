"""Title, unit, author, category and 字数 of a submitted piece. Pure: text in, values out.

The core is :func:`extract_document`: a :class:`DocumentText` (from any reader) plus what the
mail says (subject, file name, the sender's registered unit) and the office's config (the unit
registry, the regime's categories and their aliases) in, an :class:`Extracted` out. The finders
live beside it: ``titles.py``, ``bylines.py``, ``categories.py``, ``units_match.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from baosong.config.schema import DEFAULT_CATEGORIES
from baosong.vocabulary import ExtractionFlag, TitleSource, UnitSource

from . import bylines
from .categories import Categories, find_category, strip_leading_tags
from .readers.base import DocumentText, Paragraph
from .readers.docx import read_docx
from .textlines import clean, is_masthead, is_salutation, is_sign_off, is_unit_like
from .titles import find_title, is_body, join_lines
from .units_match import MatchStatus, UnitRegistry
from .wordcount import CountOptions, word_count

__all__ = ["DEFAULT_CATEGORIES", "Extracted", "Flag", "UnitSource", "TitleSource", "extract_document",
           "extract_fields", "extract_docx", "extract_text", "read_document"]


Flag = ExtractionFlag  # the flags' old name in this module


@dataclass(frozen=True)
class Extracted:
    title: str | None
    unit: str | None
    author: str | None
    category: str | None
    word_count: int
    title_source: TitleSource | None = None  # None: no title at all
    title_fallback: str | None = None   # subject or file name when the document has no title line
    unit_source: UnitSource | None = None    # None: no unit at all
    stated_unit: str | None = None      # the unit as the document names it (raw text)
    approver: str | None = None         # 审核 / 签发
    commissioned: bool = False          # a 约稿 tag: a commissioned piece
    flags: tuple[ExtractionFlag, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        return {
            "title": self.title, "unit": self.unit, "author": self.author, "category": self.category,
            "word_count": self.word_count, "title_source": self.title_source,
            "title_fallback": self.title_fallback, "unit_source": self.unit_source,
            "stated_unit": self.stated_unit, "approver": self.approver,
            "commissioned": self.commissioned, "flags": list(self.flags),
        }


_TAG_PARAGRAPHS = 3
_EMPTY_REGISTRY = UnitRegistry()


def _fallback_title(subject: str, filename: str, cats: Categories) -> tuple[str | None, TitleSource | None]:
    import re

    subject_title = clean(strip_leading_tags(clean(subject), cats))
    subject_title = re.sub(r"^(?:(?:回复|答复|转发|Re|Fw|Fwd|RE|FW|FWD)\s*[:：]\s*)+", "", subject_title)
    if subject_title:
        return subject_title, TitleSource.SUBJECT
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", filename or "")
    stem = clean(strip_leading_tags(stem, cats))
    if stem and stem not in ("(无文件名)", "body"):
        return stem, TitleSource.FILENAME
    return None, None


def extract_document(
    doc: DocumentText, *, subject: str = "", filename: str = "", sender_unit: str | None = None,
    registry: UnitRegistry = _EMPTY_REGISTRY, categories: Sequence[str] = DEFAULT_CATEGORIES,
    category_aliases: Mapping[str, str] | None = None, options: CountOptions = CountOptions(),
    counted_text: str | None = None, body_only: bool = False, tail_lines: int = 0,
) -> Extracted:
    """The fields of one document. ``sender_unit``: the registered full name of the sender's unit."""
    cats = Categories(tuple(categories), dict(category_aliases or {}))
    knows = registry.knows
    paragraphs = doc.paragraphs
    story = [p for p in paragraphs if not p.in_table]
    lines = [p.text for p in story if p.text and not p.text.isspace()]  # raw; each finder cleans what it reads

    def not_title(text: str) -> bool:
        squeezed = text.replace(" ", "")
        return (cats.resolve(squeezed) is not None or bylines.is_field_line(text) or bylines.is_byline(text, knows)
                or knows(squeezed) or (is_unit_like(squeezed) and len(squeezed) <= 20))

    strip = lambda t: strip_leading_tags(t, cats)  # noqa: E731
    found = find_title(story, strip_tags=strip, not_title=not_title)
    title = found.title
    if title is None and doc.tables:  # a submission form (信息报送单) holds the title in a cell
        title = bylines.title_from_tables(doc.tables)
        title = join_lines([strip(title)]) or None if title else None
    title_source: TitleSource | None = TitleSource.DOCUMENT if title else None
    title_fallback = None
    flags: list[ExtractionFlag] = []
    if title is None:
        title_fallback, fallback_source = _fallback_title(subject, filename, cats)
        if body_only and title_fallback:
            title, title_source, title_fallback = title_fallback, fallback_source, None
        else:
            title_source = fallback_source
            flags.append(Flag.NO_TITLE)

    # unit and author, the most explicit form first; a later form only fills what is missing
    found_by = bylines.labelled(lines, knows)
    if doc.tables:
        found_by.fill(bylines.from_tables(doc.tables, knows))

    def missing() -> bool:
        return found_by.unit is None or not found_by.authors

    if missing():
        found_by.fill(bylines.closing(lines, knows, last=3 + tail_lines))
    if missing() and found.title is not None:
        after = [clean(p.text) for p in story[found.end: found.end + 3] if clean(p.text)]
        for line in after[:2]:
            if is_body(Paragraph(line)):
                break
            found_by.fill(bylines.byline(line, knows))
    if found_by.unit is None:
        found_by.fill(bylines.ending(lines, knows))
    if found_by.unit is None:  # a unit letterhead line above the title
        for line in (clean(p.text) for p in story[: max(found.start, 0)]):
            squeezed = line.replace(" ", "")
            if not squeezed:
                continue
            if knows(squeezed) or (is_unit_like(squeezed) and not is_masthead(line)):
                found_by.fill(bylines.Byline(unit=squeezed, form="letterhead"))
                break
    if found_by.unit is None and doc.header_text:
        found_by.fill(bylines.header(doc.header_text, knows))
    authors = found_by.authors or found_by.contact

    unit, unit_source, stated = _resolve_unit(found_by.unit, sender_unit, registry, flags)

    lead = [clean(t) for t in lines[:_TAG_PARAGRAPHS]]
    category = find_category(subject, filename, lead, cats)
    text = doc.counted_text if counted_text is None else counted_text
    return Extracted(
        title=title, unit=unit, author="、".join(authors) or None, category=category.category,
        word_count=word_count(text, options), title_source=title_source, title_fallback=title_fallback,
        unit_source=unit_source, stated_unit=stated, approver=found_by.approver,
        commissioned=category.commissioned, flags=tuple(flags),
    )


def _resolve_unit(named: str | None, sender_unit: str | None, registry: UnitRegistry,
                  flags: list[ExtractionFlag]) -> tuple[str | None, UnitSource | None, str | None]:
    """(unit, unit_source, stated unit) under the rule: matched to the registry, never guessed."""
    if not named:
        return sender_unit, (UnitSource.SENDER if sender_unit else None), None
    match = registry.match(named)
    if match.status is MatchStatus.MATCHED:
        assert match.name is not None
        if sender_unit is not None and match.name == sender_unit:
            return match.name, UnitSource.BOTH, match.raw
        if sender_unit is not None:
            flags.append(Flag.UNIT_DIFFERS)
        return match.name, UnitSource.DOCUMENT, match.raw
    if len(registry):  # without a registry (extract with no config) nothing can be registered
        flags.append(Flag.UNIT_AMBIGUOUS if match.status is MatchStatus.AMBIGUOUS else Flag.UNIT_UNREGISTERED)
    return match.raw, UnitSource.DOCUMENT, match.raw


# --- entry points for strings, .docx bytes and mail bodies ---------------------------------------

def _plain(texts: Sequence[str]) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(t) for t in texts)


def extract_fields(paragraphs: Sequence[str], counted_text: str, *, subject: str = "", filename: str = "",
                   categories: Sequence[str] = DEFAULT_CATEGORIES, options: CountOptions = CountOptions(),
                   **kwargs: object) -> Extracted:
    """Plain paragraph strings (no layout) — for callers without a :class:`DocumentText`."""
    doc = DocumentText(paragraphs=_plain(paragraphs), counted_text=counted_text)
    return extract_document(doc, subject=subject, filename=filename, categories=categories,
                            options=options, **kwargs)  # type: ignore[arg-type]


def read_document(data: bytes) -> DocumentText:
    """The .docx reader's :class:`DocumentText` (layout included); UnreadableDocument propagates."""
    return read_docx(data)


def extract_docx(data: bytes, *, subject: str = "", filename: str = "",
                 categories: Sequence[str] = DEFAULT_CATEGORIES, options: CountOptions = CountOptions(),
                 **kwargs: object) -> Extracted:
    """read + extract_document; the reader's error propagates."""
    return extract_document(read_document(data), subject=subject, filename=filename, categories=categories,
                            options=options, **kwargs)  # type: ignore[arg-type]


def piece_lines(body: str) -> list[str]:
    """The lines of a mail body that are the piece: without the salutation and the signature."""
    lines = body.splitlines()
    while lines and (not lines[0].strip() or is_salutation(lines[0])):
        lines.pop(0)
    while lines and (not lines[-1].strip() or is_sign_off(lines[-1]) or _signature_name(lines[-1])):
        lines.pop()
    return lines


def _signature_name(line: str) -> bool:
    """A signature line such as '滨湖镇党政办 张三' or '张三' at the very end (not in brackets)."""
    text = clean(line)
    if text.startswith(("（", "(")):
        return False
    parsed = bylines.unit_and_people(text, lambda _: False)
    return parsed is not None and len(text) <= 30


def extract_text(body: str, *, subject: str = "", categories: Sequence[str] = DEFAULT_CATEGORIES,
                 options: CountOptions = CountOptions(), **kwargs: object) -> Extracted:
    """A piece written in a mail body: each line is a paragraph.

    The salutation ('各位领导好！现将我镇信息报送如下：') and the signature are not part of the
    piece: they neither give the title nor count in 字数. The title is the body's own title line,
    else the subject (without its category tag).
    """
    lines = piece_lines(body)
    n_tail = _trailing(body)
    tail = body.splitlines()[-n_tail:] if n_tail else []
    doc = DocumentText(paragraphs=_plain(lines + tail), counted_text="\n".join(lines))
    extracted = extract_document(doc, subject=subject, categories=categories, options=options,
                                 body_only=True, tail_lines=n_tail, **kwargs)  # type: ignore[arg-type]
    return replace(extracted, word_count=word_count("\n".join(lines), options))


def _trailing(body: str) -> int:
    """How many lines at the end of ``body`` are its signature (kept for the byline search)."""
    lines = body.splitlines()
    n = 0
    while lines and (not lines[-1].strip() or is_sign_off(lines[-1]) or _signature_name(lines[-1])):
        lines.pop()
        n += 1
    return n
