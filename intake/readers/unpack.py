"""Open the containers among a message's attachments: each file inside becomes an attachment.

Pure: bytes in, parts out. ``a.zip`` holding ``信息.docx`` gives the part ``a.zip/信息.docx``; a
winmail.dat holding a zip is opened too (two levels at most: deeper nesting is refused as an
archive inside an archive). A container that cannot be opened (encrypted, over a limit, .rar,
damaged) is returned as refused, with the reason, for the gate to answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from baosong.vocabulary import DocKind

from .base import UnreadableDocument
from .container import ArchiveLimit, Container, UnsupportedArchive

__all__ = ["Part", "Refused", "container_for", "unpack", "MAX_DEPTH", "MAX_PARTS"]

MAX_DEPTH = 2    # winmail.dat → .zip → documents
MAX_PARTS = 100  # files taken out of one attachment, all levels together


@dataclass(frozen=True)
class Part:
    """One file to examine: an attachment itself, or a file taken out of a container."""

    name: str                   # "信息.docx", "材料.zip/信息.docx"
    data: bytes
    container: str | None = None  # the outermost container's name, when it came out of one


@dataclass(frozen=True)
class Refused:
    """A container that could not be opened, and why."""

    name: str                   # "材料.zip", "winmail.dat/旧稿.rar"
    kind: DocKind
    error: UnreadableDocument   # EncryptedDocument, ArchiveLimit, UnsupportedArchive, or damage


def container_for(data: bytes, containers: Sequence[Container]) -> Container | None:
    """The first container that recognises the bytes and can run here."""
    for container in containers:
        if container.recognises(data) and container.unavailable() is None:
            return container
    return None


def unpack(name: str, data: bytes, containers: Sequence[Container]) -> tuple[list[Part], list[Refused]]:
    """The parts to examine for one attachment, and the containers refused on the way."""
    parts: list[Part] = []
    refused: list[Refused] = []

    def walk(label: str, body: bytes, depth: int, outer: str | None) -> None:
        container = container_for(body, containers)
        if container is None:
            parts.append(Part(label, body, outer))
            return
        if depth >= MAX_DEPTH:
            refused.append(Refused(label, container.kind, UnsupportedArchive("archive inside an archive")))
            return
        try:
            members = container.members(body)
        except UnreadableDocument as exc:
            refused.append(Refused(label, container.kind, exc))
            return
        for member in members:
            if len(parts) >= MAX_PARTS:
                refused.append(Refused(label, container.kind, ArchiveLimit(f"more than {MAX_PARTS} files")))
                return
            walk(f"{label}/{member.name}", member.data, depth + 1, outer or label)

    walk(name, data, 0, None)
    return parts, refused
