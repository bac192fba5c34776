"""What is sent, on a real ledger: the period's notice (content, charts by Content-ID, the formal 公文 .docx
read back with python-docx, its PDF by LibreOffice, the 文号 counter), the interview letters chosen by
seed 004's rule over two months, commission reminders, a county's wording, the HTML notice rendered by
headless Chromium."""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import subprocess
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import write_office_config
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.commissions import new_commission
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.paperwork import font_installed

TZ = ZoneInfo("Asia/Shanghai")
runner = CliRunner()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Class A: five towns (镇街) and 商务局; class B: four units; class C: three (below min_class_size 4).
TOWNS = ["一镇", "二镇", "三镇", "四镇", "五镇"]
B_UNITS = ["乙一局", "乙二局", "乙三局", "乙四局"]
C_UNITS = ["丙一局", "丙二局", "丙三局"]


def unit(short: str, klass: str, n: int, group: str | None = None) -> dict:
    entry: dict = {"name": f"滕州市{short}", "short": short, "class": klass, "addresses": [f"u{n}@example.org"],
                   "principal": {"name": f"负责人{n}", "email": f"leader{n}@example.org"}}
    if group:
        entry["group"] = group
    return entry


def make_config(tmp_path: Path, smtp_sink, *, notices: dict | None = None) -> Path:
    config = write_office_config(tmp_path / "config", smtp=smtp_sink)
    units = [unit(t, "A", i, "镇街") for i, t in enumerate(TOWNS)] + [unit("商务局", "A", 5)]
    units += [unit(b, "B", 10 + i) for i, b in enumerate(B_UNITS)] + [unit(c, "C", 20 + i) for i, c in enumerate(C_UNITS)]
    (config / "units.yaml").write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
    scoring = yaml.safe_load((config / "scoring.yaml").read_text(encoding="utf-8"))
    scoring["interviews"] = {"group": "镇街", "bottom": 3, "consecutive_months": 2, "classes": ["A", "B", "C"],
                             "min_class_size": 4}
    (config / "scoring.yaml").write_text(yaml.safe_dump(scoring, allow_unicode=True, sort_keys=False), encoding="utf-8")
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    settings["notices"] = {"trend_months": 3, **(notices or {})}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return config


def invoke(config: Path, *args: str):
    return runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def send_piece(config: Path, tmp_path: Path, short: str, n: int, when: str, title: str) -> int:
    doc = docx_bytes(title, [f"{title}。今年以来，我单位认真落实各项部署。", "下一步将继续抓好落实。"], None)
    path = tmp_path / f"{short}-{when[:10]}.eml"
    path.write_bytes(mail(sender=f"u{n}@example.org", to="office@example.com", subject=f"【工作动态】{title}",
                          body="请审阅", when=datetime.fromisoformat(when),
                          attachments=[(f"{short}{when[:7]}.docx", doc, DOCX_TYPE)]))
    result = invoke(config, "ingest", str(path), "--received-at", when)
    assert result.exit_code == 0, result.output
    rows = json.loads(invoke(config, "ledger", "list", "--json").stdout)
    return next(r["id"] for r in rows if r["source"] == f"{short}{when[:7]}.docx")


def adopt(config: Path, piece: int, outlet: str, day: str) -> None:
    result = invoke(config, "adopt", str(piece), outlet, "--date", day)
    assert result.exit_code == 0, result.output


# Outlet points (Tengzhou): 国办专报 60, 省专报 40, 枣庄专报 30, 政情专报 20, 政务信息交流 10.
# One piece sent in class A (quota 10): 9 missing, −9; class B (quota 6): −5; floored at 0.
SEPTEMBER = {"三镇": "省专报", "一镇": "枣庄专报", "二镇": "政情专报", "五镇": "政务信息交流"}   # 四镇 nothing adopted
OCTOBER = {"商务局": "国办专报", "一镇": "省专报", "二镇": "枣庄专报", "三镇": "政情专报", "四镇": "政务信息交流"}
OCTOBER_B = {"乙一局": "政情专报", "乙二局": "政务信息交流"}   # 乙三局, 乙四局 send nothing


