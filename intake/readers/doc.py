"""Readers for Word 97-2003 (.doc) and WPS Office (.wps) documents.

Two ways for each format, registered in this order so the better one wins where it can run:

* :class:`LibreOfficeWordReader` converts the file to .docx with headless LibreOffice
  (``soffice.py``) and reads that with the .docx reader: layout, tables, text boxes, everything.
  ``read_by = "libreoffice"``. Unavailable when ``soffice`` is not installed. When a conversion
  fails (timeout, crash) it falls back to the pure-Python reader and says so in ``warnings``.
* :class:`OleWordReader` reads the text straight from the OLE compound file
  (``wordbinary.py``): title and 字数 without LibreOffice. ``read_by = "ole"``.

Both recognise their format by the bytes (OLE signature, a ``WordDocument`` stream with a Word 97
FIB; WPS by its ``KS`` creator mark / ``WpsCustomData`` stream), never by the file name.
"""

from __future__ import annotations

from dataclasses import replace

from baosong.vocabulary import DocKind

from .base import DocumentText
from .soffice import DEFAULT_TIMEOUT, ConversionFailed, convert_to_docx, find_soffice
from .wordbinary import check_word_header, is_ole, read_word_binary, word_flavour

__all__ = ["LibreOfficeWordReader", "OleWordReader", "read_docx_bytes"]


def read_docx_bytes(data: bytes) -> DocumentText:
    """The .docx reader, as used on LibreOffice's output."""
    from .docx import DocxReader

    return DocxReader().read(data)


class OleWordReader:
    """A .doc or .wps read in pure Python from the OLE compound file (no layout)."""

    def __init__(self, kind: DocKind) -> None:
        self.kind = kind
        self.name = f"{kind.value}-ole"

    def recognises(self, data: bytes) -> bool:
        return is_ole(data) and word_flavour(data) is self.kind

    def unavailable(self) -> str | None:
        return None

    def read(self, data: bytes) -> DocumentText:
        return read_word_binary(data)


class LibreOfficeWordReader:
    """A .doc or .wps converted to .docx by headless LibreOffice, then read as a .docx."""

    def __init__(self, kind: DocKind, *, soffice: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.kind = kind
        self.name = f"{kind.value}-libreoffice"
        self._soffice = soffice
        self.timeout = timeout

    def recognises(self, data: bytes) -> bool:
        return is_ole(data) and word_flavour(data) is self.kind

    def soffice(self) -> str | None:
        return find_soffice(self._soffice)

    def unavailable(self) -> str | None:
        return None if self.soffice() else "LibreOffice (soffice) is not installed"

    def read(self, data: bytes) -> DocumentText:
        check_word_header(data)  # encrypted / not Word: refused here, never handed to LibreOffice
        soffice = self.soffice()
        if soffice is None:
            return read_word_binary(data)
        try:
            docx = convert_to_docx(data, suffix=f".{self.kind.value}", soffice=soffice, timeout=self.timeout)
        except ConversionFailed as exc:
            text = read_word_binary(data)
            return replace(text, warnings=(f"LibreOffice failed: {exc}",) + text.warnings)
        return replace(read_docx_bytes(docx), read_by="libreoffice")
