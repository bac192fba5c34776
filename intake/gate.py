"""The sender gate: run the chain of rules (``intake/chain.py``), record every hit, decide.

Modelled on GNU Mailman's rules and chains. Every link whose action is not ``off`` runs on
every message (the rules are cheap; the ledger's duplicate look-up is cached once per
message), and every rule that fires is recorded as a hit, as Mailman stamps
``X-Mailman-Rule-Hits``. The first firing link with a deciding action decides the verdict; a
message that no deciding link stops is accepted with its readable pieces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from baosong.vocabulary import GateAction, Reason, Verdict

from .chain import CHAIN, Link
from .documents import Document
from .rules.base import Candidate, GateContext, pieces_of

__all__ = ["CHAIN", "Candidate", "Decision", "GateContext", "Hit", "Link", "run_chain"]


@dataclass(frozen=True)
class Hit:
    rule: Reason
    detail: str

    def as_json(self) -> dict:
        return {"rule": self.rule.value, "detail": self.detail}


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: Reason | None = None        # the deciding rule
    detail: str | None = None
    pieces: tuple[Document, ...] = ()   # what an accepted message contributes
    hits: tuple[Hit, ...] = ()          # every rule that fired, in chain order


def run_chain(candidate: Candidate, ctx: GateContext, chain: Sequence[Link] = CHAIN) -> Decision:
    # each ledger look-up once per message, however many rules ask
    ctx = replace(ctx, seen_piece=cache(ctx.seen_piece))
    hits: list[Hit] = []
    decided: tuple[Link, Hit] | None = None
    for link in chain:
        if link.action is GateAction.OFF:
            continue
        detail = link.rule.check(candidate, ctx)
        if detail is None:
            continue
        hit = Hit(link.rule.name, detail)
        hits.append(hit)
        if decided is None and link.action.verdict is not None:
            decided = (link, hit)
    if decided is not None and decided[0].action.verdict is not Verdict.ACCEPTED:
        link, hit = decided
        verdict = link.action.verdict
        assert verdict is not None
        return Decision(verdict, link.rule.name, hit.detail, hits=tuple(hits))
    pieces = [p for p in pieces_of(candidate, ctx)
              if not (candidate.unit and ctx.seen_piece(p.sha256, candidate.unit))]
    if decided is not None:  # a rule accepted it: the reason is kept
        link, hit = decided
        return Decision(Verdict.ACCEPTED, link.rule.name, hit.detail, tuple(pieces), tuple(hits))
    return Decision(Verdict.ACCEPTED, pieces=tuple(pieces), hits=tuple(hits))
