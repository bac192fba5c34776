"""Reading submitted .docx files: ``read_docx`` + ``extract_fields`` (title, unit, author, category, 字数).

Real files written by python-docx (``baosong.demo.samples.docx_bytes`` for the pieces; python-docx
directly for the report, which needs a table), in three sizes:

* ~500 字   — a short 工作动态 piece (the most common submission);
* ~2,000 字 — a typical 经验亮点 / 调研 piece;
* 30 pages — a ~18,000 字 调研报告 with a 45 x 6 statistics table (the large end).

Figures: documents per second (ms per document alongside) for each size, and the peak
Python-heap allocation (tracemalloc) while reading and extracting the 30-page report.

    python bench/bench_docx.py [--seconds S] [--json FILE]
"""

from __future__ import annotations

import io
import random
import sys
import tracemalloc
import zipfile

from docx import Document

from baosong.demo.samples import docx_bytes
from baosong.intake.extract import extract_fields
from baosong.intake.readers.docx import read_docx

import _common as c

# Measured on the 2-core reference machine: ~2,500 docs/s (500 字), ~1,700 docs/s (2,000 字),
# ~250 docs/s (30 pages), peak 0.22 MB. Targets keep ~2.5x headroom and fail on a 3x slowdown.
TARGETS = {"500": 1000.0, "2000": 700.0, "30p": 90.0}
# The text itself (paragraphs, counted text, cleaned lines: ~16,000 字 at 2 bytes each, three
# times over) is ~0.1 MB, so 0.5 MB leaves room for the reader's own bookkeeping only.
# tracemalloc sees the Python heap, not libxml2's own allocations (the lxml tree).
TARGET_PEAK_MB = 0.5

CATEGORIES = tuple(c.CATEGORIES)


def piece(rng: random.Random, chars: int) -> tuple[bytes, str, str]:
    """(docx bytes, mail subject, file name) of one piece, via baosong.demo.samples.docx_bytes."""
    place = rng.choice(c.PLACES)
    head = c.title(rng, place)
    category = rng.choice(CATEGORIES)
    data = docx_bytes(head, c.paragraphs(rng, place, chars), f"（{place}人民政府 {rng.choice(c.AUTHORS)}）")
    return data, f"【{category}】{head}", f"{head}.docx"


def report(rng: random.Random, pages: int = 30) -> tuple[bytes, str, str]:
    """A ~``pages``-page 调研报告 (GB/T 9704 page: 22 lines x 28 字) with a statistics table."""
    place = rng.choice(c.PLACES)
    head = f"关于{place}重点项目建设情况的调研报告"
    doc = Document()
    doc.add_paragraph(f"【调研分析】{head}")
    doc.add_paragraph(f"报送单位：{place}人民政府  撰稿人：{rng.choice(c.AUTHORS)}、{rng.choice(c.AUTHORS)}")
    rows = 45
    text_chars = pages * 22 * 28 - rows * 6 * 6  # the table fills the rest
    body = c.paragraphs(rng, place, text_chars)
    middle = len(body) // 2
    for p in body[:middle]:
        doc.add_paragraph("\u3000\u3000" + p)
    doc.add_paragraph("附表：重点项目建设进度统计表（单位：万元）")
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
        doc.add_paragraph("\u3000\u3000" + p)
    doc.add_paragraph(f"（{place}人民政府 {rng.choice(c.AUTHORS)}）")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue(), head, f"{head}.docx"


def read_and_extract(data: bytes, subject: str, filename: str):
    text = read_docx(data)
    return extract_fields(text.texts, text.counted_text, subject=subject, filename=filename,
                          categories=CATEGORIES)


def main(argv: list[str] | None = None) -> int:
    parser = c.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="measuring time per size (default 4)")
    args = parser.parse_args(argv)
    c.time_limit(150)
    rng = random.Random(20260102)
    sets = [
        ("500", "~500 字 piece", [piece(rng, 480) for _ in range(8)]),
        ("2000", "~2,000 字 piece", [piece(rng, 2000) for _ in range(8)]),
        ("30p", "30-page report + table", [report(rng) for _ in range(3)]),
    ]
    figures = []
    for key, label, docs in sets:
        results = [read_and_extract(*d) for d in docs]   # warm-up, and a sanity check
        for r in results:
            assert r.title and r.unit and r.author and r.word_count > 0, r
        sizes = [len(d[0]) for d in docs]
        xml = [zipfile.ZipFile(io.BytesIO(d[0])).getinfo("word/document.xml").file_size for d in docs]

        def once(docs=docs) -> int:
            for d in docs:
                read_and_extract(*d)
            return len(docs)

        rate = c.median(c.rounds(once, seconds=args.seconds))
        figures.append(c.Figure("docx", f"{label}: documents/s", rate, "docs/s", TARGETS[key]))
        figures.append(c.Figure("docx", f"{label}: ms per document", 1e3 / rate, "ms"))
        words = sum(r.word_count for r in results) / len(results)
        print(f"{label}: {len(docs)} files, {words:,.0f} 字 each, .docx {sum(sizes) / len(sizes) / 1024:.0f} KB, "
              f"document.xml {sum(xml) / len(xml) / 1024:.0f} KB uncompressed")

    data, subject, filename = sets[2][2][0]
    tracemalloc.start()
    read_and_extract(data, subject, filename)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures.append(c.Figure("docx", "30-page report: peak allocation (tracemalloc)", peak / 2**20, "MB",
                            TARGET_PEAK_MB, higher_is_better=False))
    return c.report(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
