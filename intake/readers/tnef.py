"""Outlook's winmail.dat (TNEF, application/ms-tnef): the attachments inside, via ``tnefparse``.

Outlook sends one when it writes "Rich Text" mail: the real attachments are packed into a
single ``winmail.dat`` that other clients show as an unknown file. Recognised by the TNEF
signature (0x223E9F78, little-endian), never by the name.

Names: Outlook writes the short name (attAttachTitle) in the message's OEM code page (936 on
Chinese Windows) and the long name as a MAPI property (PR_ATTACH_LONG_FILENAME, usually Unicode).
The long name wins; a short name is decoded with the declared code page, else UTF-8, else GB18030
(``tnefparse``'s own ``name`` assumes UTF-8).
"""

from __future__ import annotations

import codecs
import logging

from baosong.vocabulary import DocKind

from .base import UnreadableDocument
from .container import ArchiveLimit, Limits, Member, safe_name

__all__ = ["TnefContainer", "is_tnef", "TNEF_SIGNATURE"]

TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
_PR_ATTACH_LONG_FILENAME = 0x3707


def is_tnef(data: bytes) -> bool:
    return data[:4] == TNEF_SIGNATURE


def _text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bytes):
        return _decode(value, None)
    if isinstance(value, str):
        return value.strip("\x00").strip() or None
    return None


def _decode(raw: bytes, codepage: str | None) -> str | None:
    raw = raw.rstrip(b"\x00")
    if not raw:
        return None
    encodings = [codepage] if codepage else []
    for encoding in encodings + ["utf-8", "gb18030"]:
        try:
            codecs.lookup(encoding)
            return raw.decode(encoding).strip() or None
        except (LookupError, UnicodeDecodeError):
            continue
    return None


def _name(att, codepage: str | None, index: int) -> str:
    for prop in getattr(att, "mapi_attrs", ()):
        if prop.name == _PR_ATTACH_LONG_FILENAME:
            try:
                name = _text(prop.data)
            except Exception:
                name = None
            if name:
                return name
    raw = getattr(att, "_name", b"")
    name = _decode(raw, codepage) if isinstance(raw, bytes) else _text(raw)
    return name or f"attachment-{index}"


class TnefContainer:
    """The files inside an Outlook winmail.dat."""

    name = "tnef"
    kind = DocKind.TNEF

    def __init__(self, limits: Limits = Limits()) -> None:
        self.limits = limits

    def recognises(self, data: bytes) -> bool:
        return is_tnef(data)

    def unavailable(self) -> str | None:
        try:
            import tnefparse  # noqa: F401
        except ImportError:
            return "tnefparse is not installed"
        return None

    def members(self, data: bytes) -> tuple[Member, ...]:
        from tnefparse.tnef import TNEF

        logging.getLogger("tnefparse").setLevel(logging.CRITICAL)  # it logs every odd property
        if len(data) > self.limits.max_total_bytes:
            raise ArchiveLimit(f"winmail.dat of {len(data) / 1048576:.1f} MB")
        try:
            tnef = TNEF(data, do_checksum=False)
        except Exception:  # tnefparse raises ValueError, IndexError, struct and decode errors alike
            raise UnreadableDocument("damaged winmail.dat (TNEF)") from None
        attachments = [a for a in tnef.attachments if isinstance(getattr(a, "data", None), bytes) and a.data]
        if len(attachments) > self.limits.max_entries:
            raise ArchiveLimit(f"{len(attachments)} files in winmail.dat (at most {self.limits.max_entries})")
        return tuple(Member(safe_name(_name(a, tnef.codepage, i)), a.data)
                     for i, a in enumerate(attachments, 1))
