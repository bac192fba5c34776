"""Sort a message's attachments into kinds and extract the fields of each document.

Pure: bytes in, values out. What a kind *means* for the verdict is the gate's job.

An attachment's kind comes from its bytes first: the reader registry (``intake/readers``)
recognises the formats it can read, and image signatures mark photos and scans, whatever
the file is called or declared as. Only bytes nobody recognises fall back to the file name
and the MIME type. Containers (.zip, winmail.dat) are opened first and each file inside is
examined as an attachment of its own, named ``材料.zip/信息.docx``; a container that cannot be
opened (.rar/.7z, encrypted, over a limit) is a document that says why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from baosong.vocabulary import DocKind, Reason

from .extract import DEFAULT_CATEGORIES, Extracted, extract_document, extract_text
from .message import Attachment, ParsedMessage
from .readers import CONTAINERS, READERS, DocumentText, EncryptedDocument, Reader, UnreadableDocument, reader_for
from .readers.container import ArchiveLimit, UnsupportedArchive
from .readers.unpack import Refused, container_for, unpack
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


def recognise(attachment: Attachment, *, unpacked: bool = False) -> tuple[DocKind, Reader | None]:
    """What an attachment is, and the reader to read it with (None: nothing to read).

    By its bytes first (the registered readers, image signatures), else by name and MIME type.
    A name that promises a readable format whose bytes no reader recognises still gets that
    format's reader, which then says what is wrong with the bytes ("not a zip archive").
    ``unpacked``: the bytes came out of :func:`unpack`, which found them no container (not asked again:
    asking opens a zip).
    """
    container = None if unpacked else container_for(attachment.data, CONTAINERS)
    if container is not None:
        return container.kind, None     # opened by examine_message, never read as a document
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
    refused_archive: bool = False        # an archive not opened: .rar/.7z, over a limit, nested too deep

    @property
    def readable(self) -> bool:
        """Its text was read and there is text to count: it can be a piece."""
        return self.extracted is not None and self.kind is not DocKind.BODY and self.has_text

    @property
    def has_text(self) -> bool:
        return self.text is None or bool(self.text.counted_text.strip())

    @property
    def pictures_only(self) -> bool:
        """Read, but all it holds is pictures: a paper page pasted as photos, a scanned PDF."""
        return self.text is not None and not self.has_text and self.text.images > 0

    @property
    def empty(self) -> bool:
        """Read, and there is nothing in it: no text, no pictures."""
        return self.text is not None and not self.has_text and self.text.images == 0

    @property
    def read_by(self) -> str:
        """Which way the text was read ("docx", "libreoffice", "ole", "pdf"); "" for the body."""
        return self.text.read_by if self.text is not None else ""

    @property
    def not_read_because(self) -> Reason | None:
        """For an attempt at a submission that is not a piece: the reason code that says why."""
        if not self.is_content or self.readable:
            return None
        if self.encrypted:
            return Reason.ENCRYPTED_DOCUMENT
        if self.refused_archive:
            return Reason.UNSUPPORTED_ARCHIVE
        if self.pictures_only:
            return Reason.NON_ELECTRONIC
        if self.empty:
            return Reason.NO_DOCUMENT
        if self.error is not None:
            return Reason.CORRUPT_DOCUMENT
        return Reason.UNSUPPORTED_FORMAT

    @property
    def is_content(self) -> bool:
        """An attempt at an electronic submission (not a photo, a signature or the body)."""
        return self.kind not in _NOT_CONTENT


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def examine_attachment(att: Attachment, *, subject: str, categories: Sequence[str],
                       options: CountOptions, unpacked: bool = False, **office: Any) -> Document:
    digest = sha256(att.data)
    name = att.filename or "(无文件名)"
    kind, reader = recognise(att, unpacked=unpacked)
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
    extracted = extract_document(text, subject=subject, filename=name, categories=categories,
                                 options=options, **office)
    lead = "\n".join(p for p in text.texts[:8] if p.strip())
    return Document(name, kind, digest, extracted=extracted, header_text=text.header_text,
                    lead_text=lead, text=text, supported=True)


def examine_body(message: ParsedMessage, *, categories: Sequence[str], options: CountOptions,
                 **office: Any) -> Document | None:
    body = message.text.strip()
    if not body:
        return None
    extracted = extract_text(body, subject=message.subject, categories=categories, options=options, **office)
    lead = "\n".join(body.splitlines()[:8])
    return Document("body", DocKind.BODY, sha256(body.encode("utf-8")), extracted=extracted, lead_text=lead)


def examine_message(message: ParsedMessage, *, categories: Sequence[str] = DEFAULT_CATEGORIES,
                    options: CountOptions = CountOptions(),
                    **office: Any) -> tuple[tuple[Document, ...], Document | None]:
    """(documents from attachments and from the containers among them, the body as a candidate piece or None).

    ``office``: what extraction takes from the office's config and the sender
    (``registry``, ``category_aliases``, ``sender_unit``; see ``extract.extract_document``)."""
    docs: list[Document] = []
    for att in message.attachments:
        name = att.filename or "(无文件名)"
        parts, refused = unpack(name, att.data, CONTAINERS)
        for r in refused:
            docs.append(_refused(r, sha256(att.data)))
        for part in parts:
            one = att if part.container is None else replace(
                att, filename=part.name, data=part.data, content_type="application/octet-stream")
            docs.append(examine_attachment(one, subject=message.subject, categories=categories, options=options,
                                           unpacked=True, **office))
    return tuple(docs), examine_body(message, categories=categories, options=options, **office)


def _refused(r: Refused, digest: str) -> Document:
    """A container that could not be opened, as a document that says why."""
    return Document(r.name, r.kind, digest, error=str(r.error), supported=True,
                    encrypted=isinstance(r.error, EncryptedDocument),
                    refused_archive=isinstance(r.error, (UnsupportedArchive, ArchiveLimit)))
