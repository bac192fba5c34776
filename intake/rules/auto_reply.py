"""An automatic reply (out of office, 自动回复) is not a submission."""

from __future__ import annotations

import re

from baosong.vocabulary import Reason

from .base import Candidate, GateContext

name = Reason.AUTO_REPLY
description = "自动回复 / an automatic reply (Auto-Submitted, X-Autoreply, Precedence, subject)"

_SUBJECT = re.compile(
    r"^\s*(自动回复|自动答复|自动应答|auto[- ]?reply|automatic reply|out of (the )?office|休假|外出)\s*[:：]?",
    re.I,
)


def check(c: Candidate, ctx: GateContext) -> str | None:
    m = c.message
    auto = (m.header("Auto-Submitted") or "no").strip().lower()
    if auto != "no":
        return f"Auto-Submitted: {auto}"
    for header in ("X-Autoreply", "X-Autorespond"):
        if m.header(header):
            return f"{header} header"
    if (m.header("Precedence") or "").strip().lower() in ("auto_reply", "bulk", "junk", "list"):
        return f"Precedence: {m.header('Precedence')}"
    if _SUBJECT.match(m.subject):
        return "auto-reply subject"
    return None
