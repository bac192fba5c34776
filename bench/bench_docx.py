"""Reading submitted .docx files and extracting their fields, beside python-docx in the same run.

What is timed for baosong: ``baosong.intake.extract.extract_docx`` — the .docx reader (text,
layout, tables, header) and the field extraction (title by layout, unit matched to the shipped
registry, author, category with the shipped aliases, 字数), i.e. everything `baosong extract` does
after reading the file. The reference is python-docx on the same bytes: ``Document(...)`` and the
text of every paragraph and table cell (the least a python-docx-based extractor would do).

Documents, laid out as county offices write them (GB/T 9704: 22 pt centred 方正小标宋 title,
16 pt 仿宋 body with first-line indent, 22 lines x 28 字 a page), made by python-docx:

* 1 page  — ~600 字 工作动态 piece with a bulletin masthead and a closing （单位 作者） line;
* 5 pages — ~3,000 字 经验亮点 / 调研 piece with labelled 报送单位 / 撰稿 / 审核 lines;
* 30 pages — ~16,000 字 调研报告 with a 45 x 6 statistics table and a sign-off table.

Figures: documents per second for each size (baosong and python-docx), how many times faster
baosong is, and the peak Python-heap allocation (tracemalloc) while extracting the 30-page report.

    python bench/bench_docx.py [--seconds S] [--json FILE]
"""

from __future__ import annotations

import inspect
import io
import random
import sys
import tracemalloc

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from baosong.intake import extract as extract_module

import _common as c

# Measured on the 2-core reference machine (bench/README.md), CPU time: baosong ~1,800 / ~1,000 /
# ~150 docs/s for 1 / 5 / 30 pages; python-docx ~110 / ~130 / ~36 in the same run. Targets keep
# ~2.5x headroom on the rates and on the ratios to python-docx (which cancel a slower machine).
TARGETS = {"1p": 750.0, "5p": 400.0, "30p": 60.0}
RATIO_TARGETS = {"1p": 6.0, "5p": 3.0, "30p": 1.6}
TARGET_PEAK_MB = 0.8

CATEGORIES = tuple(c.CATEGORIES)
PAGE = 22 * 28


def _run(paragraph, text: str, *, size: float, font: str, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _title(doc, text: str, size: float = 22) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, text, size=size, font="方正小标宋简体")


