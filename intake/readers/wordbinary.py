"""The text of a Word 97-2003 binary document (.doc, and WPS Office's .wps), read in pure Python.

The fallback when LibreOffice is not installed (or fails): enough for the title and 字数, not for
layout. It reads the OLE compound file with ``olefile`` and follows [MS-DOC]:

* the File Information Block (FIB) at the start of the ``WordDocument`` stream gives the
  character counts of each story (main text, footnotes, headers, endnotes, text boxes), which
  table stream holds the tables (``0Table`` / ``1Table``) and where the piece table is (``fcClx``);
* the piece table (``Clx`` → ``PlcPcd``) maps character positions to byte ranges of the
  ``WordDocument`` stream, each piece either UTF-16LE or "compressed" 8-bit text (cp1252).

WPS Office (金山 WPS 文字, 2005 and later) writes .wps files in this very format: the same
``WordDocument`` / ``0Table`` streams and FIB, with its own creator mark ``KS`` in the FIB's
``wMagicCreated`` field and an extra ``WpsCustomData`` stream. So one reader serves both; the
flavour only decides which :class:`DocKind` the file is.

Direct formatting is read too (``wordprops.py``): alignment, size, bold, first-line indent and
style names as layout evidence for titles, and deleted (tracked) or hidden text, which Word's
字数 does not count. Not read (hence ``warnings``): properties that come from styles, table
structure (cells are paragraphs marked ``in_table``) and list numbers.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

from baosong.vocabulary import DocKind

from .base import DocumentText, EncryptedDocument, Paragraph, UnreadableDocument
from .wordprops import CharProps, ParaProps, Properties, read_properties

__all__ = ["OLE_SIGNATURE", "is_ole", "word_flavour", "check_word_header", "read_word_binary"]

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_WORD97_IDENT = 0xA5EC
_WORD95_IDENT = 0xA5DC
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_F_OBFUSCATED = 0x8000
_KINGSOFT_MARK = b"KS"           # wMagicCreated as WPS Office writes it (Word writes "jb")
_MAX_PIECES = 1_000_000
_MAX_CHARS = 5_000_000           # ~2,500 pages: far beyond any submission

NOT_READ = ("read without LibreOffice: direct formatting only (sizes, bold and alignment that come "
            "from styles are unknown), no table structure, no list numbers")


def is_ole(data: bytes) -> bool:
    """True when the bytes start with the OLE compound file signature."""
    return data[:8] == OLE_SIGNATURE


def _open(data: bytes):  # -> olefile.OleFileIO
    import olefile  # imported here: only the .doc/.wps path needs it

    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # olefile raises OSError, struct.error, IndexError ... on damaged files
        raise UnreadableDocument("damaged OLE compound file") from None


def _stream(ole, name: str) -> bytes:
    try:
        return ole.openstream(name).read()
    except Exception:
        raise UnreadableDocument(f"OLE stream {name} unreadable") from None


def word_flavour(data: bytes) -> DocKind | None:
    """DocKind.DOC or DocKind.WPS when the bytes are a Word 97-2003 binary document, else None.

    Cheap enough for ``recognises``: reads the directory and the first bytes of one stream.
    An encrypted OOXML package (an OLE file with ``EncryptedPackage``) is not a Word binary file.
    """
    if not is_ole(data):
        return None
    try:
        ole = _open(data)
    except UnreadableDocument:
        return None
    with ole:
        try:
            if not ole.exists("WordDocument") or ole.exists("EncryptedPackage"):
                return None
            head = ole.openstream("WordDocument").read(0x26)
        except Exception:
            return None
        if len(head) < 0x26 or struct.unpack_from("<H", head, 0)[0] not in (_WORD97_IDENT, _WORD95_IDENT):
            return None
        if head[0x22:0x24] == _KINGSOFT_MARK or ole.exists("WpsCustomData"):
            return DocKind.WPS
        return DocKind.DOC


class _Fib:
    """The parts of the File Information Block this reader needs."""

    def __init__(self, wd: bytes) -> None:
        try:
            ident, self.nfib = struct.unpack_from("<HH", wd, 0)
            if ident == _WORD95_IDENT or (ident == _WORD97_IDENT and self.nfib < 101):
                raise UnreadableDocument("Word 6/95 document (only Word 97 and later are read without LibreOffice)")
            if ident != _WORD97_IDENT:
                raise UnreadableDocument("not a Word document (bad FIB signature)")
            flags = struct.unpack_from("<H", wd, 0x0A)[0]
            if flags & (_F_ENCRYPTED | _F_OBFUSCATED):
                raise EncryptedDocument("password-protected Word document")
            self.table = "1Table" if flags & _F_WHICH_TABLE else "0Table"
            csw = struct.unpack_from("<H", wd, 32)[0]
            rglw = 34 + 2 * csw
            cslw = struct.unpack_from("<H", wd, rglw)[0]
            lw = rglw + 2
            (self.ccp_text, self.ccp_ftn, self.ccp_hdd, _mcr, self.ccp_atn, self.ccp_edn,
             self.ccp_txbx, self.ccp_hdr_txbx) = struct.unpack_from("<8i", wd, lw + 12)
            fclcb = lw + 4 * cslw + 2
            cb_fclcb = struct.unpack_from("<H", wd, fclcb - 2)[0]
            self.fclcb = wd[fclcb: fclcb + 8 * cb_fclcb]  # FibRgFcLcb: (fc, lcb) pairs
            self.fc_clx, self.lcb_clx = struct.unpack_from("<II", wd, fclcb + 33 * 8)
        except struct.error:
            raise UnreadableDocument("truncated Word header (FIB)") from None
        counts = (self.ccp_text, self.ccp_ftn, self.ccp_hdd, self.ccp_atn, self.ccp_edn,
                  self.ccp_txbx, self.ccp_hdr_txbx)
        if min(counts) < 0 or sum(counts) > _MAX_CHARS:
            raise UnreadableDocument("implausible character counts in the Word header")


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> list[tuple[int, int, int, bool]]:
    """(cp start, cp end, byte offset in WordDocument, compressed) for each piece."""
    end = fc_clx + lcb_clx
    if lcb_clx == 0 or end > len(table):
        raise UnreadableDocument("piece table missing or outside the table stream")
    pos = fc_clx
    try:
        while table[pos] == 0x01:  # Prc: property modifiers for the pieces, skipped
            cb = struct.unpack_from("<h", table, pos + 1)[0]
            if cb < 0:
                raise UnreadableDocument("bad piece table (negative Prc size)")
            pos += 3 + cb
        if table[pos] != 0x02:
            raise UnreadableDocument("bad piece table (no Pcdt)")
        lcb = struct.unpack_from("<I", table, pos + 1)[0]
        plc = pos + 5
        if plc + lcb > len(table) or lcb < 4 or (lcb - 4) % 12:
            raise UnreadableDocument("bad piece table size")
        n = (lcb - 4) // 12
        if n > _MAX_PIECES:
            raise UnreadableDocument("too many pieces")
        cps = struct.unpack_from(f"<{n + 1}I", table, plc)
        if any(a >= b for a, b in zip(cps, cps[1:], strict=False)):
            # overlapping pieces would repeat text without end: a damaged or hostile file
            raise UnreadableDocument("bad piece table (positions not increasing)")
        out = []
        for i in range(n):
            fc_raw = struct.unpack_from("<I", table, plc + 4 * (n + 1) + 8 * i + 2)[0]
            compressed = bool(fc_raw & 0x40000000)
            fc = fc_raw & 0x3FFFFFFF
            out.append((cps[i], cps[i + 1], fc // 2 if compressed else fc, compressed))
        return out
    except (IndexError, struct.error):
        raise UnreadableDocument("truncated piece table") from None


def _decode_compressed(raw: bytes) -> str:
    # [MS-DOC] 2.4.1: 8-bit pieces are cp1252 (with the five undefined bytes kept as Latin-1).
    return raw.decode("cp1252", errors="replace").replace("\ufffd", "?")


class _Text:
    """Character positions → text, through the piece table, with each character's file position."""

    def __init__(self, wd: bytes, pieces: list[tuple[int, int, int, bool]]) -> None:
        self.wd = wd
        self.pieces = pieces

    def range(self, start: int, end: int) -> tuple[str, list[int]]:
        parts: list[str] = []
        fcs: list[int] = []
        for cp0, cp1, fc, compressed in self.pieces:
            lo, hi = max(start, cp0), min(end, cp1)
            if lo >= hi:
                continue
            step = 1 if compressed else 2
            first = fc + step * (lo - cp0)
            raw = self.wd[first: fc + step * (hi - cp0)]
            text = _decode_compressed(raw) if compressed else raw.decode("utf-16-le", errors="replace")
            if len(text) != hi - lo:  # truncated stream or a lone surrogate: keep positions aligned
                text = text[: hi - lo].ljust(hi - lo, "\ufffd")
            parts.append(text)
            fcs.extend(range(first, first + step * (hi - lo), step))
        return "".join(parts), fcs


