"""Shared pieces of the benchmarks: realistic corpus, fast .docx variants, office config, reporting.

Not a benchmark itself. Every ``bench_*.py`` imports it as ``_common`` (the script's own
directory is on ``sys.path`` whether it runs alone or under ``run.py``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import signal
import statistics
import struct
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from baosong.demo.config import write_office_config  # noqa: F401 - re-exported for the benchmarks
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail

REPO = Path(__file__).resolve().parents[1]
SHIPPED_CONFIG = REPO / "config"
SUBMISSION_ADDRESS = "tzxxk-bench@example.com"

# ------------------------------------------------------------------ corpus
#
# Sentences in the style of Chinese government-information pieces (政务信息): mostly Han
# characters with full-width punctuation (，。；：、“”《》（）——…), Arabic numerals, amounts and
# percentages, and Latin abbreviations (GDP, 5G, PM2.5, APP, AI). Slots are filled at random
# from a seeded generator, so every run sees the same text and no two paragraphs are equal.

PLACES = ["滨湖镇", "龙泉街道", "北辛街道", "善南街道", "官桥镇", "柴胡店镇", "羊庄镇", "级索镇", "西岗镇",
          "姜屯镇", "东郭镇", "张汪镇", "界河镇", "龙阳镇", "鲍沟镇", "东沙河街道", "荆河街道"]
DEPARTMENTS = ["商务局", "审计局", "体育局", "信访局", "气象局", "地震局", "农业农村局", "住建局", "教育局"]
AUTHORS = ["王芳", "李强", "张丽", "刘洋", "陈静", "杨帆", "赵磊", "孙悦", "周明", "吴婷", "郑晓东", "冯雪"]
CATEGORIES = ["工作动态", "经验亮点", "调研分析", "问题建议", "社情民意"]

SENTENCES = [
    "今年以来，{place}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实市委、市政府决策部署，各项工作取得积极成效。",
    "截至{month}月底，{place}已累计完成固定资产投资{money}万元，同比增长{pct}%，完成年度目标任务的{pct2}%。",
    "一是强化组织领导。成立由主要负责同志任组长的工作专班，建立“周调度、月通报、季考核”工作机制，压紧压实各方责任。",
    "二是狠抓任务落实。细化{n}项重点任务清单，逐项明确责任单位和时间节点，确保各项任务按期保质完成。",
    "三是注重宣传引导。通过微信公众号、“学习强国”APP、融媒体中心等平台广泛宣传政策措施，营造良好社会氛围。",
    "全年新建5G基站{n}个，实现城区和重点乡镇5G网络全覆盖，千兆光网覆盖家庭{people}户。",
    "PM2.5平均浓度为{small}微克/立方米，同比下降{pct}%，空气质量优良天数达到{days}天。",
    "全镇GDP完成{money}万元，一般公共预算收入{money2}万元，城乡居民人均可支配收入分别增长{pct}%和{pct2}%。",
    "组织开展“送政策、送服务、送技术”进企业活动{n}场次，帮助企业解决用工、融资等难题{n2}个。",
    "举办专场招聘会{n}场，提供就业岗位{people}个，达成就业意向{n2}人，有效缓解了企业用工难问题。",
    "深入推进“放管服”改革，{n}项政务服务事项实现“一网通办”，平均办理时限压缩{pct}%以上。",
    "针对群众反映强烈的老旧小区管网老化、停车难等问题，{place}多次召开专题会议，研究制定《老旧小区改造三年行动方案（2026—2028年）》。",
    "调研中发现，部分中小企业仍面临融资渠道窄、融资成本高等问题，{pct}%的受访企业表示贷款审批周期在30天以上。",
    "下一步，{place}将持续巩固拓展工作成果，进一步完善长效机制，以更加务实的作风推动各项工作落地见效。",
    "建议市级层面统筹设立中小企业应急转贷资金池，规模不低于{money}万元，对符合条件的企业给予贴息支持。",
    "全年共排查各类安全隐患{n}处，已整改{n2}处，整改率{pct2}%，对{small}家企业依法实施行政处罚。",
    "依托“网格+”治理模式，将辖区划分为{n}个网格，配备专兼职网格员{n2}名，实现“小事不出网格、大事不出社区”。",
    "{place}投资{money}万元实施农村人居环境整治提升工程，新改建农村公路{small}.{n3}公里，改造户厕{people}户。",
    "通过AI智能巡检、无人机航拍等手段，对{n}家重点企业开展全天候监测，发现问题线索{n2}条。",
    "据统计，1—{month}月全市共受理群众来信来访{people}件次，按期办结率达到{pct2}%，群众满意度为{pct2}.{n3}%。",
    "“十四五”以来，{place}累计争取上级资金{money}万元，实施重点项目{n}个，其中亿元以上项目{small}个。",
    "与山东大学、青岛科技大学等{small}所高校院所建立产学研合作关系，引进高层次人才{n}人……",
    "一些群众反映，部分村居公共服务设施建设滞后——文化广场缺少照明、健身器材老化，亟待解决。",
    "同时，存在部分工作人员业务不熟、服务意识不强等问题；对此，已开展专题培训{n}期，培训{people}人次。",
]


def _fill(rng: random.Random, template: str, place: str) -> str:
    return template.format(
        place=place, month=rng.randint(1, 12), money=rng.randint(120, 98000), money2=rng.randint(50, 9000),
        pct=rng.randint(2, 35), pct2=rng.randint(60, 99), n=rng.randint(3, 180), n2=rng.randint(2, 90),
        n3=rng.randint(1, 9), people=rng.randint(100, 26000), small=rng.randint(2, 48), days=rng.randint(200, 320),
    )


def paragraph(rng: random.Random, place: str, target: int = 220) -> str:
    """One paragraph of about ``target`` characters."""
    out = ""
    while len(out) < target:
        out += _fill(rng, rng.choice(SENTENCES), place)
    return out


def paragraphs(rng: random.Random, place: str, total: int, per: int = 220) -> list[str]:
    """Paragraphs adding up to about ``total`` characters."""
    out: list[str] = []
    size = 0
    while size < total:
        p = paragraph(rng, place, min(per, max(60, total - size)))
        out.append(p)
        size += len(p)
    return out


def title(rng: random.Random, place: str) -> str:
    return rng.choice([
        f"{place}“三个聚焦”推动乡村振兴见实效", f"{place}开展安全生产大排查大整治", f"{place}多措并举稳就业促增收",
        f"{place}创新“网格+”模式提升基层治理效能", f"关于{place}民营经济发展情况的调研报告",
        f"关于破解{place}企业融资难问题的建议", f"{place}以“一窗受理”破解群众办事难",
    ])


# ------------------------------------------------------------ .docx files

_PLACEHOLDER = "\u2062BENCHBODY\u2062"


def _p_xml(text: str) -> str:
    """A paragraph exactly as python-docx writes ``doc.add_paragraph(text)``."""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:p><w:r><w:t{space}>{escape(text)}</w:t></w:r></w:p>"


class DocxFactory:
    """Many distinct .docx files fast, each what ``baosong.demo.samples.docx_bytes`` would produce.

    ``docx_bytes`` (python-docx) takes ~13 ms a file, too slow to build thousands of distinct
    submissions. The factory saves one python-docx document with a placeholder paragraph,
    keeps every other part compressed as python-docx wrote it, and per file only replaces
    the placeholder with paragraphs in python-docx's own XML form and re-deflates
    word/document.xml. ``selfcheck`` compares the result with ``docx_bytes`` itself.
    """

    def __init__(self) -> None:
        template = docx_bytes(_PLACEHOLDER, [], None)
        self._members: list[tuple[zipfile.ZipInfo, bytes | None, bytes]] = []  # (info, raw deflate or None, data)
        with zipfile.ZipFile(io.BytesIO(template)) as zf:
            for info in zf.infolist():
                data = zf.read(info)
                if info.filename == "word/document.xml":
                    text = data.decode("utf-8")
                    placeholder = _p_xml(_PLACEHOLDER)
                    assert placeholder in text, "python-docx wrote the placeholder differently"
                    self._head, self._tail = text.split(placeholder)
                    self._members.append((info, None, b""))
                else:
                    self._members.append((info, _deflate(data), data))

    def make(self, title: str, paragraphs: Sequence[str], closing: str | None) -> bytes:
        body = "".join(_p_xml(p) for p in [title, *paragraphs, *([closing] if closing else [])])
        document = (self._head + body + self._tail).encode("utf-8")
        out = io.BytesIO()
        central = []
        for info, deflated, data in self._members:
            if deflated is None:
                data, deflated = document, _deflate(document)
            central.append(_write_member(out, info.filename, data, deflated))
        start = out.tell()
        for entry in central:
            out.write(entry)
        size = out.tell() - start
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0))
        return out.getvalue()

    def selfcheck(self) -> None:
        """The factory's file must read exactly like python-docx's own."""
        from baosong.intake.readers.docx import read_docx

        args = ("标题 “5G”", ["  首行缩进的段落，含 <尖括号> & 符号。", "第二段"], "（滨湖镇人民政府 王芳）")
        ours, theirs = read_docx(self.make(*args)), read_docx(docx_bytes(*args))
        assert ours == theirs, (ours, theirs)
        with zipfile.ZipFile(io.BytesIO(self.make(*args))) as zf:
            assert zf.testzip() is None


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _write_member(out: io.BytesIO, name: str, data: bytes, deflated: bytes) -> bytes:
    """Write one deflated member's local header and data; return its central-directory entry."""
    fname = name.encode("ascii")
    crc = zlib.crc32(data) & 0xFFFFFFFF
    offset = out.tell()
    dostime, dosdate = 0, (2026 - 1980) << 9 | 1 << 5 | 1
    out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, dostime, dosdate, crc, len(deflated),
                          len(data), len(fname), 0))
    out.write(fname)
    out.write(deflated)
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, dostime, dosdate, crc, len(deflated),
                       len(data), len(fname), 0, 0, 0, 0, 0, offset) + fname


