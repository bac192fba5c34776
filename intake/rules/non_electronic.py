"""Only photos or scans of paper: image attachments, a scanned PDF, a .docx or .doc that holds
nothing but pasted pictures. Not an electronic submission."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, images, pieces_of

name = Reason.NON_ELECTRONIC
description = "只有图片、扫描件或贴图文档 / only images, scans or picture-only documents, no electronic text"


def check(c: Candidate, ctx: GateContext) -> str | None:
    if pieces_of(c, ctx):
        return None
    pictures = images(c) + [d for d in c.documents if d.pictures_only]
    others = [d for d in c.documents if d.is_content and not d.pictures_only and not d.empty]
    if pictures and not others:
        return "、".join(d.source for d in pictures)
    return None
