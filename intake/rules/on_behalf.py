"""代报: a document names a registered unit other than the sender's. Both are recorded (the piece
keeps the sender's unit and the stated one) and the office is shown the hit (default: flag)."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, pieces_of

name = Reason.ON_BEHALF
description = "代报：文档署名为另一登记单位 / the document names a different registered unit than the sender's"


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
            found.append(f"{piece.source}：署名 {named}，发信单位 {c.unit}")
    return "；".join(found) if found else None