# -------------------------------------------------------------- mail

@dataclass(frozen=True)
class Sender:
    unit: str
    short: str
    address: str


def registered_senders() -> list[Sender]:
    units = yaml.safe_load((SHIPPED_CONFIG / "units.yaml").read_text(encoding="utf-8"))["units"]
    return [Sender(u["name"], u.get("short") or u["name"], a) for u in units for a in u["addresses"][:1]]


def submission(rng: random.Random, factory: DocxFactory, sender: Sender, when: datetime,
               chars: int | None = None) -> bytes:
    """One unit's submission as a mail client sends it: a short note and one .docx piece.

    ``chars`` is the length of the piece; by default drawn like real traffic
    (short 工作动态 pieces are most common, research reports run to several thousand 字).
    """
    if chars is None:
        chars = rng.choice([600, 900, 1200, 1500, 2000, 2500, 3500, 5000])
    category = rng.choice(CATEGORIES)
    head = title(rng, sender.short)
    body = paragraphs(rng, sender.short, chars)
    author = rng.choice(AUTHORS)
    data = factory.make(head, body, f"（{sender.unit} {author}）")
    return mail(
        sender=f"{sender.short}信息员 <{sender.address}>", to=SUBMISSION_ADDRESS, subject=f"【{category}】{head}",
        body=f"信息科：\n\n报送政务信息《{head}》一篇，请审阅。\n\n{sender.unit} {author}\n联系电话：0632-55{rng.randint(10000, 99999)}\n",
        when=when, attachments=[(f"{head}.docx", data, DOCX_TYPE)])


