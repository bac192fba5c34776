"""A delivery failure report (bounce) is not a submission."""

from __future__ import annotations

import re

from baosong.vocabulary import Reason

from .base import Candidate, GateContext

name = Reason.BOUNCE
description = "退信（投递失败通知） / a bounce: delivery status notification or mailer-daemon"

_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.I)
_SUBJECT = re.compile(
    r"(退信|系统退信|投递失败|未送达|Undeliver|Delivery Status Notification|Mail delivery failed|Returned mail)",
    re.I,
)


def check(c: Candidate, ctx: GateContext) -> str | None:
    m = c.message
    if m.content_type == "multipart/report":
        return "multipart/report (delivery status notification)"
    if m.return_path == "":
        return "null Return-Path <>"
    if _SENDER.match(m.sender) or (not m.sender and _SUBJECT.search(m.subject)):
        return f"from {m.sender or '(no sender)'}"
    return None
