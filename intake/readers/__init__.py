"""The document readers, in the order they are asked (the contract: ``base.py``).

A new format is one module beside ``docx.py`` and one line in :data:`READERS`. A reader is
chosen by the bytes alone (its ``recognises``), never by the file name or the declared MIME
type; the first reader that recognises the bytes and can run on this machine reads them.
Formats no reader takes yet (.doc, .wps, .pdf, archives, winmail.dat) fall back to the file
name in ``intake/documents.py`` and stay ``unsupported`` until their reader is registered here.
"""

from __future__ import annotations

from .base import DocumentText, EncryptedDocument, Paragraph, Reader, UnreadableDocument
from .docx import DocxReader

__all__ = ["READERS", "DocumentText", "EncryptedDocument", "Paragraph", "Reader", "UnreadableDocument",
           "reader_for"]

READERS: tuple[Reader, ...] = (
    DocxReader(),
)


def reader_for(data: bytes, readers: tuple[Reader, ...] = READERS) -> Reader | None:
    """The first registered reader that recognises these bytes and can run here, else None."""
    for reader in readers:
        if reader.recognises(data) and reader.unavailable() is None:
            return reader
    return None