def arrival(i: int, start: datetime = datetime(2025, 1, 2, 8, 0, tzinfo=timezone(timedelta(hours=8)))) -> datetime:
    """The i-th arrival time of a year's history (a few hundred mails a day spread over working hours)."""
    return start + timedelta(minutes=2 * i + i % 7)


# ------------------------------------------------------------ config

# ------------------------------------------------------------ measuring

def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Resident set size right now (Linux /proc); falls back to the peak elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return peak_rss_mb()
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def rounds(fn: Callable[[], int], *, seconds: float, min_rounds: int = 3) -> list[float]:
    """Call ``fn`` (which returns how many items it handled) repeatedly for about ``seconds``;
    the items per second of each round."""
    rates: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(rates) < min_rounds or time.perf_counter() < deadline:
        t0 = time.perf_counter()
        n = fn()
        rates.append(n / (time.perf_counter() - t0))
    return rates


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


@dataclass(frozen=True)
class Figure:
    bench: str
    name: str
    value: float
    unit: str
    target: float | None = None   # None: reported, not checked
    higher_is_better: bool = True

    @property
    def ok(self) -> bool:
        if self.target is None:
            return True
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def target_text(self) -> str:
        if self.target is None:
            return "—"
        return f"{'≥' if self.higher_is_better else '≤'} {fmt(self.target)}"


def fmt(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(figures: Sequence[Figure]) -> str:
    rows = [("benchmark", "figure", "measured", "target", "result")]
    for f in figures:
        rows.append((f.bench, f.name, f"{fmt(f.value)} {f.unit}", f"{f.target_text()} {f.unit if f.target is not None else ''}".strip(),
                     "ok" if f.ok else "MISSED"))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: East-Asian characters take two columns."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def arg_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON (used by run.py)")
    return parser


def report(figures: Sequence[Figure], json_path: str | None) -> int:
    """Print the figures, optionally write them as JSON; exit status 1 if a target was missed."""
    print(table(figures))
    if json_path:
        Path(json_path).write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    sys.stdout.flush()
    return 0 if all(f.ok for f in figures) else 1


class Overtime(Exception):
    """A benchmark ran past its time limit."""


def time_limit(seconds: int) -> None:
    """Stop this process if it is still running after ``seconds`` (SIGALRM), or when run.py
    gives up on it (SIGTERM): both raise :class:`Overtime`, so servers and temporary
    directories opened in ``with`` blocks are stopped and removed on the way out."""
    def expired(signum, frame):
        raise Overtime(f"benchmark stopped: {signal.Signals(signum).name} after the {seconds} s limit"
                       if signum == signal.SIGALRM else "benchmark stopped: SIGTERM")

    signal.signal(signal.SIGALRM, expired)
    signal.signal(signal.SIGTERM, expired)
    signal.alarm(seconds)


def machine() -> str:
    return f"{os.cpu_count()} CPU, Python {sys.version.split()[0]}"


def cpu_rate(fn: Callable[[], int], *, seconds: float, min_rounds: int = 5) -> float:
    """Items per CPU second of ``fn``'s best round (``fn`` returns how many items it handled).

    For single-threaded, CPU-bound loops: on a machine shared with other work a round's wall time
    grows with the others' load, its CPU time (time.process_time) hardly, and a round is only ever
    slowed down, never sped up: so the best round's CPU rate."""
    best = 0.0
    deadline = time.process_time() + seconds
    rounds = 0
    while rounds < min_rounds or time.process_time() < deadline:
        t0 = time.process_time()
        n = fn()
        spent = time.process_time() - t0
        if spent > 0:
            best = max(best, n / spent)
        rounds += 1
    return best