# Characters with a meaning in Word's text stream ([MS-DOC] 2.8.x).
_PARA_END = "\r"
_CELL_END = "\x07"
_PAGE_BREAK = "\x0c"
_COLUMN_BREAK = "\x0e"
_FIELD_BEGIN, _FIELD_SEP, _FIELD_END = "\x13", "\x14", "\x15"
_PICTURE, _DRAWN_OBJECT = "\x01", "\x08"
_KEEP = {"\t": "\t", "\x0b": "\v", "\x1e": "-", "\xa0": "\xa0"}


class _Para:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.sizes: list[float] = []
        self.bold: list[bool] = []

    def add(self, ch: str, props: CharProps) -> None:
        self.chars.append(ch)
        if not ch.isspace():
            if props.size_pt:
                self.sizes.append(props.size_pt)
            self.bold.append(bool(props.bold))

    def finish(self, para: ParaProps, cell: bool) -> Paragraph:
        return Paragraph(
            "".join(self.chars), style=para.style, alignment=para.alignment,
            size_pt=max(self.sizes) if self.sizes else None,
            bold=bool(self.bold) and all(self.bold),
            first_line_indent=para.first_line_indent, in_table=cell or para.in_table,
        )


def _visible(story: str, fcs: list[int], props: Properties | None) -> tuple[list[Paragraph], int]:
    """Paragraphs of one story and the pictures anchored in it.

    Field codes (between field begin and separator) are dropped, field results kept; pictures
    and drawn objects are counted, not shown; deleted (tracked) and hidden text is left out, as
    Word's 字数 leaves it out; page and column breaks end a paragraph, as in the .docx reader;
    table-row marks are not paragraphs.
    """
    paragraphs: list[Paragraph] = []
    current = _Para()
    fields: list[bool] = []  # one entry per open field: True while inside its code part
    images = 0
    for ch, fc in zip(story, fcs, strict=True):
        cprops = props.char(fc) if props else CharProps()
        if ch in (_PARA_END, _CELL_END):
            pprops = props.para(fc) if props else ParaProps()
            if not pprops.row_end:
                paragraphs.append(current.finish(pprops, ch == _CELL_END))
            current = _Para()
            continue
        if cprops.deleted or cprops.hidden:
            continue
        if ch == _FIELD_BEGIN:
            fields.append(True)
            continue
        if ch == _FIELD_SEP:
            if fields:
                fields[-1] = False
            continue
        if ch == _FIELD_END:
            if fields:
                fields.pop()
            continue
        if fields and fields[-1]:
            continue
        if ch in (_PAGE_BREAK, _COLUMN_BREAK):
            if current.chars:
                paragraphs.append(current.finish(props.para(fc) if props else ParaProps(), False))
                current = _Para()
        elif ch in (_PICTURE, _DRAWN_OBJECT):
            images += 1
        elif ch in _KEEP:
            current.add(_KEEP[ch], cprops)
        elif ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff":
            continue  # footnote marks (0x02), annotation marks (0x05), separators ...
        else:
            current.add(ch, cprops)
    if current.chars:
        paragraphs.append(current.finish(ParaProps(), False))
    return paragraphs, images


