"""A password-protected document or archive, and nothing readable besides: ask for an unprotected copy."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, pieces_of

name = Reason.ENCRYPTED_DOCUMENT
description = "文档或压缩包设有密码 / a password-protected document or archive, and no readable one"


def check(c: Candidate, ctx: GateContext) -> str | None:
    if pieces_of(c, ctx):
        return None
    locked = [d.source for d in c.documents if d.encrypted]
    return "、".join(locked) if locked else None
