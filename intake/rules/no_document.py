"""Nothing to count: no readable document and the body is too short to be a piece."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, pieces_of

name = Reason.NO_DOCUMENT
description = "没有稿件 / no readable document, and the body is too short to be a piece"


def check(c: Candidate, ctx: GateContext) -> str | None:
    return None if pieces_of(c, ctx) else "no readable document and the body is too short to be a piece"