def _stories(fib: _Fib) -> Iterator[tuple[str, int, int]]:
    """(name, start cp, end cp) of each story, in the order Word stores them."""
    start = 0
    for name, length in (("main", fib.ccp_text), ("footnotes", fib.ccp_ftn), ("headers", fib.ccp_hdd),
                         ("comments", fib.ccp_atn), ("endnotes", fib.ccp_edn),
                         ("textboxes", fib.ccp_txbx), ("header_textboxes", fib.ccp_hdr_txbx)):
        yield name, start, start + length
        start += length


def check_word_header(data: bytes) -> None:
    """Raise :class:`EncryptedDocument` / :class:`UnreadableDocument` unless the FIB is a readable Word 97 one."""
    if not is_ole(data):
        raise UnreadableDocument("not an OLE compound file")
    with _open(data) as ole:
        if ole.exists("EncryptedPackage"):
            raise EncryptedDocument("password-protected document")
        if not ole.exists("WordDocument"):
            raise UnreadableDocument("no WordDocument stream (not a Word file)")
        _Fib(_stream(ole, "WordDocument"))


def read_word_binary(data: bytes) -> DocumentText:
    """The text of a Word 97-2003 / WPS binary document. Raises :class:`UnreadableDocument`."""
    if not is_ole(data):
        raise UnreadableDocument("not an OLE compound file")
    ole = _open(data)
    with ole:
        if ole.exists("EncryptedPackage"):
            raise EncryptedDocument("password-protected document")
        if not ole.exists("WordDocument"):
            raise UnreadableDocument("no WordDocument stream (not a Word file)")
        wd = _stream(ole, "WordDocument")
        fib = _Fib(wd)
        if not ole.exists(fib.table):
            raise UnreadableDocument(f"table stream {fib.table} missing")
        table = _stream(ole, fib.table)
    text = _Text(wd, _pieces(table, fib.fc_clx, fib.lcb_clx))
    stories = {name: text.range(a, b) for name, a, b in _stories(fib)}
    try:
        props: Properties | None = read_properties(wd, table, fib.fclcb)
    except (struct.error, IndexError, ValueError):
        props = None

    def texts(*names: str) -> list[str]:
        return [p.text for name in names for p in _visible(*stories[name], props)[0]]

    main, images = _visible(*stories["main"], props)
    paragraphs = tuple(main)
    counted = [p.text for p in main]
    boxes = texts("textboxes")
    notes = texts("footnotes", "endnotes")
    counted += boxes + notes
    headers = [t for t in texts("headers", "header_textboxes") if t.strip()]
    return DocumentText(
        paragraphs=paragraphs,
        counted_text="\n".join(counted),
        header_text="\n".join(headers),
        text_boxes=tuple(boxes),
        footnotes=tuple(notes),
        images=images,
        read_by="ole",
        warnings=(NOT_READ,),
    )
