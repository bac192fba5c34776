"""Sort a message's attachments into kinds and extract the fields of each document.

Pure: bytes in, values out. What a kind *means* for the verdict is the gate's job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from .docx_text import CorruptDocument, read_docx
from .extract import DEFAULT_CATEGORIES, Extracted, extract_fields, extract_text
from .message import Attachment, ParsedMessage
from .wordcount import CountOptions


class Kind(StrEnum):
    DOCX = "docx"            # Word 2007+ document: the format we extract
    IMAGE = "image"          # photos and scans: not an electronic submission
    UNSUPPORTED = "unsupported"  # .doc, .wps, .pdf, archives ...: ask for .docx
    IGNORABLE = "ignorable"  # signatures, calendar parts, vCards: not content
    BODY = "body"            # the mail body itself, as a possible piece


_IMAGE_EXT = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".webp"}
_IGNORABLE_EXT = {".vcf", ".ics", ".p7s", ".asc", ".sig"}
_IGNORABLE_TYPES = {
    "application/pkcs7-signature", "application/x-pkcs7-signature", "text/calendar",
    "text/vcard", "text/x-vcard", "application/pgp-signature",
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def kind_of(attachment: Attachment) -> Kind:
    suffix = PurePosixPath(attachment.filename.strip().lower()).suffix
    ctype = attachment.content_type
    if suffix == ".docx" or (not suffix and ctype == DOCX_TYPE):
        return Kind.DOCX
    if suffix in _IMAGE_EXT or (not suffix and ctype.startswith("image/")):
        return Kind.IMAGE
    if suffix in _IGNORABLE_EXT or ctype in _IGNORABLE_TYPES:
        return Kind.IGNORABLE
    return Kind.UNSUPPORTED


@dataclass(frozen=True)
class Document:
    source: str               # attachment filename, or "body"
    kind: Kind
    sha256: str
    extracted: Extracted | None = None   # for a readable .docx or a body piece
    error: str | None = None             # why a .docx could not be read
    header_text: str = ""                # headers/footers, scanned for 密级 marks
    lead_text: str = ""                  # the first paragraphs, scanned for 密级 marks


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def examine_attachment(att: Attachment, *, subject: str, categories: Sequence[str],
                       options: CountOptions) -> Document:
    kind = kind_of(att)
    digest = sha256(att.data)
    name = att.filename or "(无文件名)"
    if kind is not Kind.DOCX:
        return Document(name, kind, digest)
    try:
        text = read_docx(att.data)
    except CorruptDocument as exc:
        return Document(name, kind, digest, error=str(exc))
    extracted = extract_fields(text.paragraphs, text.counted_text, subject=subject, filename=name,
                               categories=categories, options=options)
    lead = "\n".join(p for p in text.paragraphs[:8] if p.strip())
    return Document(name, kind, digest, extracted=extracted, header_text=text.header_footer_text,
                    lead_text=lead)


def examine_body(message: ParsedMessage, *, categories: Sequence[str], options: CountOptions) -> Document | None:
    body = message.text.strip()
    if not body:
        return None
    extracted = extract_text(body, subject=message.subject, categories=categories, options=options)
    lead = "\n".join(body.splitlines()[:8])
    return Document("body", Kind.BODY, sha256(body.encode("utf-8")), extracted=extracted, lead_text=lead)


def examine_message(message: ParsedMessage, *, categories: Sequence[str] = DEFAULT_CATEGORIES,
                    options: CountOptions = CountOptions()) -> tuple[tuple[Document, ...], Document | None]:
    """(documents from attachments, the body as a candidate piece or None)."""
    docs = tuple(
        examine_attachment(a, subject=message.subject, categories=categories, options=options)
        for a in message.attachments
    )
    return docs, examine_body(message, categories=categories, options=options)


