"""Documents attached in a format no registered reader takes, and none that one does."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext

name = Reason.UNSUPPORTED_FORMAT
description = "附件格式无法读取 / attached documents in a format no reader takes"


def check(c: Candidate, ctx: GateContext) -> str | None:
    if any(d.supported for d in c.documents):
        return None
    names = [d.source for d in c.documents if d.is_content]
    return "、".join(names) if names else None
