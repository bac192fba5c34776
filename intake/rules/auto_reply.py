"""An automatic reply (out of office, 自动回复) or a read receipt (已读回执, an MDN) is not a submission.

``Precedence: bulk/list/junk`` alone is not an automatic reply: group-send systems stamp it on
real submissions. It may stop our reply (``notify.recipients``), never discard a document.
"""

from __future__ import annotations

import re

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.AUTO_REPLY
description: str  # its text: rule_auto_reply in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_auto_reply")

_SUBJECT = re.compile(
    r"^\s*(自动回复|自动答复|自动应答|auto[- ]?reply|automatic reply|out of (the )?office|休假|外出)\s*[:：]?",
    re.I,
)
# read receipts as clients title them: 已读回执、已读：…、Read: …、Read receipt、Disposition notification
_RECEIPT_SUBJECT = re.compile(r"^\s*(已读回执|回执[:：]|已读\s*[:：]|read\s*[:：]|read receipt|"
                              r"return receipt|disposition notification)", re.I)
_MDN = re.compile(r"report-type\s*=\s*\"?disposition-notification", re.I)


def is_read_receipt(c: Candidate) -> bool:
    """An MDN (RFC 8098): multipart/report; report-type=disposition-notification, or its part."""
    m = c.message
    if m.content_type == "multipart/report" and _MDN.search(m.header("Content-Type") or ""):
        return True
    return any(a.content_type == "message/disposition-notification" for a in m.attachments)


def check(c: Candidate, ctx: GateContext) -> str | None:
    m = c.message
    if is_read_receipt(c):
        return "read receipt (disposition-notification)"
    auto = (m.header("Auto-Submitted") or "no").strip().lower()
    if auto != "no":
        return f"Auto-Submitted: {auto}"
    for header in ("X-Autoreply", "X-Autorespond"):
        if m.header(header):
            return f"{header} header"
    if (m.header("Precedence") or "").strip().lower() == "auto_reply":
        return f"Precedence: {m.header('Precedence')}"
    if _SUBJECT.match(m.subject):
        return "auto-reply subject"
    if _RECEIPT_SUBJECT.match(m.subject) and not any(d.readable for d in c.documents):
        return "read-receipt subject"
    return None
