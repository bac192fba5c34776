"""A message larger than the office's limit (``limits.max_message_mb``)."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext

name = Reason.OVERSIZE
description = "邮件超过大小上限 / the message is larger than limits.max_message_mb"


def check(c: Candidate, ctx: GateContext) -> str | None:
    if c.message.size > ctx.max_bytes:
        return f"{c.message.size / 1048576:.1f} MB > {ctx.max_bytes / 1048576:.0f} MB"
    return None