@pytest.fixture
def two_months(tmp_path: Path, smtp_sink) -> Path:
    config = make_config(tmp_path, smtp_sink)
    numbers = {t: i for i, t in enumerate(TOWNS)} | {"商务局": 5} | {b: 10 + i for i, b in enumerate(B_UNITS)}
    for town in TOWNS:
        piece = send_piece(config, tmp_path, town, numbers[town], "2026-09-10 09:00+08:00", f"{town}九月工作动态")
        if town in SEPTEMBER:
            adopt(config, piece, SEPTEMBER[town], "2026-09-20")
    for short in [*TOWNS, "商务局"]:
        piece = send_piece(config, tmp_path, short, numbers[short], "2026-10-10 09:00+08:00", f"{short}十月工作动态")
        if short in OCTOBER:
            adopt(config, piece, OCTOBER[short], "2026-10-20")
    for short, outlet in OCTOBER_B.items():
        piece = send_piece(config, tmp_path, short, numbers[short], "2026-10-11 09:00+08:00", f"{short}十月工作动态")
        adopt(config, piece, outlet, "2026-10-21")
    # a commission to 五镇 due in October, never answered: 漏报 in its letter
    application = App.open(config)
    new_commission(application, topic="秋粮收购进展", unit_names=["五镇"], deadline_text="2026-10-25 17:00",
                   send=False, now=datetime(2026, 10, 20, 9, tzinfo=TZ))
    return config


def scores(config: Path, month: str) -> dict[str, dict]:
    return {r["unit"].removeprefix("滕州市"): r for r in json.loads(invoke(config, "score", "--month", month, "--json").stdout)}


def parse(path: Path) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())  # type: ignore[return-value]


def attachments(msg: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def docx_text(data: bytes) -> tuple[Document, str, list[list[list[str]]]]:
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return document, text, tables


def east_asia(run) -> str | None:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_letters_follow_seed_004_over_two_months(two_months: Path, tmp_path: Path):
    sep, october = scores(two_months, "2026-09"), scores(two_months, "2026-10")
    # September, towns: 三镇 40−9=31, 一镇 30−9=21, 二镇 20−9=11, 五镇 10−9=1, 四镇 0−9→0
    assert {t: sep[t]["score"] for t in TOWNS} == {"三镇": 31, "一镇": 21, "二镇": 11, "五镇": 1, "四镇": 0}
    # October, class A: 商务局 60−9=51, 一镇 31, 二镇 21, 三镇 11, 四镇 1, 五镇 0 (commission missed −5, floored)
    assert {u: october[u]["score"] for u in [*TOWNS, "商务局"]} == {
        "商务局": 51, "一镇": 31, "二镇": 21, "三镇": 11, "四镇": 1, "五镇": 0}
    # class B (quota 6): 乙一局 20−5=15, 乙二局 10−5=5, 乙三局 and 乙四局 0
    assert {u: october[u]["score"] for u in B_UNITS} == {"乙一局": 15, "乙二局": 5, "乙三局": 0, "乙四局": 0}
    # Group rule: September's bottom three towns {二镇 11, 五镇 1, 四镇 0} ∩ October's {三镇 11, 四镇 1, 五镇 0}
    #   = {四镇, 五镇}. Class rule, October: A's bottom three {三镇, 四镇, 五镇}; B's three lowest scores
    #   0, 0, 5 → {乙二局, 乙三局, 乙四局}; C has 3 units < min_class_size 4: none.
    outbox = tmp_path / "letters"
    result = invoke(two_months, "notify", "letters", "--month", "2026-10", "--outbox", str(outbox),
                    "--at", "2026-11-03T09:00:00+08:00")
    assert result.exit_code == 0, result.output
    mails = [parse(p) for p in sorted(outbox.glob("*.eml"))]
    by_unit = {m["Subject"].split("（")[1].split("，")[0]: m for m in mails}
    assert set(by_unit) == {"三镇", "四镇", "五镇", "乙二局", "乙三局", "乙四局"}

    five = by_unit["五镇"]
    assert five["To"] == "leader4@example.org"
    assert five["Cc"] == "leaders-office@example.com, xinxike@example.com"
    (name, data), = attachments(five).items()
    assert name.endswith("（五镇）.docx")
    document, text, tables = docx_text(data)
    assert "滕州市政务信息工作反馈函" in text and "滕州市五镇负责人4同志：" in text
    assert "连续2个月在镇街中排名后3位，并且2026年10月在A类单位中排名后3位" in text
    assert "滕政办信函〔2026〕" in text
    ranks, quota, commissions = tables
    assert ranks[0] == ["月份", "类别排名", "镇街排名", "得分"]
    # September: 商务局 sent nothing and scores 0 too, so class A has 6 units; 五镇 (1) is 4th
    assert ["2026年9月", "第4名（共6个单位）", "第4名（共5个）", "1"] in ranks
    assert ["2026年10月", "第6名（共6个单位）", "第5名（共5个）", "0"] in ranks
    # the total, then the categories in scoring.yaml's order (工作动态 4, 经验亮点 2, 调研分析 2, 问题建议 1, 社情民意 1)
    assert quota[1:] == [["报送总数", "10", "1", "9"], ["工作动态", "4", "1", "3"], ["经验亮点", "2", "0", "2"],
                         ["调研分析", "2", "0", "2"], ["问题建议", "1", "0", "1"], ["社情民意", "1", "0", "1"]]
    assert commissions[1][0].startswith("约稿〔2026〕") and commissions[1][1:] == ["秋粮收购进展", "漏报"]
    body = document.paragraphs[-4]
    assert body.runs and east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)   # A4

    three = docx_text(attachments(by_unit["三镇"]).popitem()[1])[1]
    assert "2026年10月在A类单位中排名后3位" in three and "连续" not in three
    # each letter its own number, counted within the year
    numbers = sorted(t.split("滕政办信函〔2026〕")[1].split("号")[0] for t in
                     (docx_text(attachments(m).popitem()[1])[1] for m in mails))
    assert numbers == ["1", "2", "3", "4", "5", "6"]
    # a preview is only a preview: run again, the same six letters with the same numbers, nothing marked sent
    again = invoke(two_months, "notify", "letters", "--month", "2026-10", "--outbox", str(outbox))
    assert "未发送" in again.output and len(list(outbox.glob("*.eml"))) == 6
    assert sorted(t.split("滕政办信函〔2026〕")[1].split("号")[0] for t in
                  (docx_text(attachments(parse(p)).popitem()[1])[1] for p in sorted(outbox.glob("*.eml")))) == numbers


