"""The text of a .docx, split into what Word's 字数 counts and what it does not (WORDCOUNT.md §3).

Reads the package with a streaming lxml parser that never resolves entities, never loads a
DTD and never touches the network; a part that carries a DOCTYPE at all is refused (ECMA-376
Part 2 [M1.18]: package consumers shall treat DTD declarations as an error), so entity bombs
and external entities cannot expand.
Every kind of bad input ends in :class:`UnreadableDocument` (an encrypted .docx, which is an
OLE compound file holding an ``EncryptedPackage`` stream, in :class:`EncryptedDocument`).

Besides the text it keeps the layout evidence a person reads a 公文 by: each paragraph's style
name, alignment, font size, boldness, first-line indent and East Asian fonts — direct formatting
first, then the paragraph style and its ``basedOn`` ancestors, then the document defaults
(styles.xml is parsed once per distinct styles part and cached: offices send from a handful of
templates, and python-docx's styles.xml alone is 350 KB).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, TypeVar

from lxml import etree

from baosong.vocabulary import DocKind

from ..wordcount import is_always_non_asian
from .base import DocumentText, EncryptedDocument, Paragraph, UnreadableDocument

__all__ = ["DocxReader", "CorruptDocument", "read_docx"]

# The name this module's callers knew; every reader raises UnreadableDocument.
CorruptDocument = UnreadableDocument

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")   # a directory entry name of the OLE file


# --- names --------------------------------------------------------------------------------

_W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",  # transitional
    "http://purl.oclc.org/ooxml/wordprocessingml/main",             # strict
)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_VML = "urn:schemas-microsoft-com:vml"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

_MAIN_DEFAULT = "word/document.xml"


def _w(local: str) -> tuple[str, ...]:
    return tuple(f"{{{ns}}}{local}" for ns in _W_NAMESPACES)


_P = set(_w("p"))
_R = set(_w("r"))
_TXBX = set(_w("txbxContent"))
_NOTE = set(_w("footnote")) | set(_w("endnote"))
_RPR = set(_w("rPr"))
_PPR = set(_w("pPr"))
_TBL = set(_w("tbl"))
_TR = set(_w("tr"))
_TC = set(_w("tc"))
_VANISH = set(_w("vanish"))
_SUBDOCS_SWITCH = set(_w("doNotIncludeSubdocsInStats"))
_MC_CHOICE = f"{{{_MC}}}Choice"
_MC_FALLBACK = f"{{{_MC}}}Fallback"
_TEXTPATH = f"{{{_VML}}}textpath"
_PICTURES = {"{http://schemas.openxmlformats.org/drawingml/2006/picture}pic", f"{{{_VML}}}imagedata"}

# Layout properties (children of w:rPr / w:pPr / w:style), by code.
_SZ, _B, _FONTS, _STYLE, _JC, _IND, _NAME, _BASED_ON = range(8)
_PROP: dict[str, int] = {}
for _local, _code in (("sz", _SZ), ("b", _B), ("rFonts", _FONTS), ("pStyle", _STYLE), ("jc", _JC),
                      ("ind", _IND), ("name", _NAME), ("basedOn", _BASED_ON)):
    for _tag in _w(_local):
        _PROP[_tag] = _code
_ALIGNMENT = {"left": "left", "start": "left", "center": "center", "right": "right", "end": "right",
              "both": "both", "distribute": "distribute", "mediumKashida": "both", "highKashida": "both",
              "lowKashida": "both", "thaiDistribute": "distribute"}
_DEFAULT_HALF_POINTS = 20   # Word's size when neither the styles nor the defaults give one: 10 pt

# Run children (direct children of w:r only).
_T, _TAB, _BR, _CR, _NBH, _SOFT, _SYM = range(7)
_RUN_CHILD: dict[str, int] = {}
for _local, _code in (("t", _T), ("tab", _TAB), ("ptab", _TAB), ("br", _BR), ("cr", _CR),
                      ("noBreakHyphen", _NBH), ("softHyphen", _SOFT), ("sym", _SYM)):
    for _tag in _w(_local):
        _RUN_CHILD[_tag] = _code
# Not listed, hence skipped: w:delText (tracked deletion), w:instrText (field code),
# w:fldChar, w:footnoteReference / w:endnoteReference (auto-numbered marks), drawings,
# w:lastRenderedPageBreak, w:separator, w:continuationSeparator, w:pgNum, ...

# A page or column break ends the paragraph-like unit. XML 1.0 forbids U+000C in character
# data, so it can serve as an internal marker that is split away before anything leaves here.
_PAGE_BREAK = "\f"

_FALSE = {"0", "false", "off"}
_SKIPPED_NOTE_TYPES = {"separator", "continuationSeparator", "continuationNotice"}


def _attr(el: etree._Element, local: str) -> str | None:
    for ns in _W_NAMESPACES:
        value = el.get(f"{{{ns}}}{local}")
        if value is not None:
            return value
    return None


def _on(el: etree._Element) -> bool:
    """An OOXML on/off property: present and not w:val="0|false|off"."""
    val = _attr(el, "val")
    return val is None or val.strip().lower() not in _FALSE


# --- XML --------------------------------------------------------------------------------

def _iterparse(stream: IO[bytes], part: str, tags: object = None) -> Iterator[tuple[str, etree._Element]]:
    """Safe streaming parse; refuses any DOCTYPE."""
    events = etree.iterparse(
        stream, events=("start", "end"), tag=tags,
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
        dtd_validation=False, remove_comments=True, remove_pis=True,
    )
    checked = False
    try:
        for event, el in events:
            if not checked:
                checked = True
                if el.getroottree().docinfo.doctype:
                    raise UnreadableDocument(f"DTD not allowed in {part}")
            yield event, el
    except etree.XMLSyntaxError:
        raise UnreadableDocument(f"malformed XML in {part}") from None


def _free(el: etree._Element) -> None:
    """Drop a finished element's content and its already-processed earlier siblings."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _run_text(run: etree._Element, para: _Para | None = None) -> str:
    parts: list[str] = []
    rpr = None
    for child in run:
        tag = child.tag
        if tag in _RPR:
            for prop in child:
                # U6: hidden text (w:vanish directly on the run) is excluded. Hidden text that
                # comes from a character/paragraph style is not detected.
                if prop.tag in _VANISH and _on(prop):
                    return ""
            rpr = child
            continue
        code = _RUN_CHILD.get(tag) if isinstance(tag, str) else None
        if code is None:
            continue
        if code == _T:
            text = child.text
            if text:
                # A literal newline inside w:t is shown by Word as a space.
                parts.append(text.replace("\r", " ").replace("\n", " "))
        elif code == _TAB:
            parts.append("\t")
        elif code == _BR:
            kind = _attr(child, "type")
            parts.append(_PAGE_BREAK if kind in ("page", "column") else "\v")
        elif code == _CR:
            parts.append("\v")
        elif code == _NBH:
            parts.append("-")
        elif code == _SYM:
            parts.append(_sym_char(_attr(child, "char")))
        # _SOFT: optional hyphen, invisible unless the line breaks there -> nothing
    text = "".join(parts)
    if para is not None and text.strip():
        para.add_run(rpr)
    return text


