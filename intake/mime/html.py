"""HTML body to plain text (for mail whose only body is HTML)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from .walk import NEWLINES

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BLOCK_TAGS = frozenset((
    "p", "div", "tr", "li", "ul", "ol", "dl", "dt", "dd", "table", "tbody", "thead", "tfoot",
    "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "section", "article",
    "header", "footer", "address", "center", "form", "fieldset", "caption", "body"))
_SKIP_TAGS = ("script", "style", "head", "title", "noscript", "template")
_HTML_WS = re.compile(r"[ \t\r\n\f]+")
_SPACES = re.compile(r"[ \t\u00a0\f\v]+")
_TAG = re.compile(r"<[^>]*>")
# a cid: URL runs to the first character that cannot be in one inside an attribute or CSS url()
_CID = re.compile(r"cid:([^\s\"'<>()\\]+)", re.I)


def cids_in(html: str) -> frozenset[str]:
    """Every Content-ID the HTML refers to (``cid:...``), lowercased: one pass over the HTML, so that
    telling inline parts from attachments costs the same however many parts a message has."""
    found = {m.group(1).lower() for m in _CID.finditer(html)}
    return frozenset(found | {unquote(c) for c in found if "%" in c})  # RFC 2392: cid URLs are %-encoded


def html_to_text(html: str) -> str:
    """Readable text of an HTML body, as it renders: a block boundary ends a
    non-empty line, <br> always ends one (so ``<div><br></div>`` is a blank line);
    scripts, styles and <head> are dropped; at most one blank line in a row."""
    source = _XML_DECL.sub("", html, count=1)
    if not source.strip():
        return ""
    lines: list[str] = []
    try:
        import lxml.html
        from lxml import etree

        doc = lxml.html.document_fromstring(source)
        for el in list(doc.iter(*_SKIP_TAGS)):
            el.drop_tree()
        cur: list[str] = []
        pre = 0

        def add(text: str | None) -> None:
            if not text:
                return
            if pre:
                pieces = NEWLINES.sub("\n", text).split("\n")
                for i, piece in enumerate(pieces):
                    if i:
                        lines.append("".join(cur))
                        cur.clear()
                    cur.append(piece)
            else:
                cur.append(_HTML_WS.sub(" ", text))

        def end_line(hard: bool) -> None:
            line = "".join(cur)
            cur.clear()
            if hard or line.strip():
                lines.append(line)

        for event, el in etree.iterwalk(doc, events=("start", "end", "comment", "pi")):
            if event in ("comment", "pi"):
                add(el.tail)
                continue
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if event == "start":
                if tag == "br":
                    end_line(True)
                elif tag in _BLOCK_TAGS:
                    end_line(False)
                if tag == "pre":
                    pre += 1
                add(el.text)
            else:
                if tag in _BLOCK_TAGS:
                    end_line(False)
                elif tag in ("td", "th"):
                    cur.append(" ")
                if tag == "pre":
                    pre = max(0, pre - 1)
                add(el.tail)
        end_line(False)
    except Exception:
        import html as _html

        flat = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", source)
        flat = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h[1-6])\s*>", "\n", flat)
        lines = _html.unescape(_TAG.sub(" ", flat)).split("\n")
    out: list[str] = []
    for line in lines:
        line = _SPACES.sub(" ", line).strip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)

