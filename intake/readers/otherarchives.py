""".rar and .7z archives: recognised by their signatures and politely refused.

baosong does not open them (no well-kept pure-Python unpacker for RAR5; 7z would need another
dependency and its own bomb limits): the sender is asked to send the documents themselves or a
.zip. Recognising them matters: without it they would be "unsupported format" with no useful
advice, or worse, a renamed .rar called "报告.docx" would be called a damaged Word file.
"""

from __future__ import annotations

from baosong.vocabulary import DocKind

from .container import Member, UnsupportedArchive

__all__ = ["RarSevenZipContainer", "archive_format"]

_SIGNATURES = (
    (b"Rar!\x1a\x07\x01\x00", "RAR"),  # RAR 5
    (b"Rar!\x1a\x07\x00", "RAR"),      # RAR 1.5-4
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)


def archive_format(data: bytes) -> str | None:
    """"RAR" or "7z" when the bytes start with that archive's signature."""
    for signature, label in _SIGNATURES:
        if data.startswith(signature):
            return label
    return None


class RarSevenZipContainer:
    """RAR and 7z archives: recognised, never opened."""

    name = "rar-7z"
    kind = DocKind.ARCHIVE

    def recognises(self, data: bytes) -> bool:
        return archive_format(data) is not None

    def unavailable(self) -> str | None:
        return None

    def members(self, data: bytes) -> tuple[Member, ...]:
        raise UnsupportedArchive(f"{archive_format(data) or 'unknown'} archive")