def test_the_notice_carries_charts_the_formal_docx_its_pdf_and_a_number(two_months: Path, tmp_path: Path):
    outbox = tmp_path / "notice"
    result = invoke(two_months, "notify", "monthly", "--month", "2026-10", "--outbox", str(outbox))
    assert result.exit_code == 0, result.output
    office = parse(sorted(outbox.glob("*.eml"))[0])
    assert office["To"] == "leaders-office@example.com, xinxike@example.com"
    text = office.get_body(("plain",)).get_content()
    assert "现将2026年10月全市政务信息报送和采用情况通报如下" in text and "滕政办信〔2026〕1号" in text
    assert "零报送单位（5 个）：乙三局、乙四局、丙一局、丙二局、丙三局。" in text
    assert "未完成报送任务的单位（13 个）" in text    # nobody sent 10 (A), 6 (B) or 3 (C) pieces
    assert "商务局　十月工作动态" not in text and "商务局　商务局十月工作动态　国办专报" in text

    html_part = office.get_body(("html",))
    html = html_part.get_content()
    related = {p["Content-ID"].strip("<>"): p.get_content() for p in office.walk() if p["Content-ID"]}
    assert len(related) == 2 and all(f"cid:{cid}" in html for cid in related)
    from PIL import Image

    bars = Image.open(io.BytesIO(related["scores-2026-10@baosong"])).convert("RGB")
    assert bars.size[0] > 300
    import numpy

    pixels = numpy.asarray(bars)
    red = int((pixels == (0xC0, 0x39, 0x2B)).all(axis=2).sum())
    assert red > 500   # the bars are drawn in #c0392b

    files = attachments(office)
    title = "滕州市人民政府办公室政务信息采用情况通报（2026年10月）"
    document, doc_text, tables = docx_text(files[f"{title}.docx"])
    assert "滕政办信〔2026〕1号" in doc_text and title in doc_text
    assert "各镇人民政府、街道办事处，市政府各部门，各有关单位：" in doc_text
    a_table = next(t for t in tables if t[0][:2] == ["排名", "单位"] and "商务局" in [r[1] for r in t])
    assert ["1", "商务局", "1", "1/10", "1", "51"] in a_table
    title_run = next(p for p in document.paragraphs if p.text == title).runs[0]
    assert title_run.font.size == Pt(22)
    if font_installed("方正小标宋简体"):
        assert east_asia(title_run) == "方正小标宋简体"
    else:   # GB/T 9704's font is not installed here: 宋体, bold
        assert east_asia(title_run) == "宋体" and title_run.font.bold
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)   # A4
    if shutil.which("soffice"):
        from pypdf import PdfReader

        pdf = PdfReader(io.BytesIO(files[f"{title}.pdf"]))
        assert "政务信息采用情况通报" in "".join(page.extract_text() for page in pdf.pages).replace(" ", "").replace("\n", "")
    if importlib.util.find_spec("baosong.ledger.excel") is not None:   # the 台账 export is merged
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(files["台账（2026年10月）.xlsx"]))
        cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
        assert "商务局十月工作动态" in cells
    principal = parse(sorted(outbox.glob("*.eml"))[1])
    assert f"{title}.docx" in attachments(principal)

    # the next month's notice takes the next number; the same month keeps its own
    result = invoke(two_months, "notify", "monthly", "--month", "2026-11", "--outbox", str(tmp_path / "nov"))
    assert result.exit_code == 0, result.output
    nov = parse(sorted((tmp_path / "nov").glob("*.eml"))[0]).get_body(("plain",)).get_content()
    assert "滕政办信〔2026〕2号" in nov


