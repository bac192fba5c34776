"""The document readers, in the order they are asked (the contract: ``base.py``).

A new format is one module beside ``docx.py`` and one line in :data:`READERS`. A reader is
chosen by the bytes alone (its ``recognises``), never by the file name or the declared MIME
type; the first reader that recognises the bytes and can run on this machine reads them.
Bytes no reader recognises fall back to the file name in ``intake/documents.py`` (an image, or
``unsupported``). Containers (.zip, .rar/.7z, winmail.dat) are a second list, :data:`CONTAINERS`:
a new one is one module beside ``ziparchive.py`` and one line there.
"""

from __future__ import annotations

from baosong.vocabulary import DocKind

from .base import DocumentText, EncryptedDocument, Paragraph, Reader, UnreadableDocument
from .container import Container
from .damagedole import DamagedOleReader
from .doc import LibreOfficeWordReader, OleWordReader
from .docx import DocxReader
from .otherarchives import RarSevenZipContainer
from .pdf import PdfReader
from .tnef import TnefContainer
from .ziparchive import ZipContainer

__all__ = ["READERS", "CONTAINERS", "Container", "DocumentText", "EncryptedDocument", "Paragraph", "Reader",
           "UnreadableDocument", "reader_for"]

READERS: tuple[Reader, ...] = (
    DocxReader(),
    LibreOfficeWordReader(DocKind.DOC),   # .doc converted by LibreOffice, when it is installed
    LibreOfficeWordReader(DocKind.WPS),
    OleWordReader(DocKind.DOC),           # else straight from the OLE file (no layout from styles)
    OleWordReader(DocKind.WPS),
    DamagedOleReader(),                   # the OLE signature but no readable Word file: corrupt_document
    PdfReader(),
)

# Formats that hold documents rather than being one: each file inside is examined in turn
# (``unpack.py``); asked before the readers, since a .docx is a zip too.
CONTAINERS: tuple[Container, ...] = (
    ZipContainer(),
    RarSevenZipContainer(),   # recognised to be refused politely
    TnefContainer(),
)


def reader_for(data: bytes, readers: tuple[Reader, ...] = READERS) -> Reader | None:
    """The first registered reader that recognises these bytes and can run here, else None."""
    for reader in readers:
        if reader.recognises(data) and reader.unavailable() is None:
            return reader
    return None