def _sym_char(code: str | None) -> str:
    """w:sym is one non-Asian character: its code point when that is one, else 'X'."""
    if code:
        try:
            ch = chr(int(code, 16))
        except (ValueError, OverflowError):
            return "X"
        if is_always_non_asian(ch) and not 0xD800 <= ord(ch) <= 0xDFFF and ord(ch) >= 0x20:
            return ch
    return "X"


def _split_paragraph(text: str) -> list[str]:
    if _PAGE_BREAK not in text:
        return [text]
    # A page/column break ends a paragraph-like unit; empty pieces around it are not paragraphs.
    return [piece for piece in text.split(_PAGE_BREAK) if piece] or [""]


class _Para:
    """One open paragraph: its text pieces and the layout evidence of its visible runs."""

    # Class-level defaults: a paragraph only stores what differs (most have no direct formatting).
    style: str | None = None
    jc: str | None = None
    indent: bool | None = None
    in_table = False
    runs = 0
    max_sz = 0              # largest direct w:sz (half-points) among the visible runs
    sz_unset = False        # some visible run takes its size from the style
    not_bold = False        # some visible run is directly not bold
    b_unset = False         # some visible run takes its boldness from the style
    fonts: tuple[str, ...] = ()
    font_unset = False
    ppr_pending = True      # w:pPr not read yet

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add_run(self, rpr: etree._Element | None) -> None:
        self.runs += 1
        sz = b = font = None
        if rpr is not None:
            for prop in rpr:
                code = _PROP.get(prop.tag) if isinstance(prop.tag, str) else None
                if code == _SZ:
                    sz = _int(_attr(prop, "val"))
                elif code == _B:
                    b = _on(prop)
                elif code == _FONTS:
                    font = _attr(prop, "eastAsia")
        if sz is None:
            self.sz_unset = True
        elif sz > self.max_sz:
            self.max_sz = sz
        if b is None:
            self.b_unset = True
        elif not b:
            self.not_bold = True
        if font is None:
            self.font_unset = True
        elif font not in self.fonts:
            self.fonts += (font,)

    def read_properties(self, paragraph: etree._Element | None) -> None:
        """Read the paragraph's w:pPr (its first child, when present)."""
        self.ppr_pending = False
        if paragraph is None or not len(paragraph) or paragraph[0].tag not in _PPR:
            return
        for prop in paragraph[0]:
            code = _PROP.get(prop.tag) if isinstance(prop.tag, str) else None
            if code == _STYLE:
                self.style = _attr(prop, "val")
            elif code == _JC:
                self.jc = _ALIGNMENT.get(_attr(prop, "val") or "")
            elif code == _IND:
                self.indent = _first_line(prop)

    def finish(self, text: str, styles: _Styles) -> Paragraph:
        style = styles.resolved.get(self.style) or styles.resolve(self.style)
        runs = self.runs
        half_points = self.max_sz
        if (self.sz_unset or not runs) and style.sz > half_points:  # type: ignore[operator]
            half_points = style.sz  # type: ignore[assignment]
        font = style.font
        if self.fonts:
            fonts = self.fonts
            if font and (self.font_unset or not runs) and font not in fonts:
                fonts += (font,)
        else:
            fonts = (font,) if font else ()
        # A Paragraph built without the frozen dataclass's per-field __setattr__ checks (most of
        # the cost of this function; a 30-page report has ~350 paragraphs). Same object, same fields.
        p = _new_paragraph(Paragraph)
        d = p.__dict__
        d["text"] = text
        d["style"] = style.name
        d["alignment"] = self.jc or style.jc
        d["size_pt"] = half_points / 2
        d["bold"] = bool(runs) and not self.not_bold and (not self.b_unset or bool(style.bold))
        d["first_line_indent"] = self.indent if self.indent is not None else bool(style.indent)
        d["in_table"] = self.in_table
        d["fonts"] = fonts
        return p


