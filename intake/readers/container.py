"""What a container format gives: the files inside it (a .zip, Outlook's winmail.dat).

A container is not a document: it holds documents. Each member becomes one more attachment for
the gate to examine, named ``<container>/<member>``. Containers recognise their format by bytes,
like readers, and never write anything to disk: members are read into memory under limits (entry
count, total size, compression ratio), so no path in an archive can leave anywhere.

Register a container in ``CONTAINERS`` (``intake/readers/__init__.py``), one line each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from baosong.vocabulary import DocKind

from .base import UnreadableDocument

__all__ = ["Member", "Container", "UnsupportedArchive", "ArchiveLimit", "Limits", "safe_name"]


class UnsupportedArchive(UnreadableDocument):
    """An archive format baosong does not open (.rar, .7z) or an archive inside an archive."""


class ArchiveLimit(UnreadableDocument):
    """The archive exceeds a limit (too many entries, too large, compression ratio of a bomb)."""


@dataclass(frozen=True)
class Limits:
    max_entries: int = 50                      # files in one archive
    max_total_bytes: int = 50 * 1024 * 1024    # uncompressed, all members together
    max_member_bytes: int = 30 * 1024 * 1024   # uncompressed, one member
    max_ratio: int = 200                       # uncompressed / compressed, per member


@dataclass(frozen=True)
class Member:
    name: str    # the member's path inside the container, '/'-separated, never absolute, no '..'
    data: bytes


@runtime_checkable
class Container(Protocol):
    name: str
    kind: DocKind

    def recognises(self, data: bytes) -> bool:
        """True when the bytes are this container's format (by signature, cheap)."""
        ...

    def unavailable(self) -> str | None:
        """None when the container can be opened here, else why not."""
        ...

    def members(self, data: bytes) -> tuple[Member, ...]:
        """The files inside. Raises UnreadableDocument, EncryptedDocument, UnsupportedArchive, ArchiveLimit."""
        ...


def safe_name(name: str) -> str:
    """A member path as a harmless label: '/'-separated, relative, without '.', '..' or control characters."""
    parts = []
    for part in name.replace("\\", "/").split("/"):
        part = "".join(ch for ch in part if ch >= " " and ch != "\x7f").strip()
        if part in ("", ".", ".."):
            continue
        parts.append(part)
    return "/".join(parts) or "(无文件名)"
