"""A 密级 mark (秘密★, 机密★5年, 密级：绝密) in the subject, the body or a document."""

from __future__ import annotations

import re

from baosong.vocabulary import Reason

from .base import Candidate, GateContext

name = Reason.CLASSIFIED
description = "带有密级标志 / a classification mark in the subject, body, a header or a title"

# 密级 marks as printed on classified documents: 秘密★、机密★5年、密级：绝密
_MARK = re.compile(r"(绝密|机密|秘密)\s*★|★\s*(绝密|机密|秘密)|密\s*级\s*[:：]\s*(绝密|机密|秘密)")


def check(c: Candidate, ctx: GateContext) -> str | None:
    texts = [("邮件主题", c.message.subject)]
    if c.body is not None:
        texts.append(("邮件正文", c.body.lead_text))
    for d in c.documents:
        texts.append((d.source, d.header_text))
        texts.append((d.source, d.lead_text))
        if d.extracted and d.extracted.title:
            texts.append((d.source, d.extracted.title))
    for where, text in texts:
        hit = _MARK.search(text or "")
        if hit:
            return f"{where}：{hit.group(0)}"
    return None
