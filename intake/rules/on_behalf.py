"""代报: a document names a registered unit other than the sender's. Both are recorded (the piece
keeps the sender's unit and the stated one) and the office is shown the hit (default: flag)."""

from __future__ import annotations

from baosong.messages import say
from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by, pieces_of

name = Reason.ON_BEHALF
description: str  # its text: rule_on_behalf in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_on_behalf")


def check(c: Candidate, ctx: GateContext) -> str | None:
    if not c.unit:
        return None
    found = []
    for piece in pieces_of(c, ctx):
        stated = piece.extracted.unit if piece.extracted else None
        if not stated:
            continue
        named = ctx.unit_named(stated)
        if named and named != c.unit:
            found.append(say("intake.on_behalf_named", source=piece.source, named=named, unit=c.unit))
    return "；".join(found) if found else None