def _body(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    _run(p, text, size=16, font="仿宋_GB2312")


def _line(doc, text: str, align=None, size: float = 16) -> None:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    _run(p, text, size=size, font="仿宋_GB2312")


def _bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def one_page(rng: random.Random) -> tuple[bytes, str, str]:
    place = rng.choice(c.PLACES)
    head = c.title(rng, place)
    doc = Document()
    _line(doc, "滕州政务信息", WD_ALIGN_PARAGRAPH.CENTER, 36)
    _line(doc, f"第{rng.randint(1, 60)}期", WD_ALIGN_PARAGRAPH.CENTER)
    _title(doc, head)
    for p in c.paragraphs(rng, place, PAGE - 60):
        _body(doc, p)
    _body(doc, f"（{place}人民政府 {rng.choice(c.AUTHORS)}）")
    category = rng.choice(CATEGORIES)
    return _bytes(doc), f"【{category}】{head}", f"{head}.docx"


def five_pages(rng: random.Random) -> tuple[bytes, str, str]:
    place = rng.choice(c.PLACES)
    head = c.title(rng, place)
    doc = Document()
    _title(doc, head[: len(head) // 2])
    _title(doc, head[len(head) // 2:])
    _line(doc, f"报送单位：{place}人民政府  撰稿：{rng.choice(c.AUTHORS)}  审核：{rng.choice(c.AUTHORS)}",
          WD_ALIGN_PARAGRAPH.CENTER, 14)
    for p in c.paragraphs(rng, place, 5 * PAGE - 120):
        _body(doc, p)
    return _bytes(doc), f"【{rng.choice(CATEGORIES)}】{head}", f"{head}.docx"


def report(rng: random.Random, pages: int = 30) -> tuple[bytes, str, str]:
    """A ~``pages``-page 调研报告 with a statistics table and a sign-off table."""
    place = rng.choice(c.PLACES)
    head = f"关于{place}重点项目建设情况的调研报告"
    doc = Document()
    _title(doc, head)
    rows = 45
    body = c.paragraphs(rng, place, pages * PAGE - rows * 6 * 6)
    middle = len(body) // 2
    for p in body[:middle]:
        _body(doc, p)
    _line(doc, "附表：重点项目建设进度统计表（单位：万元）", WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=rows + 1, cols=6)
    table.style = "Table Grid"
    for col, name in enumerate(("序号", "项目名称", "责任单位", "计划投资", "完成投资", "完成率")):
        table.cell(0, col).text = name
    for r in range(1, rows + 1):
        plan = rng.randint(500, 90000)
        done = rng.randint(100, plan)
        for col, value in enumerate((str(r), f"{rng.choice(c.PLACES)}{rng.choice(['道路', '污水', '学校', '产业园'])}项目",
                                     rng.choice(c.DEPARTMENTS), str(plan), str(done), f"{100 * done / plan:.1f}%")):
            table.cell(r, col).text = value
    for p in body[middle:]:
        _body(doc, p)
    sign = doc.add_table(rows=2, cols=3)
    for col, (label, value) in enumerate((("单位", f"{place}人民政府"), ("作者", rng.choice(c.AUTHORS)),
                                          ("电话", "0632-5512345"))):
        sign.cell(0, col).text = label
        sign.cell(1, col).text = value
    return _bytes(doc), head, f"{head}.docx"


def _extractor():
    """baosong's extraction with the shipped office config, on whichever API this checkout has."""
    extras: dict[str, object] = {}
    params = inspect.signature(extract_module.extract_docx).parameters
    if "registry" in params or any(p.kind is p.VAR_KEYWORD for p in params.values()):
        from baosong.config.loader import load_config
        from baosong.intake.units_match import UnitRegistry

        config = load_config(c.SHIPPED_CONFIG)
        extras = {"registry": UnitRegistry.from_config(config.units),
                  "category_aliases": dict(config.scoring.category_aliases),
                  "sender_unit": config.units[0].name}

    def run(data: bytes, subject: str, filename: str):
        return extract_module.extract_docx(data, subject=subject, filename=filename, categories=CATEGORIES,
                                           **extras)
    return run


def python_docx(data: bytes, subject: str, filename: str) -> list[str]:
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = c.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per size and reader (default 3)")
    args = parser.parse_args(argv)
    c.time_limit(200)
    rng = random.Random(20260102)
    sets = [
        ("1p", "1-page piece", [one_page(rng) for _ in range(8)]),
        ("5p", "5-page piece", [five_pages(rng) for _ in range(6)]),
        ("30p", "30-page report + tables", [report(rng) for _ in range(3)]),
    ]
    extract = _extractor()
    figures = []
    for key, label, docs in sets:
        results = [extract(*d) for d in docs]   # warm-up, and a sanity check
        for r in results:
            assert r.title and r.word_count > 0, r
        for d in docs:
            python_docx(*d)

        def ours(docs=docs) -> int:
            for d in docs:
                extract(*d)
            return len(docs)

        def reference(docs=docs) -> int:
            for d in docs:
                python_docx(*d)
            return len(docs)

        rate = c.cpu_rate(ours, seconds=args.seconds)
        ref = c.cpu_rate(reference, seconds=args.seconds)
        figures.append(c.Figure("docx", f"{label}: baosong documents/s", rate, "docs/s", TARGETS[key]))
        figures.append(c.Figure("docx", f"{label}: python-docx documents/s", ref, "docs/s"))
        figures.append(c.Figure("docx", f"{label}: baosong ÷ python-docx", rate / ref, "x", RATIO_TARGETS[key]))
        words = sum(r.word_count for r in results) / len(results)
        size = sum(len(d[0]) for d in docs) / len(docs)
        print(f"{label}: {len(docs)} files, {words:,.0f} 字 each, .docx {size / 1024:.0f} KB")

    data, subject, filename = sets[2][2][0]
    tracemalloc.start()
    extract(data, subject, filename)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures.append(c.Figure("docx", "30-page report: peak allocation (tracemalloc)", peak / 2**20, "MB",
                            TARGET_PEAK_MB, higher_is_better=False))
    return c.report(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
