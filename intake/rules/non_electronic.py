"""Only photos or scans of paper: image attachments, a scanned PDF, a .docx or .doc that holds
nothing but pasted pictures. Not an electronic submission."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by, images, pieces_of

name = Reason.NON_ELECTRONIC
description: str  # its text: rule_non_electronic in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_non_electronic")


def check(c: Candidate, ctx: GateContext) -> str | None:
    if pieces_of(c, ctx):
        return None
    pictures = images(c) + [d for d in c.documents if d.pictures_only]
    others = [d for d in c.documents if d.is_content and not d.pictures_only and not d.empty]
    if pictures and not others:
        return "、".join(d.source for d in pictures)
    return None
