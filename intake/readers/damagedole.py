"""A damaged Word 97-2003 / WPS file: the OLE compound-file signature, but no readable Word document.

A unit's .doc or .wps cut short in transit (or by a full disk) still starts with the OLE signature,
yet :func:`~.wordbinary.word_flavour` cannot find a Word 97 header in it, so neither Word reader
recognises it. Without this reader such a file fell back to its name and was refused as "not a
format we read", and the unit would resend the same broken file. This reader recognises exactly
those bytes (registered after the Word readers) and reads them as :class:`UnreadableDocument`,
which the gate answers with ``corrupt_document`` ("the file may be damaged").

An OLE file that opens cleanly and simply is not Word (.xls, .ppt, an .msg, an encrypted OOXML
package) is not recognised here: it stays an unsupported format (or an encrypted document).
"""

from __future__ import annotations

import io

from baosong.vocabulary import DocKind

from .base import DocumentText, UnreadableDocument
from .wordbinary import is_ole, word_flavour

__all__ = ["DamagedOleReader", "is_damaged_word"]


def is_damaged_word(data: bytes) -> bool:
    """OLE signature, not a readable Word file, and either the compound file itself is broken or it
    holds a ``WordDocument`` stream whose header cannot be read."""
    if not is_ole(data) or word_flavour(data) is not None:
        return False
    import olefile  # only the .doc/.wps path needs it

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # olefile raises OSError, struct.error, IndexError ... on a cut-short file
        return True
    with ole:
        try:
            return ole.exists("WordDocument") and not ole.exists("EncryptedPackage")
        except Exception:
            return True


class DamagedOleReader:
    """Recognises a damaged .doc/.wps by its bytes and reports it as unreadable (``corrupt_document``)."""

    name = "doc-damaged"
    kind = DocKind.DOC

    def recognises(self, data: bytes) -> bool:
        return is_damaged_word(data)

    def unavailable(self) -> str | None:
        return None

    def read(self, data: bytes) -> DocumentText:
        raise UnreadableDocument("damaged Word/WPS file (OLE compound file cut short or broken)")
