"""Judge one raw message: parse, examine its documents, run the gate. Pure (no I/O).

This is what `baosong inspect` shows and what the poller records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from baosong.vocabulary import Reason, Verdict

from .documents import Document, examine_message
from .extract import DEFAULT_CATEGORIES
from .gate import CHAIN, Candidate, GateContext, Hit, Link, run_chain
from .message import ParsedMessage, parse_message
from .wordcount import CountOptions


@dataclass(frozen=True)
class PieceResult:
    source: str
    sha256: str
    title: str | None
    unit: str | None       # as stated in the document, else the registered unit
    stated_unit: str | None
    author: str | None
    category: str | None
    word_count: int

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "title": self.title,
            "unit": self.unit,
            "author": self.author,
            "category": self.category,
            "word_count": self.word_count,
        }


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reason: Reason | None     # the rule that decided
    detail: str | None
    sender: str
    unit: str | None
    pieces: tuple[PieceResult, ...]
    message: ParsedMessage
    hits: tuple[Hit, ...] = ()   # every rule that fired, the deciding one included

    def as_json(self) -> dict:
        return {
            "verdict": self.verdict.value,
            "reason": self.reason.value if self.reason else None,
            "sender": self.sender,
            "unit": self.unit,
            "pieces": [p.as_json() for p in self.pieces],
            "hits": [h.as_json() for h in self.hits],
        }


def _piece(doc: Document, unit: str | None) -> PieceResult:
    ex = doc.extracted
    assert ex is not None
    return PieceResult(
        source=doc.source, sha256=doc.sha256, title=ex.title, unit=ex.unit or unit, stated_unit=ex.unit,
        author=ex.author, category=ex.category, word_count=ex.word_count,
    )


def judge(
    raw: bytes,
    *,
    unit_for: Callable[[str], str | None],
    ctx: GateContext = GateContext(),
    categories: Sequence[str] = DEFAULT_CATEGORIES,
    options: CountOptions = CountOptions(),
    chain: Sequence[Link] = CHAIN,
    size: int | None = None,
) -> Judgement:
    """``size``: the message's real size when ``raw`` is only its header (the IMAP RFC822.SIZE of a
    message too large to download); the gate's size limit then judges that size."""
    message = parse_message(raw)
    if size is not None:
        message = replace(message, size=size)
    unit = unit_for(message.sender) if message.sender else None
    documents, body = examine_message(message, categories=categories, options=options)
    decision = run_chain(Candidate(message, unit, documents, body), ctx, chain)
    pieces = tuple(_piece(d, unit) for d in decision.pieces) if decision.verdict is Verdict.ACCEPTED else ()
    return Judgement(decision.verdict, decision.reason, decision.detail, message.sender, unit, pieces, message,
                     decision.hits)