_new_paragraph = object.__new__


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _first_line(ind: etree._Element) -> bool | None:
    """A w:ind element's first-line indent: True positive, False none or hanging, None not given."""
    given = None
    for local in ("firstLine", "firstLineChars"):
        value = _int(_attr(ind, local))
        if value is not None:
            if value > 0:
                return True
            given = False
    if _attr(ind, "hanging") is not None or _attr(ind, "hangingChars") is not None:
        return False
    return given


# --- styles -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Style:
    """One paragraph style as written (None: not given here), or resolved (every value known)."""

    name: str | None = None
    based_on: str | None = None
    jc: str | None = None
    sz: int | None = None
    bold: bool | None = None
    font: str | None = None
    indent: bool | None = None


@dataclass
class _Styles:
    styles: dict[str, _Style] = field(default_factory=dict)
    default_id: str | None = None
    defaults: _Style = _Style()
    resolved: dict[str | None, _Style] = field(default_factory=dict)

    def resolve(self, style_id: str | None) -> _Style:
        """The style's effective properties: basedOn ancestors, then the document defaults."""
        done = self.resolved.get(style_id)
        if done is not None:
            return done
        chain: list[_Style] = []
        current = style_id if style_id in self.styles else self.default_id
        seen: set[str] = set()
        while current is not None and current in self.styles and current not in seen and len(seen) < 32:
            seen.add(current)
            chain.append(self.styles[current])
            current = self.styles[current].based_on
        chain.append(self.defaults)

        def first(attribute: str):  # noqa: ANN202 - one of the _Style fields
            return next((getattr(s, attribute) for s in chain if getattr(s, attribute) is not None), None)

        own_id = style_id if style_id in self.styles else self.default_id
        name = (self.styles[own_id].name or own_id) if own_id is not None and own_id in self.styles else None
        done = _Style(name=name, jc=first("jc"), sz=first("sz") or _DEFAULT_HALF_POINTS,
                      bold=bool(first("bold")), font=first("font"), indent=bool(first("indent")))
        self.resolved[style_id] = done
        return done


