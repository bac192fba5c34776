"""The title of a piece as the office reads it. Pure: paragraphs with their layout in, a title out.

Front matter is skipped (mastheads, issue lines, 密级/编号, dates, cover codes, 报送单位/签发人
lines, salutations, bylines). The remaining short lines before the body's first indented
paragraph are candidate title blocks; consecutive lines set alike (centred, same size and
weight) or split by a manual line break are one title, joined without spaces between Chinese
characters; a title set one character per paragraph (a vertical banner) is one line; a
letter-spaced title ("通　知") is closed up. Blocks are weighed by the evidence a person uses:
the Title/Heading style, a large size (GB/T 9704: 二号 = 22 pt), centring, bold, a 标宋/黑体 font,
coming first, and standing right before the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .readers.base import Paragraph
from .textlines import CJK, SENTENCE_END, clean, is_masthead, is_salutation, letter_spaced

MAX_TITLE = 80          # characters of a joined title
MAX_LINE = 60           # characters of one title line
_FRONT = 16             # paragraphs looked at before the body starts

_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|第[一二三四五六七八九十]+[章节部分])")
_SUBTITLE = re.compile(r"^(?:——|—|－－|--)")
_CONNECTIVE_END = ("的", "和", "与", "及", "暨", "在", "为", "对", "把", "以", "、", "，", "“", "《", "关于")
_TITLE_STYLE = re.compile(r"title|heading\s*1$|^heading$|标题\s*1?$|^标题$", re.I)
_TITLE_FONT = re.compile(r"标宋|小标宋|黑体|宋体-方正超大字符集|华文中宋")
_LABELLED_TITLE = re.compile(r"^(?:信息标题|稿件标题|标题|题目)\s*[:：]\s*(.+)$")
_SINGLE_CJK = re.compile(f"^[{CJK}]$")
_TWO_CJK = re.compile(f"[{CJK}].*[{CJK}]")


@dataclass(frozen=True)
class TitleFound:
    title: str | None
    start: int   # index (into the lines given) of the title's first paragraph; -1 when none
    end: int     # index after the title's last paragraph; 0 when none


def join_lines(texts: Sequence[str]) -> str:
    """Lines (and '\\v'-separated segments) joined: no space between Chinese characters."""
    segments: list[str] = []
    for text in texts:
        for segment in text.split("\v"):
            segment = clean(segment)
            if not segment:
                continue
            if letter_spaced(segment):
                segment = segment.replace(" ", "")
            segments.append(segment)
    out = ""
    for segment in segments:
        if out and re.match(r"[A-Za-z0-9]", out[-1]) and re.match(r"[A-Za-z0-9]", segment[0]):
            out += " "
        out += segment
    return out


def _size(p: Paragraph) -> float | None:
    return p.size_pt if p.size_pt else None


def is_body(p: Paragraph) -> bool:
    """The first paragraph of running text: indented, long, or a finished sentence."""
    if p.in_table:
        return False
    stripped = p.text.strip()
    if len(stripped) > 2 * MAX_LINE:
        return True  # fast path: running text
    text = clean(stripped)
    if not text:
        return False
    indented = p.first_line_indent or p.text.startswith(("\u3000\u3000", "  ", "\t"))
    if len(text) > MAX_LINE:
        return True
    if indented and (len(text) > 25 or text.endswith(SENTENCE_END)):
        return True
    return text.endswith(("。", "！", "？", "；")) and len(text) > 30


def _score(p: Paragraph, body_size: float | None) -> int:
    score = 0
    if p.style and _TITLE_STYLE.search(p.style):
        score += 3
    size = _size(p)
    if size is not None:
        if size >= 18:
            score += 3
        elif size >= 15 and (body_size is None or size > body_size):
            score += 2
    if p.alignment == "center":
        score += 2
    if p.bold:
        score += 1
    if any(_TITLE_FONT.search(f) for f in p.fonts):
        score += 2
    return score


def _alike(a: Paragraph, b: Paragraph) -> bool:
    """Two lines set the same way: the same alignment, size and weight, with layout evidence."""
    if a.alignment is None and _size(a) is None:
        return False
    sa, sb = _size(a), _size(b)
    same_size = (sa is None and sb is None) or (sa is not None and sb is not None and abs(sa - sb) < 0.6)
    return a.alignment == b.alignment and same_size and a.bold == b.bold and (
        a.alignment == "center" or (sa is not None and sa >= 15) or a.bold)


def _unit_head(p: Paragraph, nxt: Paragraph) -> bool:
    """A unit's name set exactly like the line after it (centred, large): the title's first line,
    not a letterhead (a letterhead is set apart: larger, red, or on its own)."""
    text = clean(p.text)
    return (p.alignment == "center" and (_size(p) or 0) >= 18 and _alike(p, nxt)
            and " " not in text and ":" not in text and "：" not in text and len(text) <= 20
            and not is_masthead(text))


def find_title(paragraphs: Sequence[Paragraph], *, strip_tags: Callable[[str], str],
               not_title: Callable[[str], bool]) -> TitleFound:
    """The title among ``paragraphs`` (main story, tables excluded, empties allowed).

    ``strip_tags`` removes a leading category tag; ``not_title`` says a line is a byline, a
    unit letterhead or a field line (the caller knows the registry)."""
    idx: list[int] = []  # non-empty story paragraphs, up to a few past the body's start
    body = None
    for i, p in enumerate(paragraphs):
        if p.in_table or not p.text or p.text.isspace():
            continue
        idx.append(i)
        if body is None and is_body(p):
            body = len(idx) - 1
        if body is not None and len(idx) >= body + 5 or body is None and len(idx) > _FRONT + 5:
            break
    if body is None:
        body = len(idx)
    sizes = [_size(paragraphs[i]) for i in idx[body:body + 5]]
    known = [s for s in sizes if s is not None]
    body_size = min(known) if known else None
    front = idx[: min(body, _FRONT)]

    for i in front:  # "标题：…"
        m = _LABELLED_TITLE.match(clean(paragraphs[i].text))
        if m:
            title = join_lines([strip_tags(m.group(1))])
            if title:
                return TitleFound(title, i, i + 1)

    seen: dict[int, str | None] = {}

    def candidate(i: int) -> str | None:
        if i not in seen:
            seen[i] = _candidate(i)
        return seen[i]

    def _candidate(i: int) -> str | None:
        p = paragraphs[i]
        raw = strip_tags(p.text)
        text = clean(raw)
        if text.endswith("。") and p.alignment == "center" and (_size(p) or 0) >= 18 and "。" not in text[:-1]:
            raw = text = text[:-1]  # a title set as one, with a stray full stop
        if not text or len(text) > MAX_LINE or text.endswith(SENTENCE_END) or not _TWO_CJK.search(text):
            return None
        if is_masthead(text) or is_salutation(text) or _NUMBERED.match(text) or _SUBTITLE.match(text):
            return None
        if not_title(text):
            return None
        return raw

    blocks: list[tuple[int, int, list[str]]] = []  # (first k, last k + 1, texts)
    k = 0
    while k < len(front):
        i = front[k]
        text = clean(paragraphs[i].text)
        if _SINGLE_CJK.match(text):  # vertical banner: one character per paragraph
            j = k
            while j < len(front) and _SINGLE_CJK.match(clean(paragraphs[front[j]].text)):
                j += 1
            banner = "".join(clean(paragraphs[front[m]].text) for m in range(k, j))
            if j - k >= 2 and not is_masthead(banner) and not not_title(banner):
                blocks.append((k, j, [banner]))
            k = j
            continue
        first = candidate(i)
        if first is None and k + 1 < len(front) and _unit_head(paragraphs[i], paragraphs[front[k + 1]]) \
                and candidate(front[k + 1]) is not None:
            first = clean(paragraphs[i].text)  # "滕州市审计局" / "2026年工作总结" set as one title
        if first is None:
            k += 1
            continue
        texts = [first]
        j = k + 1
        while j < len(front):
            nxt = candidate(front[j])
            prev = paragraphs[front[j - 1]]
            if nxt is None or len(join_lines(texts + [nxt])) > MAX_TITLE:
                break
            if not (_alike(prev, paragraphs[front[j]]) or clean(texts[-1]).endswith(_CONNECTIVE_END)):
                break
            texts.append(nxt)
            j += 1
        blocks.append((k, j, texts))
        k = j

    if not blocks:
        return TitleFound(None, -1, 0)
    best = None
    for n, (k, j, texts) in enumerate(blocks):
        score = _score(paragraphs[front[k]], body_size)
        if n == 0:
            score += 1
        if j == len(front) or (j < len(front) and all(not candidate(front[m]) for m in range(j, len(front)))):
            score += 1  # the last candidate before the body
        if best is None or score > best[0]:
            best = (score, k, j, texts)
    assert best is not None
    _, k, j, texts = best
    title = join_lines(texts)
    return TitleFound(title or None, front[k], front[j - 1] + 1)
