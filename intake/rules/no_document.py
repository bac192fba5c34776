"""Nothing to count: no readable document and the body is too short to be a piece."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by, pieces_of

name = Reason.NO_DOCUMENT
description: str  # its text: rule_no_document in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_no_document")


def check(c: Candidate, ctx: GateContext) -> str | None:
    return None if pieces_of(c, ctx) else "no readable document and the body is too short to be a piece"
