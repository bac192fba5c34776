"""The formal 公文 (.docx) in the layout of GB/T 9704: the period's notice and the interview letters.

A4 with the standard margins; the issuing office's mark (发文机关标志) in red, the 文号 and a red rule;
the title in 方正小标宋 二号 (22 pt), or the configured fallback (宋体) in bold when that font is not
installed; the body in 仿宋_GB2312 三号 (16 pt), headings in 黑体 三号, tables in 仿宋 四号; the
issuer and the date at the end. Pure: what the document says comes in as a small line markup
rendered from a template (``templates/*_docx.txt.j2``), bytes come out.

Markup, one line each: ``# text`` a heading; ``| a | b | c`` a table row (the first row of a run of
them is the header); ``> text`` a paragraph without first-line indent (the addressee); an empty line
is skipped; anything else a body paragraph.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_PT = 22      # 二号
BODY_PT = 16       # 三号
TABLE_PT = 14      # 四号
MARK_PT = 36
RED = RGBColor(0xE6, 0x00, 0x12)


@dataclass(frozen=True)
class Fonts:
    title: str = "方正小标宋简体"
    title_bold: bool = False        # True when the title falls back to 宋体
    body: str = "仿宋_GB2312"
    heading: str = "黑体"


@dataclass(frozen=True)
class FormalDoc:
    mark: str | None        # 发文机关标志, e.g. 滕州市人民政府办公室 (None: none printed)
    number: str             # 文号
    title: str
    markup: str             # the body in the line markup above
    signer: str             # 发文机关署名
    date_text: str          # 2026年11月3日
    fonts: Fonts = Fonts()


def _font(run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:  # type: ignore[no-untyped-def]
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _spacing(paragraph, *, exact: float = 28.95, indent: bool = True) -> None:  # type: ignore[no-untyped-def]
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(exact)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(BODY_PT * 2)


def _red_rule(paragraph) -> None:  # type: ignore[no-untyped-def]
    ppr = paragraph._element.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "E60012")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.append(border)


def _table(document, rows: list[list[str]], fonts: Fonts) -> None:  # type: ignore[no-untyped-def]
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, row in enumerate(rows):
        for j in range(width):
            cell = table.cell(i, j)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _spacing(paragraph, exact=22, indent=False)
            _font(paragraph.add_run(row[j] if j < len(row) else ""), fonts.heading if i == 0 else fonts.body,
                  TABLE_PT)


def formal_docx(doc: FormalDoc) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    fonts = doc.fonts
    normal = document.styles["Normal"]
    normal.font.name = fonts.body
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), fonts.body)

    if doc.mark:
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _spacing(p, exact=MARK_PT + 10, indent=False)
        _font(p.add_run(doc.mark), fonts.title, MARK_PT, bold=fonts.title_bold, color=RED)
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(p, indent=False)
    p.paragraph_format.space_before = Pt(BODY_PT)
    _font(p.add_run(doc.number), fonts.body, BODY_PT)
    _red_rule(p)
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _spacing(p, exact=35, indent=False)
    p.paragraph_format.space_before = Pt(BODY_PT * 2)
    p.paragraph_format.space_after = Pt(BODY_PT)
    _font(p.add_run(doc.title), fonts.title, TITLE_PT, bold=fonts.title_bold)

    rows: list[list[str]] = []
    for raw in [*doc.markup.splitlines(), ""]:
        line = raw.strip()
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if rows:
            _table(document, rows, fonts)
            rows = []
        if not line:
            continue
        p = document.add_paragraph()
        if line.startswith("#"):
            _spacing(p)
            _font(p.add_run(line.lstrip("#").strip()), fonts.heading, BODY_PT)
        elif line.startswith(">"):
            _spacing(p, indent=False)
            _font(p.add_run(line[1:].strip()), fonts.body, BODY_PT)
        else:
            _spacing(p)
            _font(p.add_run(line), fonts.body, BODY_PT)

    for text in ("", doc.signer, doc.date_text):
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _spacing(p, indent=False)
        p.paragraph_format.right_indent = Pt(BODY_PT * 4 if text == doc.date_text else BODY_PT * 2)
        if text:
            _font(p.add_run(text), fonts.body, BODY_PT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
