"""Sent before: the same Message-ID from the same unit, or every piece's bytes already submitted by it.

Answered "already received" and never counted again.
"""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by, pieces_of

name = Reason.DUPLICATE
description: str  # its text: rule_duplicate in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_duplicate")


def check(c: Candidate, ctx: GateContext) -> str | None:
    if not c.unit:
        return None
    if c.message.message_id and ctx.seen_message_id(c.message.message_id, c.unit):
        return f"Message-ID {c.message.message_id[:80]}"
    pieces = pieces_of(c, ctx)
    if pieces and all(ctx.seen_piece(p.sha256, c.unit) for p in pieces):
        return "、".join(p.source for p in pieces)
    return None
