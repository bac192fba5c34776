"""Only photos or scans of paper are attached: not an electronic submission."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, images, pieces_of

name = Reason.NON_ELECTRONIC
description = "附件只有图片（照片、扫描件） / only images attached, no electronic document"


def check(c: Candidate, ctx: GateContext) -> str | None:
    if pieces_of(c, ctx) or any(d.is_content for d in c.documents):
        return None
    photos = images(c)
    return "、".join(d.source for d in photos) if photos else None
