"""Which commission (约稿) a submitted piece answers. Pure: plain values in, a decision out.

Evidence, strongest first:
- **reply**: the message's In-Reply-To or References carry the Message-ID of a commission's notice
  (the commission's own, or the one sent to a unit);
- **number**: the subject or the piece's file name carries a commission's number, as
  ``number_format`` writes it, allowing the ways people retype it (约稿[2026]12号, 约稿（2026）第12号);
- **tag**: the subject or file name carries the tag (【约稿】) and the subject, file name or title share
  enough two-character pieces of a commission's topic.

A reply or a number naming exactly one commission links the piece; two commissions named by such
evidence, several topics matching a tagged piece, or a tag / number matching none, flag the piece
for the office with the candidates. Nothing is ever guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from baosong.vocabulary import CommissionLink

_MSGID = re.compile(r"<[^<>\s]+>")
_OPEN = "【[(（〔［〈<{｛"
_CLOSE = "】])）〕］〉>}｝"
_BRACKETS = "[" + re.escape(_OPEN + _CLOSE) + "]"
_WORDS = re.compile(r"[0-9A-Za-z\u3400-\u9fff]+")


@dataclass(frozen=True)
class OpenCommission:
    """A commission a piece of this unit may answer (not closed, addressed to the unit)."""

    id: int
    year: int
    seq: int
    topic: str
    message_ids: frozenset[str]  # "<...>" as sent


@dataclass(frozen=True)
class LinkRules:
    number_format: str = "约稿〔{year}〕{seq}号"
    tag: str = "约稿"
    topic_min_shared: int = 2
    topic_ignore: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Link:
    commission_id: int | None = None
    how: CommissionLink | None = None
    # flagged for the office: the commissions it could belong to ([] = tagged or numbered, but none fits)
    candidates: tuple[int, ...] | None = None

    @property
    def flagged(self) -> bool:
        return self.candidates is not None


NO_LINK = Link()


def message_ids(values: Iterable[str]) -> set[str]:
    """The Message-IDs in In-Reply-To / References header values."""
    return {m for v in values for m in _MSGID.findall(v or "")}


@lru_cache(maxsize=16)
def number_pattern(number_format: str) -> re.Pattern[str]:
    """A tolerant pattern for numbers written by ``number_format``: brackets of any shape or none,
    spaces anywhere, 第 before the sequence number, the text after the last field optional."""
    parts = re.split(r"(\{year\}|\{seq\})", number_format)
    last_field = max(i for i, p in enumerate(parts) if p in ("{year}", "{seq}"))
    out: list[str] = []
    for i, part in enumerate(parts):
        if part == "{year}":
            out.append(r"(?P<year>\d{4})")
        elif part == "{seq}":
            out.append(r"第?\s*0*(?P<seq>\d{1,5})(?!\d)")
        else:
            text = "".join(f"{_BRACKETS}?" if ch in _OPEN + _CLOSE else (r"\s*" if ch.isspace() else re.escape(ch))
                           for ch in part)
            out.append(f"(?:{text})?" if i > last_field and text else text)
        out.append(r"\s*")
    return re.compile("".join(out))


def numbers_in(text: str, number_format: str) -> set[tuple[int, int]]:
    """(year, seq) of every commission number written in ``text``."""
    return {(int(m["year"]), int(m["seq"])) for m in number_pattern(number_format).finditer(text or "")}


def tagged(text: str, tag: str) -> bool:
    """【约稿】, [约稿], （约稿）, or the tag opening the text followed by a separator (约稿-, 约稿：)."""
    t = re.escape(tag)
    return bool(re.search(rf"{_BRACKETS}\s*{t}\s*{_BRACKETS}", text or "")
                or re.match(rf"\s*{t}\s*[-—_:：、|｜]", text or ""))


def topic_pieces(topic: str, ignore: frozenset[str]) -> set[str]:
    """The topic's two-character pieces (bigrams of its Chinese and alphanumeric runs), minus common ones."""
    out: set[str] = set()
    for run in _WORDS.findall(topic):
        out |= {run[i:i + 2] for i in range(len(run) - 1)}
    return out - ignore


def _topic_matches(c: OpenCommission, text: str, rules: LinkRules) -> bool:
    pieces = topic_pieces(c.topic, rules.topic_ignore)
    if not pieces:
        return False
    need = min(rules.topic_min_shared, len(pieces))
    return sum(1 for p in pieces if p in text) >= need


def link_piece(*, in_reply_to: Sequence[str], references: Sequence[str], subject: str, source: str,
               title: str | None, commissions: Sequence[OpenCommission], rules: LinkRules) -> Link:
    """Decide one piece: ``source`` is its file name ("body" for a mail body), ``title`` as extracted."""
    ids = message_ids([*in_reply_to, *references])
    by_reply = {c.id for c in commissions if c.message_ids & ids}
    written = numbers_in(subject, rules.number_format) | numbers_in(source, rules.number_format)
    by_number = {c.id for c in commissions if (c.year, c.seq) in written}
    explicit = by_reply | by_number
    if len(explicit) == 1:
        (only,) = explicit
        return Link(only, CommissionLink.REPLY if only in by_reply else CommissionLink.NUMBER)
    if len(explicit) > 1:
        return Link(candidates=tuple(sorted(explicit)))
    if tagged(subject, rules.tag) or tagged(source, rules.tag):
        text = " ".join(filter(None, (subject, source, title)))
        by_topic = sorted(c.id for c in commissions if _topic_matches(c, text, rules))
        if len(by_topic) == 1:
            return Link(by_topic[0], CommissionLink.TAG)
        return Link(candidates=tuple(by_topic))
    if written:  # names a commission that is not open for this unit
        return Link(candidates=())
    return NO_LINK
