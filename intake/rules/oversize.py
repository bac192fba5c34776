"""A message larger than the office's limit (``limits.max_message_mb``)."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.OVERSIZE
description: str  # its text: rule_oversize in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_oversize")


def check(c: Candidate, ctx: GateContext) -> str | None:
    if c.message.size > ctx.max_bytes:
        return f"{c.message.size / 1048576:.1f} MB > {ctx.max_bytes / 1048576:.0f} MB"
    return None
