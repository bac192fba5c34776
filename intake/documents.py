"""Sort a message's attachments into kinds and extract the fields of each document.

Pure: bytes in, values out. What a kind *means* for the verdict is the gate's job.

An attachment's kind comes from its bytes first: the reader registry (``intake/readers``)
recognises the formats it can read, and image signatures mark photos and scans, whatever
the file is called or declared as. Only bytes nobody recognises fall back to the file name
and the MIME type (.doc, .wps, .pdf, archives: ``unsupported`` until a reader takes them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from baosong.vocabulary import DocKind

from .extract import DEFAULT_CATEGORIES, Extracted, extract_fields, extract_text
from .message import Attachment, ParsedMessage
from .readers import READERS, DocumentText, EncryptedDocument, Reader, UnreadableDocument, reader_for
from .wordcount import CountOptions

_IMAGE_EXT = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".webp"}
_IGNORABLE_EXT = {".vcf", ".ics", ".p7s", ".asc", ".sig"}
_IGNORABLE_TYPES = {
    "application/pkcs7-signature", "application/x-pkcs7-signature", "text/calendar",
    "text/vcard", "text/x-vcard", "application/pgp-signature",
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Kinds that are an attempt at a submission (an electronic document, readable or not).
_NOT_CONTENT = frozenset({DocKind.IMAGE, DocKind.IGNORABLE, DocKind.BODY})


def is_image(data: bytes) -> bool:
    """Photo and scan formats by their magic numbers."""
    head = data[:16]
    return (head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM",
                             b"II*\x00", b"MM\x00*"))
            or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
            or (head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif")))


def _by_name(attachment: Attachment) -> DocKind:
    suffix = PurePosixPath(attachment.filename.strip().lower()).suffix
    ctype = attachment.content_type
    if suffix == ".docx" or (not suffix and ctype == DOCX_TYPE):
        return DocKind.DOCX    # claims to be a .docx but no reader recognises it: corrupt
    if suffix in _IMAGE_EXT or (not suffix and ctype.startswith("image/")):
        return DocKind.IMAGE
    if suffix in _IGNORABLE_EXT or ctype in _IGNORABLE_TYPES:
        return DocKind.IGNORABLE
    return DocKind.UNSUPPORTED


def recognise(attachment: Attachment) -> tuple[DocKind, Reader | None]:
    """What an attachment is, and the reader to read it with (None: nothing to read).

    By its bytes first (the registered readers, image signatures), else by name and MIME type.
    A name that promises a readable format whose bytes no reader recognises still gets that
    format's reader, which then says what is wrong with the bytes ("not a zip archive").
    """
    reader = reader_for(attachment.data)
    if reader is not None:
        return reader.kind, reader
    if is_image(attachment.data):
        return DocKind.IMAGE, None
    kind = _by_name(attachment)
    if kind in _NOT_CONTENT:
        return kind, None
    return kind, next((r for r in READERS if r.kind is kind and r.unavailable() is None), None)


def kind_of(attachment: Attachment) -> DocKind:
    """What an attachment is: by its bytes (readers, image signatures), else by name and MIME type."""
    return recognise(attachment)[0]


@dataclass(frozen=True)
class Document:
    source: str               # attachment filename, or "body"
    kind: DocKind
    sha256: str
    extracted: Extracted | None = None   # for a readable document or a body piece
    error: str | None = None             # why a document of a readable format could not be read
    header_text: str = ""                # headers/footers, scanned for 密级 marks
    lead_text: str = ""                  # the first paragraphs, scanned for 密级 marks
    text: DocumentText | None = None     # what the reader read (None for the body and unread kinds)
    supported: bool = False              # a registered reader takes this format (reading may have failed)
    encrypted: bool = False              # password-protected: the sender must send an unprotected copy

    @property
    def readable(self) -> bool:
        """Its text was read: it can be a piece."""
        return self.extracted is not None and self.kind is not DocKind.BODY

    @property
    def is_content(self) -> bool:
        """An attempt at an electronic submission (not a photo, a signature or the body)."""
        return self.kind not in _NOT_CONTENT


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def examine_attachment(att: Attachment, *, subject: str, categories: Sequence[str],
                       options: CountOptions) -> Document:
    digest = sha256(att.data)
    name = att.filename or "(无文件名)"
    kind, reader = recognise(att)
    if reader is None:
        return Document(name, kind, digest)
    try:
        text = reader.read(att.data)
    except EncryptedDocument as exc:
        return Document(name, kind, digest, error=str(exc), supported=True, encrypted=True)
    except UnreadableDocument as exc:
        return Document(name, kind, digest, error=str(exc), supported=True)
    except (RecursionError, MemoryError) as exc:
        return Document(name, kind, digest, error=f"document too complex ({type(exc).__name__})", supported=True)
    except Exception as exc:  # a reader's bug or a library's surprise (NotImplementedError ...): judged, never a crash
        return Document(name, kind, digest, error=f"unreadable ({type(exc).__name__})", supported=True)
    extracted = extract_fields(text.texts, text.counted_text, subject=subject, filename=name,
                               categories=categories, options=options)
    lead = "\n".join(p for p in text.texts[:8] if p.strip())
    return Document(name, kind, digest, extracted=extracted, header_text=text.header_text,
                    lead_text=lead, text=text, supported=True)


def examine_body(message: ParsedMessage, *, categories: Sequence[str], options: CountOptions) -> Document | None:
    body = message.text.strip()
    if not body:
        return None
    extracted = extract_text(body, subject=message.subject, categories=categories, options=options)
    lead = "\n".join(body.splitlines()[:8])
    return Document("body", DocKind.BODY, sha256(body.encode("utf-8")), extracted=extracted, lead_text=lead)


def examine_message(message: ParsedMessage, *, categories: Sequence[str] = DEFAULT_CATEGORIES,
                    options: CountOptions = CountOptions()) -> tuple[tuple[Document, ...], Document | None]:
    """(documents from attachments, the body as a candidate piece or None)."""
    docs = tuple(
        examine_attachment(a, subject=message.subject, categories=categories, options=options)
        for a in message.attachments
    )
    return docs, examine_body(message, categories=categories, options=options)
