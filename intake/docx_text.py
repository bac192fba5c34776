"""The text of a .docx, split into what Word's 字数 counts and what it does not (WORDCOUNT.md §3).

Reads the package with a streaming lxml parser that never resolves entities, never loads a
DTD and never touches the network; a part that carries a DOCTYPE at all is refused (ECMA-376
Part 2 [M1.18]: package consumers shall treat DTD declarations as an error), so entity bombs
and external entities cannot expand.
Every kind of bad input ends in :class:`CorruptDocument`.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from lxml import etree

from .wordcount import is_always_non_asian

__all__ = ["CorruptDocument", "DocxText", "read_docx"]


class CorruptDocument(Exception):
    """The bytes are not a readable .docx. The message is short English, e.g. 'not a zip archive'."""


@dataclass(frozen=True)
class DocxText:
    paragraphs: tuple[str, ...]   # main-body paragraphs in order (incl. table cells); '\t' tabs, '\v' line breaks
    counted_text: str             # everything Word's 字数 counts, paragraphs joined by '\n'
    header_footer_text: str       # headers/footers (not counted), paragraphs joined by '\n'


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
_VANISH = set(_w("vanish"))
_SUBDOCS_SWITCH = set(_w("doNotIncludeSubdocsInStats"))
_MC_CHOICE = f"{{{_MC}}}Choice"
_MC_FALLBACK = f"{{{_MC}}}Fallback"
_TEXTPATH = f"{{{_VML}}}textpath"

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
                    raise CorruptDocument(f"DTD not allowed in {part}")
            yield event, el
    except etree.XMLSyntaxError:
        raise CorruptDocument(f"malformed XML in {part}") from None


def _free(el: etree._Element) -> None:
    """Drop a finished element's content and its already-processed earlier siblings."""
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def _run_text(run: etree._Element) -> str:
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag in _RPR:
            for prop in child:
                # U6: hidden text (w:vanish directly on the run) is excluded. Hidden text that
                # comes from a character/paragraph style is not detected (styles.xml not read).
                if prop.tag in _VANISH and _on(prop):
                    return ""
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
    return "".join(parts)


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


@dataclass
class _Story:
    main: list[str]       # paragraphs of the story itself
    boxes: list[str]      # paragraphs of text boxes anchored in it
    watermarks: list[str]  # v:textpath strings (WordArt watermarks, e.g. 秘密)


_BODY_TAGS = tuple(_P | _R | _TXBX | _NOTE) + (_MC_CHOICE, _MC_FALLBACK, _TEXTPATH)


def _read_story(stream: IO[bytes], part: str, *, notes: bool = False) -> _Story:
    """Paragraphs of one story part (document, header, footer, footnotes, endnotes)."""
    story = _Story([], [], [])
    open_paragraphs: list[list[str]] = []
    skip_stack: list[bool] = []   # one entry per open mc:Choice / mc:Fallback
    skip_depth = 0                # inside mc:Fallback or a second mc:Choice
    box_depth = 0                 # inside w:txbxContent
    note_skip = False             # inside a separator footnote/endnote
    for event, el in _iterparse(stream, part, _BODY_TAGS):
        tag = el.tag
        if event == "start":
            if tag in _P:
                open_paragraphs.append([])
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
                text = _run_text(el)
                if text:
                    open_paragraphs[-1].append(text)
            _free(el)
        elif tag in _P:
            text = "".join(open_paragraphs.pop()) if open_paragraphs else ""
            if not skip_depth and not note_skip:
                target = story.boxes if box_depth else story.main
                target.extend(_split_paragraph(text))
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
    return story


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


# --- package ----------------------------------------------------------------------------

def _rels_targets(zf: zipfile.ZipFile, rels_part: str, source_dir: str) -> list[tuple[str, str]]:
    """(relationship type suffix, part name) pairs of a .rels part; [] if it does not exist."""
    try:
        info = zf.getinfo(rels_part)
    except KeyError:
        return []
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
    return out


def _part_names(zf: zipfile.ZipFile) -> tuple[str, dict[str, list[str]]]:
    """Main document part and its related parts, by relationship type."""
    main = _MAIN_DEFAULT
    for kind, name in _rels_targets(zf, "_rels/.rels", ""):
        if kind == "officeDocument":
            main = name
            break
    names = set(zf.namelist())
    if main not in names:
        raise CorruptDocument(f"{main} missing")
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
            for kind in ("footnotes", "endnotes", "settings"):
                if stem == kind + ".xml":
                    related[kind] = [name]
    return main, related


def _read_package(zf: zipfile.ZipFile, max_uncompressed: int) -> DocxText:
    declared = sum(info.file_size for info in zf.infolist())
    if declared > max_uncompressed:
        raise CorruptDocument("uncompressed size exceeds limit")
    main, related = _part_names(zf)

    def story(name: str, *, notes: bool = False) -> _Story:
        with zf.open(name) as stream:
            return _read_story(stream, name, notes=notes)

    body = story(main)
    excluded = False
    for name in related.get("settings", ())[:1]:
        with zf.open(name) as stream:
            excluded = _subdocs_excluded(stream, name)

    counted = list(body.main)
    if not excluded:
        counted += body.boxes
        for kind in ("footnotes", "endnotes"):
            for name in related.get(kind, ()):
                notes = story(name, notes=True)
                counted += notes.main + notes.boxes

    header_footer: list[str] = []
    for kind in ("header", "footer"):
        for name in related.get(kind, ()):
            part = story(name)
            header_footer += part.main + part.boxes + part.watermarks

    # U7: automatic list numbers ("一、", "1." from numbering.xml) are not in the text and are
    # not counted, although Word desktop may count list markers.
    return DocxText(
        paragraphs=tuple(body.main),
        counted_text="\n".join(counted),
        header_footer_text="\n".join(header_footer),
    )


def read_docx(data: bytes, *, max_uncompressed: int = 50 * 1024 * 1024) -> DocxText:
    """Text of a .docx given as bytes. Raises :class:`CorruptDocument` for anything unreadable."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, TypeError):
        raise CorruptDocument("not a zip archive") from None
    try:
        with zf:
            return _read_package(zf, max_uncompressed)
    except CorruptDocument:
        raise
    except etree.LxmlError:
        raise CorruptDocument("unreadable XML") from None
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise CorruptDocument("damaged zip archive") from None
    except RuntimeError:  # zipfile: encrypted member
        raise CorruptDocument("encrypted document") from None
    except NotImplementedError:  # zipfile: unsupported compression method
        raise CorruptDocument("unsupported zip compression") from None
    except (KeyError, ValueError, OSError, UnicodeError):
        raise CorruptDocument("damaged zip archive") from None
