"""The From address is forged: the receiving provider's SPF/DMARC verdict says so, or the display
name shows a registered unit's address that is not the real sender (``"binhu-xx@example.com"
<someone@qq.com>``)."""

from __future__ import annotations

import re

from baosong.messages import say
from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.SPOOFED_SENDER
description: str  # its text: rule_spoofed_sender in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_spoofed_sender")

_AUTH_FAIL = re.compile(r"\b(dmarc|spf)\s*=\s*fail\b", re.I)
_ADDRESS = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


def check(c: Candidate, ctx: GateContext) -> str | None:
    for value in c.message.headers("Authentication-Results"):
        hit = _AUTH_FAIL.search(value)
        if hit:
            return f"Authentication-Results: {hit.group(0)}"
    sender = c.message.sender
    for shown in _ADDRESS.findall(c.message.sender_name or ""):
        shown = shown.lower()
        if shown != sender and ctx.unit_of_address(shown):
            if not sender:
                return say("intake.display_name_spoofed_no_sender", shown=shown)
            return say("intake.display_name_spoofed", shown=shown, sender=sender)
    return None
