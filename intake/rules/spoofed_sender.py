"""The receiving provider's own verdict (SPF/DMARC) says the From address was forged."""

from __future__ import annotations

import re

from baosong.vocabulary import Reason

from .base import Candidate, GateContext

name = Reason.SPOOFED_SENDER
description = "发信地址未通过 SPF/DMARC 验证 / Authentication-Results says spf=fail or dmarc=fail"

_AUTH_FAIL = re.compile(r"\b(dmarc|spf)\s*=\s*fail\b", re.I)


def check(c: Candidate, ctx: GateContext) -> str | None:
    for value in c.message.headers("Authentication-Results"):
        hit = _AUTH_FAIL.search(value)
        if hit:
            return f"Authentication-Results: {hit.group(0)}"
    return None
