"""Documents of a readable format that could not be read (damaged), and none that could."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, readable_documents

name = Reason.CORRUPT_DOCUMENT
description = "附件无法打开（文件损坏） / a document that cannot be read (damaged)"


def check(c: Candidate, ctx: GateContext) -> str | None:
    broken = [d for d in c.documents if d.supported and not d.readable and not d.encrypted]
    if broken and not readable_documents(c):
        return "；".join(f"{d.source}（{d.error}）" for d in broken)
    return None
