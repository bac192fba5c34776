"""An archive that is not opened (.rar, .7z, too many or too large files, an archive inside an
archive), and nothing readable besides: ask for the documents themselves or a .zip."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, pieces_of

name = Reason.UNSUPPORTED_ARCHIVE
description = "压缩包无法解开（.rar/.7z、文件过多过大） / an archive not opened (.rar/.7z, over the limits)"


def check(c: Candidate, ctx: GateContext) -> str | None:
    if pieces_of(c, ctx):
        return None
    refused = [d for d in c.documents if d.refused_archive]
    return "；".join(f"{d.source}（{d.error}）" for d in refused) if refused else None
