"""Judge one raw message: parse, examine its documents, run the gate. Pure (no I/O).

This is what `baosong inspect` shows and what the poller records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from baosong.vocabulary import ExtractionFlag, Reason, TitleSource, UnitSource, Verdict

from .authentication import sender_authenticated
from .documents import Document, examine_message
from .extract import DEFAULT_CATEGORIES
from .gate import CHAIN, Candidate, GateContext, Hit, Link, run_chain
from .message import ParsedMessage, parse_message
from .mime.headers import clean_text
from .units_match import UnitRegistry
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
    read_by: str = ""      # which way the text was read: "docx", "libreoffice", "ole", "pdf"; "" for the body
    unit_source: UnitSource | None = None
    title_source: TitleSource | None = None
    title_fallback: str | None = None   # the subject or file name when the document has no title line
    approver: str | None = None
    commissioned: bool = False          # a 约稿 tag
    flags: tuple[ExtractionFlag, ...] = ()  # what the office should check

    @property
    def ledger_title(self) -> str | None:
        """What the 台账 shows as the title: the document's own, else its fallback."""
        return self.title or self.title_fallback

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "title": self.title,
            "unit": self.unit,
            "author": self.author,
            "category": self.category,
            "word_count": self.word_count,
            "read_by": self.read_by or None,
            "unit_source": self.unit_source,
            "title_source": self.title_source,
            "title_fallback": self.title_fallback,
            "approver": self.approver,
            "commissioned": self.commissioned,
            "flags": list(self.flags),
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
    # attachments of an accepted message that are not pieces (a .rar beside a .docx): (source, why)
    skipped: tuple[tuple[str, Reason], ...] = ()
    authenticated: str | None = None   # 'spf'/'dkim' when the receiving server verified the From domain
    precedence: str | None = None      # Precedence: bulk/list/junk (group-send): may stop a reply, never a piece

    def as_json(self) -> dict:
        return {
            "verdict": self.verdict.value,
            "reason": self.reason.value if self.reason else None,
            "sender": self.sender,
            "unit": self.unit,
            "pieces": [p.as_json() for p in self.pieces],
            "hits": [h.as_json() for h in self.hits],
            "authenticated": self.authenticated,
            "defects": list(self.message.defects),
            "guessed_charsets": list(self.message.guessed_charsets),
        }


def _piece(doc: Document, unit: str | None) -> PieceResult:
    ex = doc.extracted
    assert ex is not None
    stated = ex.unit if ex.unit_source in (UnitSource.DOCUMENT, UnitSource.BOTH) else None
    return PieceResult(
        source=clean_text(doc.source), sha256=doc.sha256, title=clean_text(ex.title) if ex.title else ex.title,
        unit=ex.unit or unit, stated_unit=stated,
        author=ex.author, category=ex.category, word_count=ex.word_count, read_by=doc.read_by,
        unit_source=ex.unit_source, title_source=ex.title_source, title_fallback=ex.title_fallback,
        approver=ex.approver, commissioned=ex.commissioned, flags=ex.flags,
    )


def examine(
    raw: bytes,
    *,
    unit_for: Callable[[str], str | None],
    categories: Sequence[str] = DEFAULT_CATEGORIES,
    options: CountOptions = CountOptions(),
    registry: UnitRegistry | None = None,
    category_aliases: Mapping[str, str] | None = None,
    size: int | None = None,
) -> Candidate:
    """Parse the message and read its documents: everything the gate looks at, nothing it asks the
    ledger. Pure and CPU-bound (``baosong.judge_pool`` runs it on every core).

    ``size``: the message's real size when ``raw`` is only its header (the IMAP RFC822.SIZE of a
    message too large to download); the gate's size limit then judges that size."""
    message = parse_message(raw)
    if size is not None:
        message = replace(message, size=size)
    unit = unit_for(message.sender) if message.sender else None
    office: dict[str, Any] = {"sender_unit": unit, "category_aliases": category_aliases}
    if registry is not None:
        office["registry"] = registry
    documents, body = examine_message(message, categories=categories, options=options, **office)
    return Candidate(message, unit, documents, body)


def slim(candidate: Candidate) -> Candidate:
    """The candidate as the gate and the ledger see it, without what only reading needed: the
    attachments' bytes (each document keeps its SHA-256) and the documents' paragraphs, tables, text
    boxes and footnotes (their fields are extracted already). What a worker of ``baosong.judge_pool``
    sends back: about a fifth of the message's size instead of more than all of it. ``decide`` gives
    the same judgement for both (tests/test_judge_pool.py)."""
    message = candidate.message
    attachments = tuple(replace(a, data=b"") for a in message.attachments)
    documents = tuple(_slim_document(d) for d in candidate.documents)
    return replace(candidate, message=replace(message, attachments=attachments), documents=documents)


def _slim_document(doc: Document) -> Document:
    if doc.text is None:
        return doc
    return replace(doc, text=replace(doc.text, paragraphs=(), text_boxes=(), footnotes=(), tables=()))


def decide(candidate: Candidate, ctx: GateContext = GateContext(), chain: Sequence[Link] = CHAIN) -> Judgement:
    """Run the gate over an examined message; ``ctx`` carries the ledger's answers."""
    message, unit, documents = candidate.message, candidate.unit, candidate.documents
    decision = run_chain(candidate, ctx, chain)
    accepted = decision.verdict is Verdict.ACCEPTED
    pieces = tuple(_piece(d, unit) for d in decision.pieces) if accepted else ()
    skipped = tuple((d.source, why) for d in documents if (why := d.not_read_because)) if accepted else ()
    precedence = (message.header("Precedence") or "").strip().lower() or None
    return Judgement(decision.verdict, decision.reason, decision.detail, message.sender, unit, pieces, message,
                     decision.hits, skipped, sender_authenticated(message), precedence)


def judge(
    raw: bytes,
    *,
    unit_for: Callable[[str], str | None],
    ctx: GateContext = GateContext(),
    categories: Sequence[str] = DEFAULT_CATEGORIES,
    options: CountOptions = CountOptions(),
    chain: Sequence[Link] = CHAIN,
    registry: UnitRegistry | None = None,
    category_aliases: Mapping[str, str] | None = None,
    size: int | None = None,
) -> Judgement:
    """Examine and decide in one step (``baosong inspect``, ``ingest``, the single-message path)."""
    candidate = examine(raw, unit_for=unit_for, categories=categories, options=options, registry=registry,
                        category_aliases=category_aliases, size=size)
    return decide(candidate, ctx, chain)
