"""An office address answering a draft notice with its approval code (审核码): release, not a submission.

The draft (``baosong/approval.py``) carries "审核码：XXXXXX" in its subject and body; a reply from an
address in ``office.to`` that quotes it fires this rule. Its detail is the code; the wiring
(``baosong/processing.py``) approves the period that code belongs to. Mail from any other address
never fires it, so a unit cannot release a notice.
"""

from __future__ import annotations

import re

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.APPROVAL_REPLY
description: str  # its text: rule_approval_reply in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_approval_reply")

CODE = re.compile(r"审核码\s*[:：]?\s*([A-Z0-9]{6})\b")


def quoted_code(text: str) -> str | None:
    hit = CODE.search(text or "")
    return hit.group(1) if hit else None


def check(c: Candidate, ctx: GateContext) -> str | None:
    if not c.message.sender or c.message.sender.lower() not in ctx.office_addresses:
        return None
    return quoted_code(c.message.subject) or quoted_code(c.message.text)
