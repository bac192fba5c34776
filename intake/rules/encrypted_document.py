"""A password-protected document, and no readable one: ask for an unprotected copy."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by, readable_documents

name = Reason.ENCRYPTED_DOCUMENT
description: str  # its text: rule_encrypted_document in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_encrypted_document")


def check(c: Candidate, ctx: GateContext) -> str | None:
    locked = [d for d in c.documents if d.encrypted]
    if locked and not readable_documents(c):
        return "、".join(d.source for d in locked)
    return None
