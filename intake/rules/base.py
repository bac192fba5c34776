"""What every gate rule sees and promises (the contract of ``intake/rules/``).

A rule is a module with three names: ``name`` (its :class:`~baosong.vocabulary.Reason` code),
``description`` (one line, in ``templates/messages/intake.yaml``: see :func:`described_by`) and ``check(candidate, context) -> str | None`` (a detail when it
fires, else None). A rule never decides what happens when it fires: the chain
(``intake/chain.py``) and the office's ``gate:`` settings do. A rule does not know its place in
the chain either: every rule is run on every message and all that fire are recorded.
Rules are pure: they see a :class:`Candidate` and a :class:`GateContext`, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from baosong.messages import say
from baosong.vocabulary import DocKind, Reason

from ..documents import Document
from ..message import ParsedMessage
from ..textcheck import looks_like_text


@dataclass(frozen=True)
class Candidate:
    message: ParsedMessage
    unit: str | None                  # registered unit of the sender, if any
    documents: tuple[Document, ...]   # one per attachment
    body: Document | None             # the mail body as a possible piece


@dataclass(frozen=True)
class GateContext:
    max_bytes: int = 50 * 1024 * 1024
    min_body_words: int = 50
    # (document sha256, unit name) -> True if that unit already submitted that content
    seen_piece: Callable[[str, str], bool] = field(default=lambda sha, unit: False)
    # (Message-ID, unit name) -> True if that unit's message with this Message-ID was recorded before
    seen_message_id: Callable[[str, str], bool] = field(default=lambda message_id, unit: False)
    # Message-ID -> True if it is one of the mails baosong sent (the ledger's outbox)
    ours: Callable[[str], bool] = field(default=lambda message_id: False)
    # an e-mail address -> the registered unit it belongs to (display-name spoofing)
    unit_of_address: Callable[[str], str | None] = field(default=lambda address: None)
    # a unit as named in a document -> the registered unit's name, None when not registered
    unit_named: Callable[[str], str | None] = field(default=lambda text: None)
    # (normalised title, unit name) -> True if that unit sent a piece with that title before
    seen_title: Callable[[str, str], bool] = field(default=lambda title, unit: False)
    # the office's own addresses (office.to): only they may release a notice by quoting its code
    office_addresses: frozenset[str] = frozenset()


class Rule(Protocol):
    """A rule module (or any object with these three attributes)."""

    name: Reason
    description: str

    def check(self, candidate: Candidate, context: GateContext) -> str | None: ...


def described_by(key: str) -> Callable[[str], str]:
    """A rule module's ``__getattr__`` that gives its ``description`` from the message catalogue when
    asked (``__getattr__ = described_by("intake.rule_x")``, with ``description: str`` declared): an
    office's rewording counts, and importing the chain reads no file."""
    def __getattr__(attribute: str) -> str:
        if attribute == "description":
            return say(key)
        raise AttributeError(attribute)
    return __getattr__


# --- what the message offers, shared by several rules -------------------------------------

def readable_documents(c: Candidate) -> list[Document]:
    """Attachments whose text was read: the pieces, when there are any."""
    return [d for d in c.documents if d.readable]


def body_piece(c: Candidate, ctx: GateContext) -> Document | None:
    """The body counts as a piece only when no attachment is content and it is long enough."""
    if c.body is None or c.body.extracted is None:
        return None
    if any(d.is_content for d in c.documents):
        return None
    if not looks_like_text(c.message.text):   # a body wrongly labelled base64: binary garbage
        return None
    return c.body if c.body.extracted.word_count >= ctx.min_body_words else None


def pieces_of(c: Candidate, ctx: GateContext) -> list[Document]:
    docs = readable_documents(c)
    if docs:
        return docs
    body = body_piece(c, ctx)
    return [body] if body else []


def images(c: Candidate) -> list[Document]:
    return [d for d in c.documents if d.kind is DocKind.IMAGE]