_NO_STYLES = _Styles()
_STYLE_TAGS = tuple(_w("style")) + tuple(_w("docDefaults"))
_STYLES_CACHE: OrderedDict[tuple[int, int, int], _Styles] = OrderedDict()
_STYLES_CACHE_SIZE = 32


def _style_of(el: etree._Element) -> _Style:
    values: dict[str, object] = {}
    for child in el.iter():
        code = _PROP.get(child.tag) if isinstance(child.tag, str) else None
        if code is None:
            continue
        if code == _NAME:
            values["name"] = _attr(child, "val")
        elif code == _BASED_ON:
            values["based_on"] = _attr(child, "val")
        elif code == _JC:
            values["jc"] = _ALIGNMENT.get(_attr(child, "val") or "")
        elif code == _SZ:
            values["sz"] = _int(_attr(child, "val"))
        elif code == _B:
            values["bold"] = _on(child)
        elif code == _FONTS:
            font = _attr(child, "eastAsia")
            if font:
                values["font"] = font
        elif code == _IND:
            values["indent"] = _first_line(child)
    return _Style(**values)  # type: ignore[arg-type]


def _read_styles(stream: IO[bytes], part: str) -> _Styles:
    result = _Styles()
    for event, el in _iterparse(stream, part, _STYLE_TAGS):
        if event != "end":
            continue
        if el.tag in _STYLE_TAGS[len(_W_NAMESPACES):]:   # w:docDefaults
            result.defaults = _style_of(el)
        elif _attr(el, "type") == "paragraph":
            style_id = _attr(el, "styleId")
            if style_id:
                result.styles[style_id] = _style_of(el)
                if _attr(el, "default") in ("1", "true", "on") and result.default_id is None:
                    result.default_id = style_id
        _free(el)
    return result


def _styles(zf: zipfile.ZipFile, names: list[str]) -> _Styles:
    """The styles part, parsed once per distinct part (keyed by its CRC-32 and sizes)."""
    if not names:
        return _NO_STYLES
    info = zf.getinfo(names[0])
    key = (info.CRC, info.file_size, info.compress_size)
    cached = _STYLES_CACHE.get(key)
    if cached is not None:
        _STYLES_CACHE.move_to_end(key)
        return cached
    with zf.open(info) as stream:
        parsed = _read_styles(stream, info.filename)
    _STYLES_CACHE[key] = parsed
    if len(_STYLES_CACHE) > _STYLES_CACHE_SIZE:
        _STYLES_CACHE.popitem(last=False)
    return parsed


# --- stories ------------------------------------------------------------------------------

@dataclass
class _Story:
    main: list[Paragraph]     # paragraphs of the story itself
    boxes: list[str]          # paragraphs of text boxes anchored in it
    watermarks: list[str]     # v:textpath strings (WordArt watermarks, e.g. 秘密)
    tables: list[tuple[tuple[str, ...], ...]] = field(default_factory=list)
    images: int = 0

    @property
    def texts(self) -> list[str]:
        return [p.text for p in self.main]


_BODY_TAGS = (tuple(_P | _R | _TXBX | _NOTE)
              + (_MC_CHOICE, _MC_FALLBACK, _TEXTPATH) + tuple(_PICTURES))


