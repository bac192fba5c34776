"""The 台账 in Excel: exported with openpyxl, opened by LibreOffice headless (the values checked in its CSV),
print settings read back; imported again as a dry run, applied, and idempotent; an office's old sheet
imported through the column mapping in settings.yaml."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from test_corrections import BINHU, SHANGWU, history, invoke, scores, submit

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
    month = scores(office_config, total=True)
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
        # the summary's total is what `score` gives for the same period (the whole ledger: its months added up)
        periods = [args] if args else [("--month", "2026-10"), ("--month", "2026-11")]
        expected = 0.0
        for period in periods:
            result = invoke(office_config, "score", *period, "--json")
            expected += next(u["score"] for u in json.loads(result.stdout) if u["unit"] == "滨湖镇人民政府")
        assert row["得分"] == expected
        if args != ("--month", "2026-11"):
            assert row["计数稿件"] == 2
    for args, message in [(("--quarter", "2026Q5"), "2026Q4"), (("--year", "26"), "2026"),
                          (("--month", "2026-10", "--year", "2026"), "只能给出一个")]:
        bad = invoke(office_config, "ledger", "export", *args, "-o", str(tmp_path / "x.xlsx"))
        assert bad.exit_code == 1 and message in bad.output
    assert invoke(office_config, "ledger", "export", "-o", str(tmp_path / "x.csv")).exit_code == 1


def fill(xlsx: Path, edits: dict[int, dict[str, str]]) -> None:
    """What staff do: open the exported 台账 and type into cells (by piece id and header)."""
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["台账"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        for key, value in edits.get(int(row[0].value), {}).items():
            row[header.index(key)].value = value
    wb.save(xlsx)


def test_import_reads_back_what_staff_filled_in_dry_run_then_apply_then_nothing(
        office_config: Path, tmp_path: Path, october):
    xlsx = tmp_path / "台账.xlsx"
    assert invoke(office_config, "ledger", "export", "--month", "2026-10", "-o", str(xlsx)).exit_code == 0
    before = scores(office_config)
    fill(xlsx, {
        october["plain"]: {"采用": "上报 2026-10-25", "分类": "问题建议", "更正说明": "核对后改分类"},
        october["adopted"]: {"批示": "滕州市政府领导 2026-10-20；枣庄市政府领导 2026年10月28日"},
        october["revised"]: {"状态": "作废", "更正说明": "重复报送"},
        october["test"]: {"采用": "人民日报 2026-10-22"},
    })
    dry = invoke(office_config, "ledger", "import", str(xlsx))
    assert dry.exit_code == 0, dry.output
    expected = [
        f"第 2 行 稿件 {october['plain']}：分类 工作动态 → 问题建议",
        f"第 2 行 稿件 {october['plain']}：登记采用 上报 2026-10-25",
        f"第 3 行 稿件 {october['adopted']}：登记批示 枣庄市政府领导 2026-10-28",
        f"第 6 行 稿件 {october['revised']}：状态 计数 → 作废",
    ]
    for line in expected:
        assert line in dry.output, dry.output
    assert "将写入（预览" in dry.output and "4 项改动" in dry.output
    assert f"第 4 行 稿件 {october['test']}：未导入——稿件 {october['test']} 已作废" in dry.output
    assert scores(office_config) == before  # the dry run changed nothing
    assert history(office_config, october["plain"])["changes"] == []

    applied = invoke(office_config, "ledger", "import", str(xlsx), "--apply", "--by", "张科员")
    assert applied.exit_code == 0, applied.output
    for line in expected:
        assert line in applied.output
    after = scores(office_config)
    assert after["滕州市商务局"] == (1, 1, 7)             # 上报 7
    assert after["滨湖镇人民政府"] == (1, 1, 15 + 20 + 30)  # the revision voided; instructions accumulate
    trail = history(office_config, october["plain"])["changes"]
    assert [(c["action"], c["by"], c["via"], c["reason"]) for c in trail] == [
        ("edit", "张科员", "import 台账.xlsx", "核对后改分类"), ("adopt", "张科员", "import 台账.xlsx", None)]

    again = invoke(office_config, "ledger", "import", str(xlsx), "--apply")
    assert again.exit_code == 0 and "已写入 0 项改动" in again.output and "没有需要改动的内容" in again.output
    assert scores(office_config) == after


def legacy_sheet(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "信息报送台账"
    ws.append(["序号", "报送日期", "报送单位", "信息标题", "作者", "信息类别", "字数", "采用情况", "领导批示"])
    ws.append([1, datetime(2025, 3, 4), "滨湖镇人民政府", "滨湖镇春耕备耕有序展开", "张三", "工作动态", 860,
               "枣庄普刊、每日要情", None])
    ws.append([2, "2025.3.10", "商务局", "商务局开展春季促消费活动", "王芳", "经验亮点", 1200, None,
               "滕州市政府领导 2025-03-20"])
    ws.append([3, "2025-03-12", "火星局", "不存在的单位", None, None, None, None, None])
    ws.append([4, "三月中旬", "滨湖镇", "日期写法认不出", None, None, None, None, None])
    ws.append([5, "2025年3月15日", "滨湖镇", "滨湖镇防汛准备", None, "防汛专报", 500, "枣庄普刊 2025-04-02", None])
    wb.save(path)


def with_legacy_mapping(config: Path) -> None:
    import yaml

    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    shipped = yaml.safe_load((Path(__file__).resolve().parents[1] / "config" / "settings.yaml").read_text("utf-8"))
    settings["legacy_ledger"] = shipped["legacy_ledger"]  # the shipped example's mapping, as an admin copies it
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


def test_an_offices_old_ledger_imports_through_the_column_mapping(office_config: Path, tmp_path: Path):
    old = tmp_path / "2025年台账.xlsx"
    legacy_sheet(old)
    refused = invoke(office_config, "ledger", "import", str(old))
    assert refused.exit_code == 1 and "legacy_ledger" in refused.output and "Traceback" not in refused.output

    with_legacy_mapping(office_config)
    assert invoke(office_config, "check-config").exit_code == 0
    dry = invoke(office_config, "ledger", "import", str(old))
    assert dry.exit_code == 0, dry.output
    assert "原有台账" in dry.output and "7 项改动" in dry.output
    for line in ["第 2 行：新增稿件《滨湖镇春耕备耕有序展开》｜滨湖镇人民政府｜2025-03-04｜工作动态",
                 "第 2 行：登记采用 枣庄普刊 2025-03-04", "第 2 行：登记采用 每日要情 2025-03-04",
                 "第 3 行：新增稿件《商务局开展春季促消费活动》｜滕州市商务局｜2025-03-10｜经验亮点",
                 "第 3 行：登记批示 滕州市政府领导 2025-03-20",
                 "第 6 行：新增稿件《滨湖镇防汛准备》｜滨湖镇人民政府｜2025-03-15｜未分类",
                 "第 6 行：登记采用 枣庄普刊 2025-04-02",
                 "第 4 行：单位“火星局”未在 units.yaml 中登记", "第 5 行：收到日期“三月中旬”无法识别",
                 "第 6 行：分类“防汛专报”不在 scoring.yaml 的 categories 中"]:
        assert line in dry.output, line
    assert json.loads(invoke(office_config, "ledger", "list", "--json").stdout) == []

    applied = invoke(office_config, "ledger", "import", str(old), "--apply")
    assert applied.exit_code == 0, applied.output
    listing = json.loads(invoke(office_config, "ledger", "list", "--json").stdout)
    assert [(p["unit"], p["title"], p["word_count"], p["author"], p["received_at"][:10]) for p in listing] == [
        ("滨湖镇人民政府", "滨湖镇春耕备耕有序展开", 860, "张三", "2025-03-04"),
        ("滕州市商务局", "商务局开展春季促消费活动", 1200, "王芳", "2025-03-10"),
        ("滨湖镇人民政府", "滨湖镇防汛准备", 500, None, "2025-03-15"),
    ]
    march = scores(office_config, "2025-03")
    assert march["滨湖镇人民政府"] == (2, 1, 15 + 5) and march["滕州市商务局"] == (1, 0, 20)
    assert scores(office_config, "2025-04")["滨湖镇人民政府"] == (0, 1, 15)
    assert history(office_config, listing[0]["id"])["changes"][0]["new"] == "2025年台账.xlsx 第 2 行"

    again = invoke(office_config, "ledger", "import", str(old), "--apply")
    assert again.exit_code == 0 and "3 行此前已导入" in again.output and "已写入 0 项改动" in again.output
    assert len(json.loads(invoke(office_config, "ledger", "list", "--json").stdout)) == 3


@pytest.mark.parametrize(("columns", "message"), [
    ({"received_at": "日期", "unit": "单位"}, "legacy_ledger.columns.title"),
    ({"received_at": "日期", "unit": "单位", "title": "单位"}, "被对应到了两项"),
    ({"received_at": "日期", "unit": "单位", "title": "标题", "titel": "x"}, "legacy_ledger.columns.titel"),
])
def test_the_column_mapping_is_validated(office_config: Path, columns, message):
    import yaml

    settings = yaml.safe_load((office_config / "settings.yaml").read_text(encoding="utf-8"))
    settings["legacy_ledger"] = {"columns": columns}
    (office_config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    check = invoke(office_config, "check-config")
    assert check.exit_code == 1 and message in check.output and "settings.yaml" in check.output


def test_import_of_something_that_is_not_a_workbook(office_config: Path, tmp_path: Path):
    bogus = tmp_path / "台账.xlsx"
    bogus.write_bytes(b"not a zip")
    result = invoke(office_config, "ledger", "import", str(bogus))
    assert result.exit_code == 1 and "不是有效的 .xlsx 文件" in result.output and "Traceback" not in result.output
    for name in ("hostname", "台账.txt"):   # not even named .xlsx: openpyxl's English sentence stays out
        other = tmp_path / name
        other.write_text("baosong-host\n", encoding="utf-8")
        result = invoke(office_config, "ledger", "import", str(other))
        assert result.exit_code == 1 and "不是有效的 .xlsx 文件" in result.output
        assert "openpyxl" not in result.output and "does not support" not in result.output
    missing = invoke(office_config, "ledger", "import", str(tmp_path / "无.xlsx"))
    assert missing.exit_code == 1 and "找不到文件" in missing.output


def test_the_summary_shows_whatever_components_scoring_gives(tmp_path: Path):
    """A component scoring adds later (a quota bonus, commission points) becomes a summary column unchanged."""
    from dataclasses import dataclass

    from baosong.config.loader import load_config
    from baosong.ledger.excel.span import months_span
    from baosong.ledger.excel.summary import summary_rows
    from baosong.ledger.excel.workbook import write_workbook
    from baosong.ledger.periods import Month

    @dataclass
    class RegimeScore:  # the shape a later scoring may give: components as (label, value) pairs
        unit: str
        short: str | None
        class_: str
        components: list

    scoring = load_config(Path(__file__).resolve().parents[1] / "config").scoring
    months: list = []

    def month_scores(period):
        months.append(period.name)
        return [RegimeScore("甲镇", "甲", "A", [("超额加分", 2), ("约稿得分", 3), ("得分", 5)]),
                RegimeScore("乙局", None, "A", [("超额加分", 0), ("约稿得分", 10), ("得分", 10)])]

    rows = summary_rows(months_span(Month(2026, 10), Month(2026, 12)), month_scores, [], scoring, {"A": "A类"})
    assert months == ["2026-10", "2026-11", "2026-12"]
    assert [(r.unit, r.components, r.rank) for r in rows] == [
        ("乙局", [("超额加分", 0), ("约稿得分", 30), ("得分", 30)], 1),
        ("甲镇", [("超额加分", 6), ("约稿得分", 9), ("得分", 15)], 2),
    ]
    xlsx = tmp_path / "s.xlsx"
    write_workbook(xlsx, "2026年第四季度", [], rows)
    header = [c.value for c in openpyxl.load_workbook(xlsx)["汇总"][1]]
    assert header[-4:] == ["超额加分", "约稿得分", "得分", "排名"]


def test_an_old_sheets_word_counts_as_offices_write_them_and_a_refused_row_said_as_it_is_done(
        office_config: Path, tmp_path: Path):
    old = tmp_path / "旧台账.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "信息报送台账"
    ws.append(["序号", "报送日期", "报送单位", "信息标题", "作者", "信息类别", "字数", "采用情况", "领导批示"])
    ws.append([1, "2025-03-04", "滨湖镇", "千分位字数", None, "工作动态", "1,200", None, None])
    ws.append([2, "2025-03-05", "滨湖镇", "带字的字数", None, "工作动态", "1200字", None, None])
    ws.append([3, "2025-03-06", "滨湖镇", "全角字数", None, "工作动态", "１２００", None, None])
    ws.append([4, "2025-03-07", "滨湖镇", "认不出的字数", None, "工作动态", "约一千", None, None])
    # an unknown category AND an unknown outlet: the outlet refuses the row, said once; nothing says 按未分类导入
    ws.append([5, "2025-03-08", "滨湖镇", "两处不认识", None, "防汛专报", 300, "火星日报", None])
    # an unknown category alone: imported as 未分类, said so
    ws.append([6, "2025-03-09", "滨湖镇", "分类不认识", None, "防汛专报", 300, None, None])
    wb.save(old)
    with_legacy_mapping(office_config)

    dry = invoke(office_config, "ledger", "import", str(old))
    applied = invoke(office_config, "ledger", "import", str(old), "--apply")
    assert dry.exit_code == 0 and applied.exit_code == 0, applied.output
    for result in (dry, applied):  # the preview says exactly what the apply does
        out = result.output
        assert "第 5 行：新增稿件" in out, out
        assert "第 5 行：字数“约一千”无法识别，按 0 导入" in out, out
        assert "第 6 行：未导入——" in out and "第 6 行：分类" not in out, out
        assert "第 6 行：新增稿件" not in out, out
        assert "第 7 行：新增稿件《分类不认识》｜滨湖镇人民政府｜2025-03-09｜未分类" in out, out
        assert "第 7 行：分类“防汛专报”不在 scoring.yaml 的 categories 中，按未分类导入" in out, out
    assert [line for line in dry.output.splitlines() if "第 " in line] == [
        line for line in applied.output.splitlines() if "第 " in line]
    listing = json.loads(invoke(office_config, "ledger", "list", "--json").stdout)
    assert sorted((p["title"], p["word_count"]) for p in listing) == sorted([
        ("千分位字数", 1200), ("带字的字数", 1200), ("全角字数", 1200), ("认不出的字数", 0), ("分类不认识", 300)])
    again = invoke(office_config, "ledger", "import", str(old), "--apply")
    assert "5 行此前已导入" in again.output and "第 6 行：未导入——" in again.output, again.output


def test_a_credit_without_a_date_in_a_months_sheet_is_dated_by_its_piece_not_by_today(
        office_config: Path, tmp_path: Path, october):
    xlsx = tmp_path / "十月.xlsx"
    assert invoke(office_config, "ledger", "export", "--month", "2026-10", "-o", str(xlsx)).exit_code == 0
    before = scores(office_config)
    fill(xlsx, {october["plain"]: {"批示": "滕州市政府领导"}})  # received 2026-10-09, no date typed
    dry = invoke(office_config, "ledger", "import", str(xlsx))
    applied = invoke(office_config, "ledger", "import", str(xlsx), "--apply")
    line = f"第 2 行 稿件 {october['plain']}：登记批示 滕州市政府领导 2026-10-09"
    assert line in dry.output and line in applied.output, applied.output
    unit, (submitted, adopted, points) = "滕州市商务局", before["滕州市商务局"]
    assert scores(office_config)[unit] == (submitted, adopted, points + 20)  # counts in October, the sheet's month
    assert history(office_config, october["plain"])["changes"][-1]["action"] == "instruct"
