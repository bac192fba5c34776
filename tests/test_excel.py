"""The 台账 in Excel: exported with openpyxl, opened by LibreOffice headless (the values checked in its CSV),
print settings read back; imported again as a dry run, applied, and idempotent; an office's old sheet
imported through the column mapping in settings.yaml."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from test_corrections import BINHU, SHANGWU, invoke, scores, submit

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


def soffice_csv(xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    """Each sheet of ``xlsx`` as LibreOffice reads it, converted headless to CSV (UTF-8), by sheet name."""
    if not Path(SOFFICE).exists():
        pytest.fail("LibreOffice (soffice) is not installed: tests/run.sh installs it", pytrace=False)
    profile = out / "lo-profile"
    out.mkdir(parents=True, exist_ok=True)
    # 44 comma, 34 quote, 76 UTF-8, 1 first line, cells saved as shown; the 12th token -1: every sheet to its own file
    target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    run = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                          "--outdir", str(out), str(xlsx)], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    sheets = {}
    for path in out.glob(f"{xlsx.stem}-*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            sheets[path.stem.removeprefix(f"{xlsx.stem}-")] = list(csv.reader(f))
    assert sheets, f"LibreOffice wrote nothing: {run.stdout} {run.stderr}"
    return sheets


@pytest.fixture
def october(office_config: Path, tmp_path: Path) -> dict[str, int]:
    """A month with a counted, an adopted, a corrected, a void and a superseded piece."""
    ids = {
        "plain": submit(office_config, tmp_path, SHANGWU, "商务局推动外贸稳增长", when="2026-10-09T09:30:00+08:00"),
        "adopted": submit(office_config, tmp_path, BINHU, "滨湖镇秋收工作有序推进", when="2026-10-12T10:00:00+08:00"),
        "test": submit(office_config, tmp_path, SHANGWU, "测试邮件", when="2026-10-13T08:00:00+08:00"),
        "first": submit(office_config, tmp_path, BINHU, "滨湖镇人居环境整治", when="2026-10-20T15:00:00+08:00"),
        "revised": submit(office_config, tmp_path, BINHU, "滨湖镇人居环境整治（修改稿）", when="2026-10-21T15:00:00+08:00"),
        "november": submit(office_config, tmp_path, SHANGWU, "商务局十一月稿件", when="2026-11-02T09:00:00+08:00"),
    }
    for args in [("adopt", str(ids["adopted"]), "枣庄普刊", "--instruction", "滕州市政府领导", "--date", "2026-10-20"),
                 ("ledger", "edit", str(ids["adopted"]), "--category", "经验亮点", "--by", "王科长", "--reason", "分类标错"),
                 ("ledger", "void", str(ids["test"]), "--reason", "测试邮件"),
                 ("ledger", "supersede", str(ids["first"]), str(ids["revised"]))]:
        result = invoke(office_config, *args)
        assert result.exit_code == 0, result.output
    return ids


def test_export_opens_in_libreoffice_with_the_values(office_config: Path, tmp_path: Path, october):
    xlsx = tmp_path / "台账-2026-10.xlsx"
    result = invoke(office_config, "ledger", "export", "--month", "2026-10", "-o", str(xlsx))
    assert result.exit_code == 0, result.output
    assert "5 篇稿件" in result.output

    sheets = soffice_csv(xlsx, tmp_path / "csv")
    assert set(sheets) == {"台账", "汇总"}
    ledger = sheets["台账"]
    assert ledger[0] == ["编号", "收到时间", "单位", "作者", "标题", "分类", "字数", "状态", "约稿", "时效", "采用",
                         "批示", "更正记录", "更正说明"]
    rows = {int(r[0]): dict(zip(ledger[0], r, strict=True)) for r in ledger[1:]}
    assert sorted(rows) == sorted(v for k, v in october.items() if k != "november")
    adopted = rows[october["adopted"]]
    assert adopted["收到时间"] == "2026-10-12 10:00"  # office time, as shown in the cell
    assert (adopted["单位"], adopted["标题"], adopted["分类"], adopted["状态"]) == (
        "滨湖镇人民政府", "滨湖镇秋收工作有序推进", "经验亮点", "计数")
    assert adopted["采用"] == "枣庄普刊 2026-10-20" and adopted["批示"] == "滕州市政府领导 2026-10-20"
    assert "王科长 修改分类：工作动态→经验亮点（分类标错）" in adopted["更正记录"]
    assert int(adopted["字数"]) > 0
    assert rows[october["test"]]["状态"] == "作废" and "测试邮件" in rows[october["test"]]["更正记录"]
    assert rows[october["first"]]["状态"] == f"已被替换（计在稿件 {october['revised']}）"
    assert rows[october["plain"]]["约稿"] == "" and rows[october["plain"]]["时效"] == ""

    summary = sheets["汇总"]
    header = summary[0]
    assert header[:5] == ["类别", "单位", "简称", "任务数", "计数稿件"] and header[-1] == "排名"
    for label in ("报送数", "采用数", "得分", "工作动态（完成/任务）"):
        assert label in header
    by_unit = {r[1]: dict(zip(header, r, strict=True)) for r in summary[1:]}
    binhu, shangwu = by_unit["滨湖镇人民政府"], by_unit["滕州市商务局"]
    month = scores(office_config)
    # the summary's components are the scores `score --month` gives
    assert (int(binhu["报送数"]), int(binhu["采用数"]), float(binhu["得分"])) == month["滨湖镇人民政府"]
    assert (binhu["任务数"], binhu["计数稿件"], binhu["排名"], binhu["类别"]) == ("10", "2", "1", "A类")
    assert binhu["经验亮点（完成/任务）"] == "1/2" and binhu["工作动态（完成/任务）"] == "1/4"
    assert (shangwu["计数稿件"], shangwu["得分"], shangwu["排名"]) == ("1", "0", "2")
    assert by_unit["滕州市气象局"]["工作动态（完成/任务）"] == "0/2"

    # what LibreOffice cannot show in a CSV: the print set-up, read back with openpyxl
    wb = openpyxl.load_workbook(xlsx)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
        assert int(ws.page_setup.fitToHeight) == 0
        assert ws.print_title_rows == "$1:$1"
    assert wb["台账"].auto_filter.ref == "A1:N6"


def test_export_quarter_year_and_everything(office_config: Path, tmp_path: Path, october):
    for args, pieces, months in [(("--quarter", "2026Q4"), 6, 3), (("--year", "2026"), 6, 12), ((), 6, 2),
                                 (("--month", "2026-11"), 1, 1)]:
        xlsx = tmp_path / f"q{len(args)}{pieces}{months}.xlsx"
        result = invoke(office_config, "ledger", "export", *args, "-o", str(xlsx))
        assert result.exit_code == 0, result.output
        wb = openpyxl.load_workbook(xlsx)
        assert wb["台账"].max_row == pieces + 1
        header = [c.value for c in wb["汇总"][1]]
        row = {h: c.value for h, c in zip(header, next(r for r in wb["汇总"].iter_rows(min_row=2)
                                                       if r[1].value == "滨湖镇人民政府"), strict=True)}
        assert row["任务数"] == 10 * months  # the monthly quota over the span
        if args != ("--month", "2026-11"):
            assert row["得分"] == 35 and row["计数稿件"] == 2
    for args, message in [(("--quarter", "2026Q5"), "YYYYQn"), (("--year", "26"), "YYYY"),
                          (("--month", "2026-10", "--year", "2026"), "只能给出一个")]:
        bad = invoke(office_config, "ledger", "export", *args, "-o", str(tmp_path / "x.xlsx"))
        assert bad.exit_code == 1 and message in bad.output
    assert invoke(office_config, "ledger", "export", "-o", str(tmp_path / "x.csv")).exit_code == 1
