"""An archive that is not opened (.rar, .7z, too many or too large files, an archive inside an
archive), and nothing readable besides: ask for the documents themselves or a .zip."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by, pieces_of

name = Reason.UNSUPPORTED_ARCHIVE
description: str  # its text: rule_unsupported_archive in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_unsupported_archive")


def check(c: Candidate, ctx: GateContext) -> str | None:
    if pieces_of(c, ctx):
        return None
    refused = [d for d in c.documents if d.refused_archive]
    return "；".join(f"{d.source}（{d.error}）" for d in refused) if refused else None