def _read_story(stream: IO[bytes], part: str, styles: _Styles = _NO_STYLES, *, notes: bool = False) -> _Story:
    """Paragraphs of one story part (document, header, footer, footnotes, endnotes)."""
    story = _Story([], [], [])
    open_paragraphs: list[_Para] = []
    skip_stack: list[bool] = []   # one entry per open mc:Choice / mc:Fallback
    skip_depth = 0                # inside mc:Fallback or a second mc:Choice
    box_depth = 0                 # inside w:txbxContent
    note_skip = False             # inside a separator footnote/endnote
    # Tables are followed through the cell paragraphs' ancestors (w:tc < w:tr < w:tbl) rather
    # than by events of their own, which would cost a third more events in a table-heavy report.
    open_tables: list[_Table] = []   # the innermost last
    for event, el in _iterparse(stream, part, _BODY_TAGS):
        tag = el.tag
        if event == "start":
            if tag in _P:
                open_paragraphs.append(_Para())
            elif tag in _TXBX:
                box_depth += 1
            elif tag == _MC_FALLBACK or tag == _MC_CHOICE:
                # Read mc:Choice (the first one) and skip mc:Fallback: it repeats the content.
                skip = tag == _MC_FALLBACK or _follows_choice(el)
                skip_stack.append(skip)
                skip_depth += skip
            elif notes and tag in _NOTE:
                note_skip = _attr(el, "type") in _SKIPPED_NOTE_TYPES
            continue
        # event == "end"
        if tag in _R:
            if open_paragraphs and not skip_depth and not note_skip:
                para = open_paragraphs[-1]
                if para.ppr_pending:
                    # w:pPr is the paragraph's first child; read it before _free drops it
                    para.read_properties(el.getparent())
                text = _run_text(el, para)
                if text:
                    para.parts.append(text)
            _free(el)
        elif tag in _P:
            para = open_paragraphs.pop() if open_paragraphs else _Para()
            if not skip_depth and not note_skip:
                text = "".join(para.parts)
                if box_depth:
                    story.boxes.extend(_split_paragraph(text))
                else:
                    if para.ppr_pending:
                        para.read_properties(el)
                    parent = el.getparent()
                    cell = _cell_of(parent, open_tables, story) if parent is not None and parent.tag in _TC else None
                    if cell is None:
                        while open_tables:
                            story.tables.append(open_tables.pop().rows())
                    else:
                        para.in_table = True
                    if _PAGE_BREAK in text:
                        pieces = _split_paragraph(text)
                        story.main.extend(para.finish(piece, styles) for piece in pieces)
                    else:
                        pieces = [text]
                        story.main.append(para.finish(text, styles))
                    if cell is not None:
                        cell.extend(pieces)
            _free(el)
        elif tag in _TXBX:
            box_depth -= 1
        elif tag == _MC_FALLBACK or tag == _MC_CHOICE:
            skip_depth -= skip_stack.pop()
        elif tag in _NOTE:
            note_skip = False
            _free(el)
        elif tag == _TEXTPATH:
            value = el.get("string")
            if value and not skip_depth:
                story.watermarks.append(value)
        elif tag in _PICTURES:
            if not skip_depth:
                story.images += 1
    while open_tables:
        story.tables.append(open_tables.pop().rows())
    return story


class _Table:
    """An open table: its element, its rows so far (each a list of cells, each a list of paragraphs)."""

    __slots__ = ("element", "cells", "row", "cell")

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.cells: list[list[list[str]]] = []
        self.row: etree._Element | None = None    # the w:tr and w:tc being filled (held, so `is` works)
        self.cell: etree._Element | None = None

    def rows(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple("\n".join(cell) for cell in row) for row in self.cells)


