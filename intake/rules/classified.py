"""A 密级 mark (秘密★, 机密★5年, 密级：绝密) in the subject, the body or a document."""

from __future__ import annotations

import re

from baosong.messages import say
from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.CLASSIFIED
description: str  # its text: rule_classified in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_classified")

# 密级 marks as printed on classified documents: 秘密★、机密★5年、密级：绝密
_MARK = re.compile(r"(绝密|机密|秘密)\s*★|★\s*(绝密|机密|秘密)|密\s*级\s*[:：]\s*(绝密|机密|秘密)")


def check(c: Candidate, ctx: GateContext) -> str | None:
    texts = [(say("intake.place_subject"), c.message.subject)]
    if c.body is not None:
        texts.append((say("intake.place_body"), c.body.lead_text))
    for d in c.documents:
        texts.append((d.source, d.header_text))
        texts.append((d.source, d.lead_text))
        if d.extracted and d.extracted.title:
            texts.append((d.source, d.extracted.title))
    for where, text in texts:
        hit = _MARK.search(text or "")
        if hit:
            return say("intake.classified_mark", where=where, mark=hit.group(0))
    return None
