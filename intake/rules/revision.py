"""修改稿: a revised version of a piece the unit sent before — the same title, or a subject or file
name marked 修改/修订/更正/终稿/第二稿. Accepted and linked to the piece it replaces (the recording
step finds it with :func:`title_key`); both stay in the ledger. Default action: flag."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath

from baosong.messages import say
from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by, pieces_of

name = Reason.REVISION
description: str  # its text: rule_revision in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_revision")

MARKERS = re.compile(r"(修改稿?|修订稿?|更正稿?|终稿|定稿|第[二三四五六七八九十2-9]\s*稿|二稿|三稿|新版|v\d+)", re.I)
_NOISE = re.compile(r"[\s　【】\[\]（）()《》<>“”\"'‘’、,，.。:：;；!！?？\-—_~·]+")
_TAGS = re.compile(r"^\s*((re|fw|fwd|回复|转发)\s*[:：]\s*)+", re.I)


def title_key(text: str | None) -> str:
    """A title or file name reduced to what stays the same across revisions ('' when nothing is left)."""
    if not text:
        return ""
    return _title_key(text)


@lru_cache(maxsize=65536)   # a poll asks it of the same units' recent titles batch after batch
def _title_key(text: str) -> str:
    stem = text.strip()
    suffix = PurePosixPath(stem).suffix.lower()
    if suffix in (".docx", ".doc", ".wps", ".pdf", ".docm", ".txt"):
        stem = stem[: -len(suffix)]
    stem = _TAGS.sub("", stem)
    stem = MARKERS.sub("", stem)
    return _NOISE.sub("", stem).lower()


def marked(c: Candidate, source: str) -> str | None:
    for where, text in (("intake.revision_in_subject", c.message.subject),
                        ("intake.revision_in_file_name", source)):
        hit = MARKERS.search(text or "")
        if hit:
            return say(where, mark=hit.group(0))
    return None


def check(c: Candidate, ctx: GateContext) -> str | None:
    if not c.unit:
        return None
    found = []
    for piece in pieces_of(c, ctx):
        if ctx.seen_piece(piece.sha256, c.unit):
            continue   # the same bytes: a duplicate, not a revision
        title = piece.extracted.title if piece.extracted else None
        key = title_key(title)
        if key and ctx.seen_title(key, c.unit):
            found.append(say("intake.revision_same_title", source=piece.source, title=title))
            continue
        mark = marked(c, piece.source)
        if mark:
            found.append(say("intake.revision_marked", source=piece.source, mark=mark))
    return "；".join(found) if found else None