def _cell_of(tc: etree._Element, open_tables: list[_Table], story: _Story) -> list[str] | None:
    """The paragraph list of the cell ``tc``, opening (and closing) tables and rows as they change."""
    tr = tc.getparent()
    tbl = tr.getparent() if tr is not None else None
    if tbl is None:
        return None
    if not open_tables or open_tables[-1].element is not tbl:
        # close tables we have left (a sibling table, or a nested one we returned from)
        while open_tables and open_tables[-1].element is not tbl and not any(
                a is open_tables[-1].element for a in tbl.iterancestors()):
            story.tables.append(open_tables.pop().rows())
        if not open_tables or open_tables[-1].element is not tbl:
            open_tables.append(_Table(tbl))
    table = open_tables[-1]
    if table.row is not tr:
        table.row, table.cell = tr, None
        table.cells.append([])
    if table.cell is not tc:
        table.cell = tc
        table.cells[-1].append([])
    return table.cells[-1][-1]


def _follows_choice(el: etree._Element) -> bool:
    prev = el.getprevious()
    while prev is not None:
        if prev.tag == _MC_CHOICE:
            return True
        prev = prev.getprevious()
    return False


def _subdocs_excluded(stream: IO[bytes], part: str) -> bool:
    for event, el in _iterparse(stream, part, tuple(_SUBDOCS_SWITCH)):
        if event == "end":
            return _on(el)
    return False


# Small parts that repeat from file to file (a template's package and document relationships,
# its settings) are read once per distinct part, like styles.xml: keyed by the part's name and
# its CRC-32 and sizes, so a different part is never mistaken for a cached one by accident.
T = TypeVar("T")
_PART_CACHE: OrderedDict[tuple[object, ...], object] = OrderedDict()
_PART_CACHE_SIZE = 64


def _cached_part(info: zipfile.ZipInfo, extra: str, compute: Callable[[], T]) -> T:
    key = (info.filename, extra, info.CRC, info.file_size, info.compress_size)
    if key in _PART_CACHE:
        _PART_CACHE.move_to_end(key)
        return _PART_CACHE[key]  # type: ignore[return-value]
    value = compute()
    _PART_CACHE[key] = value
    if len(_PART_CACHE) > _PART_CACHE_SIZE:
        _PART_CACHE.popitem(last=False)
    return value


def _settings_exclude_subdocs(zf: zipfile.ZipFile, name: str) -> bool:
    def read() -> bool:
        with zf.open(name) as stream:
            return _subdocs_excluded(stream, name)
    return _cached_part(zf.getinfo(name), "", read)


# --- package ----------------------------------------------------------------------------

def _rels_targets(zf: zipfile.ZipFile, rels_part: str, source_dir: str) -> list[tuple[str, str]]:
    """(relationship type suffix, part name) pairs of a .rels part; [] if it does not exist."""
    try:
        info = zf.getinfo(rels_part)
    except KeyError:
        return []
    return list(_cached_part(info, source_dir, lambda: _read_rels(zf, info, rels_part, source_dir)))


