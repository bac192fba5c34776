"""A password-protected document, and no readable one: ask for an unprotected copy."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, readable_documents

name = Reason.ENCRYPTED_DOCUMENT
description = "附件设置了打开密码 / a password-protected (encrypted) document"


def check(c: Candidate, ctx: GateContext) -> str | None:
    locked = [d for d in c.documents if d.encrypted]
    if locked and not readable_documents(c):
        return "、".join(d.source for d in locked)
    return None
