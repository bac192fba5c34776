"""Reader for PDF documents with a text layer.

Library: pypdf rather than pdfminer.six. Both read the text layer; pypdf is pure Python with no
dependencies (pdfminer.six pulls in ``cryptography`` and ``charset-normalizer``), is several times
faster on the one- to five-page documents units send, and decodes the predefined Chinese CMaps
(UniGB-UCS2-H, GBK-EUC-H, Identity-H with ToUnicode) that Chinese PDF writers (WPS, Word,
LibreOffice, 方正) use. pdfminer's better column analysis matters for multi-column layouts, which
submissions do not have.

A scanned PDF (pages that are pictures, no text layer) gives empty text and ``images > 0``: the
gate calls that ``non_electronic``. An encrypted PDF that opens with the empty password (the
usual "permissions only" protection) is read; one that needs a password raises
:class:`EncryptedDocument`.
"""

from __future__ import annotations

import io
import logging
import re

from baosong.vocabulary import DocKind

from .base import DocumentText, EncryptedDocument, Paragraph, UnreadableDocument

__all__ = ["PdfReader", "is_pdf"]

_MAX_PAGES = 500
_MAX_FORM_DEPTH = 4
# Inline images (BI ... ID ... EI) in a content stream: how some scanners write their pages.
_INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")


def is_pdf(data: bytes) -> bool:
    """``%PDF-`` within the first 1024 bytes (PDF 1.7 §7.5.2 tolerates leading bytes)."""
    return b"%PDF-" in data[:1024]


def _image_count(resources, depth: int = 0) -> int:
    """Image XObjects of a page's resources, following form XObjects a few levels deep."""
    if resources is None or depth > _MAX_FORM_DEPTH:
        return 0
    try:
        xobjects = resources.get("/XObject")
        if xobjects is None:
            return 0
        xobjects = xobjects.get_object()
        count = 0
        for ref in xobjects.values():
            obj = ref.get_object()
            subtype = obj.get("/Subtype")
            if subtype == "/Image":
                count += 1
            elif subtype == "/Form":
                count += _image_count(obj.get("/Resources"), depth + 1)
        return count
    except Exception:  # a damaged resource dictionary: no pictures known
        return 0


def _inline_images(page) -> int:
    try:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
    except Exception:
        return 0
    return len(_INLINE_IMAGE.findall(data))


def _paragraphs(page_text: str) -> list[str]:
    lines = [line.rstrip() for line in page_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return [line for line in lines if line.strip()]


class PdfReader:
    """A PDF's text layer, page by page, one line per paragraph."""

    name = "pdf"
    kind = DocKind.PDF

    def recognises(self, data: bytes) -> bool:
        return is_pdf(data)

    def unavailable(self) -> str | None:
        return None

    def read(self, data: bytes) -> DocumentText:
        import pypdf
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

        # pypdf logs every recoverable defect of a damaged file as a warning: not our log's business
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        try:
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except (DependencyError, NotImplementedError):
                    raise EncryptedDocument("encrypted PDF (unsupported encryption)") from None
                if not opened:
                    raise EncryptedDocument("password-protected PDF")
            pages = reader.pages
            if len(pages) > _MAX_PAGES:
                raise UnreadableDocument(f"more than {_MAX_PAGES} pages")
            paragraphs: list[str] = []
            images = 0
            for page in pages:
                images += _image_count(page.get("/Resources")) + _inline_images(page)
                paragraphs += _paragraphs(page.extract_text() or "")
        except (EncryptedDocument, UnreadableDocument):
            raise
        except FileNotDecryptedError:
            raise EncryptedDocument("password-protected PDF") from None
        except PdfReadError:
            raise UnreadableDocument("damaged PDF") from None
        except Exception:  # pypdf is a large surface: any failure on hostile bytes is a damaged PDF
            raise UnreadableDocument("damaged PDF") from None
        return DocumentText(
            paragraphs=tuple(Paragraph(p) for p in paragraphs),
            counted_text="\n".join(paragraphs),
            images=images,
            read_by="pdf",
            warnings=("PDF: text layer only, one line per paragraph",),
        )
