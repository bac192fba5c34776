"""Documents of a readable format that could not be read (damaged), and none that could."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by, readable_documents

name = Reason.CORRUPT_DOCUMENT
description: str  # its text: rule_corrupt_document in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_corrupt_document")


def check(c: Candidate, ctx: GateContext) -> str | None:
    # damaged only: password-protected files and refused archives have rules of their own, and
    # a document that was read but holds no text is no_document / non_electronic
    broken = [d for d in c.documents
              if d.supported and d.error is not None and not d.encrypted and not d.refused_archive]
    if broken and not readable_documents(c):
        return "；".join(f"{d.source}（{d.error}）" for d in broken)
    return None
