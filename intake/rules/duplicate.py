"""Every piece of the message was already submitted by the same unit."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, pieces_of

name = Reason.DUPLICATE
description = "稿件此前已报送 / every piece was already submitted by this unit"


def check(c: Candidate, ctx: GateContext) -> str | None:
    pieces = pieces_of(c, ctx)
    if pieces and c.unit and all(ctx.seen_piece(p.sha256, c.unit) for p in pieces):
        return "、".join(p.source for p in pieces)
    return None
