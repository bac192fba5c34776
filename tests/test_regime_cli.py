"""`score` over any period, `adopt --type/--joint`, and history the config no longer names, on a real ledger."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import write_office_config
from regime_helpers import EXAMPLES
from typer.testing import CliRunner

from baosong.cli import app
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail

TZ = ZoneInfo("Asia/Shanghai")
runner = CliRunner()
AFTER_2026 = "2027-01-04 09:00"  # a scoring instant after every period of 2026 has ended


def invoke(config: Path, *args: str):
    return runner.invoke(app, ["--config", str(config), *args], catch_exceptions=False)


def ingest(config: Path, tmp_path: Path, sender: str, subject: str, title: str, when: str, name: str) -> int:
    """Record one submission and return its piece id."""
    doc = docx_bytes(title, [f"{title}。内容一。", "内容二，数据详实。"], "（某单位 张三）")
    path = tmp_path / f"{name}.eml"
    path.write_bytes(mail(sender=sender, to="office@example.com", subject=subject, body="请审阅",
                          when=datetime.fromisoformat(when), attachments=[(f"{name}.docx", doc, DOCX_TYPE)]))
    result = invoke(config, "ingest", str(path), "--received-at", when)
    assert result.exit_code == 0, result.output
    rows = json.loads(invoke(config, "ledger", "list", "--json").stdout)
    return next(r["id"] for r in rows if r["source"] == f"{name}.docx")


def by_unit(config: Path, *period: str, at: str | None = None) -> dict:
    result = invoke(config, "score", *period, "--json", *(("--at", at) if at else ()))
    assert result.exit_code == 0, result.output
    return {row["unit"]: row for row in json.loads(result.stdout)}


def test_score_a_month_quarter_half_and_year(office_config: Path, tmp_path: Path):
    """滕州市气象局 (class C, 3 a month): October 3 pieces + 枣庄普刊; November 1 piece + 上报.
    Scored after the year (``--at``): every month has ended and is judged."""
    sender = "qixiang-xx@example.net"
    ids = [ingest(office_config, tmp_path, sender, "【工作动态】气象", f"气象服务第{i}期", f"2026-10-1{i} 09:00+08:00",
                  f"oct{i}") for i in range(3)]
    nov = ingest(office_config, tmp_path, sender, "【工作动态】气象", "十一月气象服务", "2026-11-03 09:00+08:00", "nov")
    assert invoke(office_config, "adopt", str(ids[0]), "枣庄普刊", "--date", "2026-10-20").exit_code == 0
    assert invoke(office_config, "adopt", str(nov), "上报", "--date", "2026-11-20").exit_code == 0

    october = by_unit(office_config, "--month", "2026-10", at=AFTER_2026)["滕州市气象局"]
    assert october["score"] == 15 + 5 == 20 and october["counted"] == 3
    assert {q["category"]: q["met"] for q in october["quotas"]} == {None: True, "工作动态": True}
    november = by_unit(office_config, "--month", "2026-11", at=AFTER_2026)["滕州市气象局"]
    assert november["score"] == 7 - 2 == 5
    # December: nothing sent, 3 short, stops at 0. The quarter sums the months.
    quarter = by_unit(office_config, "--quarter", "2026Q4", at=AFTER_2026)["滕州市气象局"]
    assert quarter["score"] == 20 + 5 + 0 == 25
    assert (quarter["submitted"], quarter["adopted"]) == (4, 2)
    assert by_unit(office_config, "--half", "2026H2", at=AFTER_2026)["滕州市气象局"]["score"] == 25
    assert by_unit(office_config, "--year", "2026", at=AFTER_2026)["滕州市气象局"]["score"] == 25
    # the table names the period and shows the components
    table = invoke(office_config, "score", "--quarter", "2026Q4", "--at", AFTER_2026)
    assert table.exit_code == 0 and "2026年第四季度" in table.output and "滕州市气象局" in table.output


def test_period_options_are_checked(office_config: Path):
    for args, words in ((["--quarter", "2026Q5"], "2026Q4"), (["--half", "2026H3"], "2026H2"),
                        (["--year", "26"], "2026"), (["--month", "2026-10", "--year", "2026"], "只能选一个"),
                        ([], "计分周期")):
        result = invoke(office_config, "score", *args)
        assert result.exit_code == 1 and words in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_history_the_config_no_longer_names_scores_zero_and_nothing_crashes(office_config: Path, tmp_path: Path):
    """An outlet and an instruction level removed from scoring.yaml after adoptions were recorded."""
    piece = ingest(office_config, tmp_path, "shangwu-xx@example.org", "【工作动态】促消费", "商务局促消费",
                   "2026-10-12 09:30+08:00", "a")
    assert invoke(office_config, "adopt", str(piece), "每日要情", "--instruction", "滕州市政府领导",
                  "--date", "2026-10-20").exit_code == 0
    assert invoke(office_config, "adopt", str(piece), "枣庄普刊", "--date", "2026-10-20").exit_code == 0
    scoring = office_config / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    scoring.write_text(text.replace("  每日要情: 5\n", "").replace("  滕州市政府领导: 20\n", ""), encoding="utf-8")

    row = by_unit(office_config, "--month", "2026-10")["滕州市商务局"]
    # 枣庄普刊 15 still counts; 每日要情 and the instruction score 0; 1 of 10 sent: −9
    assert row["score"] == 15 + 0 + 0 - 9 == 6
    assert len(row["warnings"]) == 2 and "每日要情" in row["warnings"][0]
    unconfigured = next(c for c in row["components"] if c["key"] == "unconfigured")
    assert unconfigured["points"] == 0
    table = invoke(office_config, "score", "--month", "2026-10")
    assert table.exit_code == 0 and "每日要情" in table.output
    notice = invoke(office_config, "notify", "monthly", "--month", "2026-10", "--outbox", str(tmp_path / "out"))
    assert notice.exit_code == 0, notice.output
    assert len(list((tmp_path / "out").glob("*.eml"))) == 7


def test_adopt_by_piece_type_under_changzhou_jiguan(tmp_path: Path, office_database: str | None, smtp_sink):
    config = write_office_config(tmp_path / "config", database=office_database, smtp=smtp_sink, source=EXAMPLES / "changzhou-jiguan")
    sender = "jieneng-jg@example.org"  # 节能处 (处室)
    dyn = ingest(config, tmp_path, sender, "【动态类】节能周活动", "节能宣传周启动", "2026-03-10 09:00+08:00", "d")
    other = ingest(config, tmp_path, sender, "节能调研", "公共机构节能调研报告", "2026-03-11 09:00+08:00", "c")
    ok = invoke(config, "adopt", str(dyn), "国家级媒体", "--date", "2026-03-20")
    assert ok.exit_code == 0 and "10 分" in ok.output
    # no category tag: the outlet's points depend on the type, which is unknown until given
    untyped = invoke(config, "adopt", str(other), "国家级媒体", "--date", "2026-03-20")
    assert untyped.exit_code == 0 and "--type" in untyped.output
    row = by_unit(config, "--month", "2026-03")["常州市机关事务管理局公共机构节能处"]
    assert row["score"] == 10 and row["warnings"]
    bad = invoke(config, "adopt", str(other), "省局期刊网站", "--type", "杂谈类")
    assert bad.exit_code == 1 and "没有稿件类型“杂谈类”" in bad.output
    assert invoke(config, "adopt", str(other), "省局期刊网站", "--type", "综合类", "--date", "2026-03-21").exit_code == 0
    row = by_unit(config, "--month", "2026-03")["常州市机关事务管理局公共机构节能处"]
    # 国家级媒体 动态类 10 + 国家级媒体 综合类 20 + 省局期刊网站 综合类 5
    assert row["score"] == 10 + 20 + 5 == 35 and row["warnings"] == []
    # 3 动态类 a month required; 1 sent
    monthly = next(q for q in row["quotas"] if q["name"] == "每月动态类任务")
    assert (monthly["required"], monthly["done"], monthly["met"]) == (3, 1, False)
    # the yearly 综合类 quota shows progress since January: a February piece plus the one typed 综合类
    ingest(config, tmp_path, sender, "【综合类】节能经验", "节能经验总结", "2026-02-10 09:00+08:00", "f")
    row = by_unit(config, "--month", "2026-03")["常州市机关事务管理局公共机构节能处"]
    yearly = next(q for q in row["quotas"] if q["name"] == "年度综合类任务")
    assert (yearly["required"], yearly["done"], yearly["judged"]) == (5, 2, False)
    assert row["submitted"] == 2


def test_adopt_a_joint_item_under_changzhou_culture(tmp_path: Path, office_database: str | None, smtp_sink):
    config = write_office_config(tmp_path / "config", database=office_database, smtp=smtp_sink, source=EXAMPLES / "changzhou-culture")
    piece = ingest(config, tmp_path, "jia-tsg@example.com", "【工作成果类】阅读推广", "全民阅读推广成效明显",
                   "2026-06-08 10:00+08:00", "j")
    ok = invoke(config, "adopt", str(piece), "推荐转报市委办市政府办", "--joint", "乙区文化馆", "--date", "2026-06-10")
    assert ok.exit_code == 0 and "乙区文化馆" in ok.output
    assert invoke(config, "adopt", str(piece), "市委办市政府办录用", "--date", "2026-06-15").exit_code == 0
    unknown = invoke(config, "adopt", str(piece), "文化常州简报", "--joint", "不存在的单位")
    assert unknown.exit_code == 1 and "没有单位“不存在的单位”" in unknown.output
    rows = by_unit(config, "--month", "2026-06")
    # escalation: 4 + 20 = 24, shared by two units: 12 each
    assert rows["常州市甲区图书馆"]["score"] == (4 + 20) / 2 == 12
    assert rows["常州市乙区文化馆"]["score"] == 12 and rows["常州市乙区文化馆"]["adopted"] == 1
    assert rows["常州市丙区博物馆"]["score"] == 0


def test_endorsements_and_adjustments_entered_by_the_office(office_config: Path, tmp_path: Path):
    """Tengzhou notes 2, 5, 6: endorsements +10/+5 in their month; training/rotation ±10 in the year only."""
    sender = "qixiang-xx@example.net"
    for i in range(3):  # October's task done: +5
        ingest(office_config, tmp_path, sender, "【工作动态】气象", f"气象第{i}期", f"2026-10-1{i} 09:00+08:00", f"q{i}")
    ok = invoke(office_config, "endorse", "气象局", "--by", "主要负责同志", "--date", "2026-10-20", "--note", "第10期")
    assert ok.exit_code == 0 and "+10 分" in ok.output, ok.output
    assert invoke(office_config, "endorse", "滕州市气象局", "--by", "deputy", "--date", "2026-10-25").exit_code == 0
    bad = invoke(office_config, "endorse", "气象局", "--by", "局长")
    assert bad.exit_code == 1 and "主要负责同志" in bad.output
    assert invoke(office_config, "adjust", "气象局", "年度信息培训", "--done", "--date", "2026-12-20").exit_code == 0
    assert invoke(office_config, "adjust", "气象局", "年度跟岗轮训", "--not-done", "--date", "2026-12-20").exit_code == 0
    twice = invoke(office_config, "adjust", "气象局", "年度信息培训", "--not-done", "--date", "2026-12-28")
    assert twice.exit_code == 1 and "已登记过" in twice.output
    missing = invoke(office_config, "adjust", "气象局", "年度信息培训", "--date", "2027-01-05")
    assert missing.exit_code == 1 and "--done" in missing.output
    unknown = invoke(office_config, "adjust", "不存在的局", "年度信息培训", "--done")
    assert unknown.exit_code == 1 and "没有单位" in unknown.output

    october = by_unit(office_config, "--month", "2026-10")["滕州市气象局"]
    assert october["score"] == 5 + 10 + 5 == 20
    december = by_unit(office_config, "--month", "2026-12")["滕州市气象局"]
    assert december["score"] == 0  # yearly adjustments wait for the year
    year = by_unit(office_config, "--year", "2026")["滕州市气象局"]
    assert year["score"] == 20 + 10 - 10 == 20
    keys = {c["key"]: c["points"] for c in year["components"]}
    assert keys["adjust:年度信息培训"] == 10 and keys["adjust:年度跟岗轮训"] == -10


def test_a_regime_without_endorsements_refuses_them(tmp_path: Path, office_database: str | None, smtp_sink):
    config = write_office_config(tmp_path / "config", database=office_database, smtp=smtp_sink, source=EXAMPLES / "changchun-hitech")
    result = invoke(config, "endorse", "党政办", "--by", "principal")
    assert result.exit_code == 1 and "endorsements" in result.output
    feedback = invoke(config, "adjust", "党政办", "批示反馈", "--not-done", "--date", "2026-03-02")
    assert feedback.exit_code == 0 and "-10 分" in feedback.output
    row = by_unit(config, "--quarter", "2026Q1")["高新区管委会党政办公室"]
    # base 80; 13 weeks with nothing sent: −2 × 13; no 调研类 piece: −5; feedback not given: −10
    raw = 80 - 2 * 13 - 5 - 10
    # the other units sent nothing either but owe no feedback: 80 − 26 − 5 = 49, the best, normalised to 100
    best = 80 - 2 * 13 - 5
    assert row["score"] == round(raw * 100 / best, 2) == 79.59
    assert by_unit(config, "--quarter", "2026Q1")["高新区管委会招商局"]["score"] == 100


def _quarter_of_qixiang(config: Path, tmp_path: Path) -> None:
    """滕州市气象局 (class C, 3 a month): October 3 pieces + 枣庄普刊; November 1 piece + 上报; December nothing."""
    sender = "qixiang-xx@example.net"
    ids = [ingest(config, tmp_path, sender, "【工作动态】气象", f"气象服务第{i}期", f"2026-10-1{i} 09:00+08:00",
                  f"oct{i}") for i in range(3)]
    nov = ingest(config, tmp_path, sender, "【工作动态】气象", "十一月气象服务", "2026-11-03 09:00+08:00", "nov")
    assert invoke(config, "adopt", str(ids[0]), "枣庄普刊", "--date", "2026-10-20").exit_code == 0
    assert invoke(config, "adopt", str(nov), "上报", "--date", "2026-11-20").exit_code == 0


def test_a_quarter_scored_mid_quarter_judges_only_the_months_that_ended(office_config: Path, tmp_path: Path):
    """Audit A8: on 30 November, November (running) and December (not begun) are progress, not shortfalls."""
    _quarter_of_qixiang(office_config, tmp_path)
    mid = by_unit(office_config, "--quarter", "2026Q4", at="2026-11-30 10:00")["滕州市气象局"]
    # October judged (15 枣庄普刊 + 5 met); November's 上报 7 counts; nothing deducted for November or December
    assert mid["score"] == 15 + 5 + 7 == 27
    assert "quota_missing" not in {c["key"] for c in mid["components"]}
    total = next(q for q in mid["quotas"] if q["category"] is None)
    assert (total["judged"], total["periods"], total["periods_met"], total["met"]) == (True, 1, 1, True)
    assert (total["required"], total["done"]) == (3 + 3 + 3, 4)  # progress: the quarter's task, pieces so far

    # after the quarter: all three months judged, November and December 少报
    after = by_unit(office_config, "--quarter", "2026Q4", at=AFTER_2026)["滕州市气象局"]
    assert after["score"] == 20 + 5 + 0 == 25
    missing = next(c for c in after["components"] if c["key"] == "quota_missing")
    assert [d[:8] for d in missing["detail"]] == ["2026年11月", "2026年12月"]
    assert all("少报" in d for d in missing["detail"])
    total = next(q for q in after["quotas"] if q["category"] is None)
    assert (total["judged"], total["periods"], total["periods_met"], total["met"]) == (True, 3, 1, False)
    assert (total["required"], total["done"]) == (9, 4)

    # the month ends at midnight in the office's time zone: 17:00 UTC on 30 November is 1 December in 滕州
    early = by_unit(office_config, "--quarter", "2026Q4", at="2026-11-30T17:00:00+00:00")["滕州市气象局"]
    total = next(q for q in early["quotas"] if q["category"] is None)
    assert (total["periods"], total["periods_met"]) == (2, 1)
    details = next(c for c in early["components"] if c["key"] == "quota_missing")["detail"]
    assert len(details) == 1 and details[0].startswith("2026年11月") and "少报 2 篇" in details[0]

    # a month not yet ended: progress only, judged false, not met, nothing deducted
    december = by_unit(office_config, "--month", "2026-12", at="2026-11-30 10:00")["滕州市气象局"]
    assert december["score"] == 0 and "quota_missing" not in {c["key"] for c in december["components"]}
    assert all((q["judged"], q["met"], q["periods"], q["periods_met"]) == (False, False, 0, 0)
               for q in december["quotas"])

    # the JSON keeps its keys (the pinned ones first), mid-period or after
    for row in (mid, after, early, december):
        assert list(row)[:6] == ["unit", "class", "submitted", "adopted", "score", "rank"]
        assert list(row) == list(after)
        assert all(list(q) == list(after["quotas"][0]) for q in row["quotas"])


def test_a_year_scored_for_an_office_that_went_live_in_october(office_config: Path, tmp_path: Path):
    """Without ledger_start, January to September count as months with nothing sent (少报 every month);
    with ``ledger_start: 2026-10`` in settings.yaml they are not judged: only the months on record are."""
    sender = "qixiang-xx@example.net"
    for i in range(3):
        ingest(office_config, tmp_path, sender, "【工作动态】气象", f"气象服务第{i}期", f"2026-10-1{i} 09:00+08:00",
               f"oct{i}")
    before = by_unit(office_config, "--year", "2026", at=AFTER_2026)["滕州市气象局"]
    missing = {c["key"]: c for c in before["components"]}.get("quota_missing")
    assert missing is not None and len(missing["detail"]) == 11  # every month but October

    settings = office_config / "settings.yaml"
    assert "ledger_start" not in settings.read_text(encoding="utf-8")
    with settings.open("a", encoding="utf-8") as f:
        f.write("\nledger_start: 2026-10\n")
    after = by_unit(office_config, "--year", "2026", at=AFTER_2026)["滕州市气象局"]
    details = [d for c in after["components"] if c["key"] == "quota_missing" for d in c["detail"]]
    assert [d[:8] for d in details] == ["2026年11月", "2026年12月"]
    total = next(q for q in after["quotas"] if q["category"] is None)
    assert total["periods"] == 3 and total["periods_met"] == 1
