"""A reply to one of our own mails (a unit answering its receipt: "Re: 已受理…") is correspondence
for a person in the office, never a new piece."""

from __future__ import annotations

import re

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.CORRESPONDENCE
description: str  # its text: rule_correspondence in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_correspondence")

_MSGID = re.compile(r"<[^<>\s]+>")
# the subjects of our replies (notify/replies.py REPLY_SUBJECT), answered: "Re: 已受理：…", "回复：未受理…"
_REPLY_SUBJECT = re.compile(r"^\s*((re|aw|sv|fw|fwd|回复|答复|转发)\s*[:：]\s*)+(已受理|未受理|已隔离)", re.I)


def check(c: Candidate, ctx: GateContext) -> str | None:
    m = c.message
    for header in ("In-Reply-To", "References"):
        for value in m.headers(header):
            for msgid in _MSGID.findall(value):
                if ctx.ours(msgid):
                    return f"{header}: {msgid}"
    if _REPLY_SUBJECT.match(m.subject):
        return f"subject: {m.subject[:60]}"
    return None