def test_a_county_says_quanxian(tmp_path: Path, smtp_sink):
    config = make_config(tmp_path, smtp_sink, notices={"place": "县", "chart": False, "pdf": False,
                                                       "doc_number": "某政办信〔{year}〕{seq}号"})
    send_piece(config, tmp_path, "一镇", 0, "2026-10-10 09:00+08:00", "一镇十月工作动态")
    result = invoke(config, "notify", "monthly", "--month", "2026-10", "--outbox", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    office = parse(sorted((tmp_path / "out").glob("*.eml"))[0])
    text = office.get_body(("plain",)).get_content()
    assert "全县政务信息报送" in text and "全市" not in text and "某政办信〔2026〕1号" in text
    doc_text = docx_text(next(iter(attachments(office).values())))[1]
    assert "全县" in doc_text and "全市" not in doc_text and "县政府各部门" in doc_text


def test_bad_notices_config_is_explained(tmp_path: Path, smtp_sink):
    config = make_config(tmp_path, smtp_sink, notices={"doc_number": "滕政办信〔{year}〕号"})
    result = invoke(config, "check-config")
    assert result.exit_code == 1 and "{seq}" in result.output and "notices.doc_number" in result.output


def test_commission_reminder_goes_once_to_units_that_have_not_answered(two_months: Path, tmp_path: Path):
    application = App.open(two_months)
    new_commission(application, topic="冬季供暖保障", unit_names=["一镇", "二镇"], deadline_text="2026-12-05 17:00",
                   send=False, now=datetime(2026, 12, 1, 9, tzinfo=TZ))
    send_piece(two_months, tmp_path, "一镇", 0, "2026-12-02 09:00+08:00", "【约稿】冬季供暖保障有序推进")
    early = invoke(two_months, "notify", "reminders", "--at", "2026-12-03T09:00:00+08:00",
                   "--outbox", str(tmp_path / "r"))
    assert early.exit_code == 0 and "约稿提醒：新发 0 封" in early.output    # 56 hours before: not yet
    due = invoke(two_months, "notify", "reminders", "--at", "2026-12-04T18:00:00+08:00", "--outbox", str(tmp_path / "r"))
    assert due.exit_code == 0 and "约稿提醒：新发 1 封" in due.output, due.output
    (reminder,) = [parse(p) for p in (tmp_path / "r").glob("*.eml")]
    assert reminder["To"] == "u1@example.org" and "冬季供暖保障" in reminder["Subject"]
    assert "2026年12月05日 17:00" in reminder.get_body(("plain",)).get_content()
    twice = invoke(two_months, "notify", "reminders", "--at", "2026-12-04T19:00:00+08:00", "--outbox", str(tmp_path / "r"))
    assert "新发 0 封，此前已发 1 封" in twice.output


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (tests/run.sh installs it as root)")
def test_the_html_notice_renders_in_headless_chromium(two_months: Path, tmp_path: Path):
    from PIL import Image, ImageStat

    outbox = tmp_path / "notice"
    assert invoke(two_months, "notify", "monthly", "--month", "2026-10", "--outbox", str(outbox)).exit_code == 0
    office = parse(sorted(outbox.glob("*.eml"))[0])
    html = office.get_body(("html",)).get_content()
    for part in office.walk():
        if part["Content-ID"]:
            cid = part["Content-ID"].strip("<>")
            (tmp_path / f"{cid}.png").write_bytes(part.get_content())
            html = html.replace(f"cid:{cid}", f"{cid}.png")
    page = tmp_path / "notice.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run([_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,1600",
                    page.as_uri()], check=True, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 1600)
    import numpy

    stat = ImageStat.Stat(image)
    assert stat.stddev[0] > 20      # a blank page has none; text, tables and charts give plenty
    assert int((numpy.asarray(image) < 128).sum()) > 5000