def _read_rels(zf: zipfile.ZipFile, info: zipfile.ZipInfo, rels_part: str,
               source_dir: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    with zf.open(info) as stream:
        for event, el in _iterparse(stream, rels_part, f"{{{_PKG_RELS}}}Relationship"):
            if event != "end":
                continue
            rel_type = el.get("Type") or ""
            target = el.get("Target") or ""
            if el.get("TargetMode") == "External" or not target:
                continue
            if target.startswith("/"):
                name = posixpath.normpath(target.lstrip("/"))
            else:
                name = posixpath.normpath(posixpath.join(source_dir, target))
            out.append((rel_type.rsplit("/", 1)[-1], name))
    return tuple(out)


def _part_names(zf: zipfile.ZipFile) -> tuple[str, dict[str, list[str]]]:
    """Main document part and its related parts, by relationship type."""
    main = _MAIN_DEFAULT
    for kind, name in _rels_targets(zf, "_rels/.rels", ""):
        if kind == "officeDocument":
            main = name
            break
    names = set(zf.namelist())
    if main not in names:
        raise UnreadableDocument(f"{main} missing")
    directory, base = posixpath.split(main)
    related: dict[str, list[str]] = {}
    rels = _rels_targets(zf, posixpath.join(directory, "_rels", base + ".rels"), directory)
    if rels:
        for kind, name in rels:
            if name in names and name not in related.setdefault(kind, []):
                related[kind].append(name)
    else:  # no relationships part: fall back to the conventional names
        for name in sorted(names):
            stem = posixpath.basename(name)
            if posixpath.dirname(name) != directory or not stem.endswith(".xml"):
                continue
            for kind in ("header", "footer"):
                if stem.startswith(kind):
                    related.setdefault(kind, []).append(name)
            for kind in ("footnotes", "endnotes", "settings", "styles"):
                if stem == kind + ".xml":
                    related[kind] = [name]
    return main, related


def _read_package(zf: zipfile.ZipFile, max_uncompressed: int) -> DocumentText:
    declared = sum(info.file_size for info in zf.infolist())
    if declared > max_uncompressed:
        raise UnreadableDocument("uncompressed size exceeds limit")
    main, related = _part_names(zf)
    styles = _styles(zf, related.get("styles", []))

    def story(name: str, *, notes: bool = False) -> _Story:
        with zf.open(name) as stream:
            return _read_story(stream, name, styles, notes=notes)

    body = story(main)
    excluded = False
    for name in related.get("settings", ())[:1]:
        excluded = _settings_exclude_subdocs(zf, name)

    counted = body.texts
    footnotes: list[str] = []
    for kind in ("footnotes", "endnotes"):
        for name in related.get(kind, ()):
            notes = story(name, notes=True)
            footnotes += notes.texts + notes.boxes
    if not excluded:
        counted += body.boxes + footnotes

    header_footer: list[str] = []
    for kind in ("header", "footer"):
        for name in related.get(kind, ()):
            part = story(name)
            header_footer += part.texts + part.boxes + part.watermarks

    # U7: automatic list numbers ("一、", "1." from numbering.xml) are not in the text and are
    # not counted, although Word desktop may count list markers.
    return DocumentText(
        paragraphs=tuple(body.main),
        counted_text="\n".join(counted),
        header_text="\n".join(header_footer),
        text_boxes=tuple(body.boxes),
        footnotes=tuple(f for f in footnotes if f.strip()),
        tables=tuple(body.tables),
        images=body.images,
        read_by="docx",
    )


def read_docx(data: bytes, *, max_uncompressed: int = 50 * 1024 * 1024) -> DocumentText:
    """Text of a .docx given as bytes. Raises :class:`UnreadableDocument` for anything unreadable,
    :class:`EncryptedDocument` for a password-protected one."""
    if data[:8] == _OLE_SIGNATURE:
        if _ENCRYPTED_PACKAGE in data:
            raise EncryptedDocument("encrypted document")
        raise UnreadableDocument("not a zip archive")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, TypeError):
        raise UnreadableDocument("not a zip archive") from None
    except NotImplementedError:  # zipfile: a "version needed to extract" it does not implement
        raise UnreadableDocument("unsupported zip version") from None
    try:
        with zf:
            return _read_package(zf, max_uncompressed)
    except UnreadableDocument:
        raise
    except etree.LxmlError:
        raise UnreadableDocument("unreadable XML") from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise UnreadableDocument("damaged zip archive") from None
    except RuntimeError:  # zipfile: encrypted member
        raise EncryptedDocument("encrypted document") from None
    except NotImplementedError:  # zipfile: unsupported compression method
        raise UnreadableDocument("unsupported zip compression") from None
    except (KeyError, ValueError, OSError, UnicodeError):
        raise UnreadableDocument("damaged zip archive") from None


class DocxReader:
    """Word 2007+ (.docx, .docm — macros are never run): a zip package with a ``word/`` part.

    Also takes an encrypted .docx (an OLE compound file with an ``EncryptedPackage`` stream), only
    to say so: reading it raises :class:`EncryptedDocument`.
    """

    name = "docx"
    kind = DocKind.DOCX

    def recognises(self, data: bytes) -> bool:
        if data[:4] == _ZIP_SIGNATURE:
            return b"word/" in data and b"[Content_Types].xml" in data
        return data[:8] == _OLE_SIGNATURE and _ENCRYPTED_PACKAGE in data

    def unavailable(self) -> str | None:
        return None

    def read(self, data: bytes) -> DocumentText:
        return read_docx(data)
