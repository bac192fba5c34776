"""What every document reader gives and promises (the contract of ``intake/readers/``).

A reader turns the bytes of one attachment into :class:`DocumentText`. It recognises its format
by the bytes themselves (zip or OLE signature, ``%PDF``), never by the declared MIME type or the
file name; it says whether it can run on this machine (a reader that needs LibreOffice says so
when ``soffice`` is missing); and it raises :class:`UnreadableDocument` for anything it cannot
read. Readers are pure: bytes in, text out (a converter may use a private temporary directory).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from baosong.vocabulary import DocKind


class UnreadableDocument(Exception):
    """The bytes are not a readable document of the reader's format. Short English message."""


class EncryptedDocument(UnreadableDocument):
    """The document is password-protected (an encrypted .docx is an OLE file, not a zip)."""


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the main story, with the layout evidence a person reads titles by."""

    text: str                        # '\t' tabs, '\v' manual line breaks
    style: str | None = None         # the paragraph style's name (styles.xml w:name, else its id), e.g. "Title"
    alignment: str | None = None     # "left" | "center" | "right" | "both" | "distribute"; None: unknown
    size_pt: float | None = None     # largest font size of the visible runs, in points (direct or by style)
    bold: bool = False               # every visible run is bold
    first_line_indent: bool = False  # a positive first-line indent (body text in 公文 layout)
    in_table: bool = False           # a table cell's paragraph
    fonts: tuple[str, ...] = ()      # East Asian font names of the runs, e.g. ("方正小标宋简体",)


@dataclass(frozen=True)
class DocumentText:
    """Everything baosong reads from one document."""

    paragraphs: tuple[Paragraph, ...]  # the main story in reading order, table cells included
    counted_text: str                  # everything Word's 字数 counts, paragraphs joined by '\n'
    header_text: str = ""              # page headers and footers (not counted), joined by '\n'
    text_boxes: tuple[str, ...] = ()   # paragraphs of text boxes anchored in the main story
    footnotes: tuple[str, ...] = ()    # paragraphs of footnotes and endnotes
    tables: tuple[tuple[tuple[str, ...], ...], ...] = ()  # each table: its rows of cell texts
    images: int = 0                    # embedded pictures in the main story
    read_by: str = ""                  # which reader (and which way) read it, e.g. "docx", "libreoffice", "ole"
    warnings: tuple[str, ...] = field(default=())  # what the reader noticed but read past

    @property
    def texts(self) -> tuple[str, ...]:
        """The paragraphs' plain texts."""
        return tuple(p.text for p in self.paragraphs)


@runtime_checkable
class Reader(Protocol):
    """One document format. Register an instance in ``intake/readers/__init__.py``."""

    name: str        # short, stable: "docx", "doc-libreoffice", "doc-ole", "pdf" ...
    kind: DocKind    # what the format is, for the gate

    def recognises(self, data: bytes) -> bool:
        """True when the bytes are this reader's format (by signature, cheap)."""
        ...

    def unavailable(self) -> str | None:
        """None when the reader can run here, else why not (e.g. "soffice not installed")."""
        ...

    def read(self, data: bytes) -> DocumentText:
        """The text. Raises :class:`UnreadableDocument` (or :class:`EncryptedDocument`)."""
        ...
