"""Documents attached in a format no registered reader takes, and none that one does."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.UNSUPPORTED_FORMAT
description: str  # its text: rule_unsupported_format in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_unsupported_format")


def check(c: Candidate, ctx: GateContext) -> str | None:
    if any(d.supported for d in c.documents):
        return None
    names = [d.source for d in c.documents if d.is_content]
    return "、".join(names) if names else None