def test_a_quarter_notice_has_its_own_label_key_and_number(two_months: Path):
    """A regime scored by quarter (the tobacco system's) gets the same paperwork for the quarter."""
    from datetime import date

    from baosong.ledger.periods import Month, Period
    from baosong.notices import notice_history, period_scores
    from baosong.notify.monthly import Recipient, notice_mails
    from baosong.paperwork import notice_extras

    application = App.open(two_months)
    quarter = Period.quarter(2026, 4)
    scores = period_scores(application, quarter)
    last = Month(2026, 12)
    extras = notice_extras(application, last, scores, issued_on=date(2027, 1, 5),
                           history=notice_history(application, last, scores), period=quarter)
    assert extras.number == "滕政办信〔2027〕1号" and extras.period_key == "2026Q4"
    # the quarter's adoptions (none in September's quarter), by day and piece: the towns' 10-20 pieces,
    # 商务局's (sent after them), then class B's on 10-21
    assert [(a.unit, a.outlet) for a in extras.adopted] == [
        ("一镇", "省专报"), ("二镇", "枣庄专报"), ("三镇", "政情专报"), ("四镇", "政务信息交流"), ("商务局", "国办专报"),
        ("乙一局", "政情专报"), ("乙二局", "政务信息交流")]
    (mail,) = notice_mails(month=last, scores=scores, recipients=[Recipient("office", ("o@example.org",), "各位领导", None)],
                           office_name="滕州市人民政府办公室", department="信息科", class_labels={}, regime="办法",
                           issued_on=date(2027, 1, 5), extras=extras)
    assert mail.key == "notice:2026Q4:office" and mail.subject.endswith("（2026年第四季度）")
    assert "现将2026年第四季度全市政务信息报送和采用情况通报如下" in mail.text
    docx = next(a for a in mail.attachments if a.filename.endswith(".docx"))
    text = docx_text(docx.data)[1]
    assert "滕政办信〔2027〕1号" in text and "2026年第四季度" in text


def test_sending_letters_keeps_the_notices_guards(two_months: Path, tmp_path: Path, smtp_sink):
    """`notify letters` sends nothing the notice run would not: no letters for a month with no intake,
    none before the office approved the month (require_approval is the default here)."""
    assert yaml.safe_load((two_months / "settings.yaml").read_text(encoding="utf-8"))["notices"].get(
        "require_approval", True) is True
    no_intake = invoke(two_months, "notify", "letters", "--month", "2026-08")
    assert no_intake.exit_code == 1 and "没有收到任何邮件" in no_intake.output and "反馈函" in no_intake.output
    preview = invoke(two_months, "notify", "letters", "--month", "2026-08", "--outbox", str(tmp_path / "aug"))
    assert preview.exit_code == 0 and "提醒：实际运行不会发送本月反馈函" in preview.output
    unapproved = invoke(two_months, "notify", "letters", "--month", "2026-10")
    assert unapproved.exit_code == 1 and "尚未批准" in unapproved.output, unapproved.output
    assert "notify approve 2026-10" in unapproved.output
    handed_over = [BytesParser(policy=policy.default).parsebytes(r.data)["Subject"] for r in smtp_sink.wait_for(0)]
    assert handed_over and not [s for s in handed_over if "反馈函" in s]   # receipts went out, no letter
