"""Corrections with an audit trail, through the real CLI on a real ledger: every change is recorded
(who, when, old and new value, reason), `ledger history` shows it, and the score follows the corrections
and comes back when they are undone."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from baosong.cli import app
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail

TZ = ZoneInfo("Asia/Shanghai")
runner = CliRunner()
_numbers = itertools.count(1)


def invoke(config: Path, *args: str):
    return runner.invoke(app, ["--config", str(config), *args], catch_exceptions=False)


def submit(config: Path, tmp_path: Path, sender: str, title: str, category: str = "工作动态",
           when: str = "2026-10-15T10:00:00+08:00", paragraphs: int = 3) -> int:
    """Ingest one mail carrying one .docx; the new piece's id."""
    n = next(_numbers)
    doc = docx_bytes(title, [f"第{n}篇的内容，说明有关情况。"] * paragraphs, None)
    path = tmp_path / f"m{n}.eml"
    path.write_bytes(mail(sender=sender, to="tzxxk@example.com", subject=f"【{category}】{title}", body="请审阅",
                          when=datetime(2026, 10, 15, tzinfo=TZ), attachments=[(f"{title}.docx", doc, DOCX_TYPE)]))
    result = invoke(config, "ingest", str(path), "--received-at", when)
    assert result.exit_code == 0 and "受理" in result.output, result.output
    listing = json.loads(invoke(config, "ledger", "list", "--json").stdout)
    return max(p["id"] for p in listing)


CREDIT_COMPONENTS = ("outlets", "instructions")


def scores(config: Path, month: str = "2026-10", total: bool = False) -> dict[str, tuple[int, int, float]]:
    """Per unit (submitted, adopted, points): by default the points its credits earn (the `outlets` and
    `instructions` components of `score --json`: what corrections move between pieces and units; quota
    points and the floor are the regimes' tests' business), with ``total`` the whole score."""
    result = invoke(config, "score", "--month", month, "--json")
    assert result.exit_code == 0, result.output
    return {s["unit"]: (s["submitted"], s["adopted"],
                        s["score"] if total else sum(c["points"] for c in s["components"] if c["key"] in CREDIT_COMPONENTS))
            for s in json.loads(result.stdout)}


def history(config: Path, piece: int) -> dict:
    result = invoke(config, "ledger", "history", str(piece), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


SHANGWU, BINHU = "shangwu-xx@example.org", "binhu-xx@example.com"


def test_edit_moves_the_piece_and_its_credits_to_the_corrected_unit(office_config: Path, tmp_path: Path):
    piece = submit(office_config, tmp_path, SHANGWU, "滨湖镇秋收工作有序推进")
    assert invoke(office_config, "adopt", str(piece), "枣庄普刊", "--date", "2026-10-20", "--by", "王科长").exit_code == 0
    before = scores(office_config)
    assert before["滕州市商务局"] == (1, 1, 15) and before["滨湖镇人民政府"] == (0, 0, 0)

    edited = invoke(office_config, "ledger", "edit", str(piece), "--unit", "滨湖镇", "--category", "经验亮点",
                    "--reason", "代报：稿件是滨湖镇的", "--by", "李四")
    assert edited.exit_code == 0, edited.output
    assert "单位：滕州市商务局 → 滨湖镇人民政府" in edited.output and "分类：工作动态 → 经验亮点" in edited.output
    after = scores(office_config)
    assert after["滕州市商务局"] == (0, 0, 0) and after["滨湖镇人民政府"] == (1, 1, 15)
    listing = json.loads(invoke(office_config, "ledger", "list", "--json").stdout)
    assert (listing[0]["unit"], listing[0]["category"], listing[0]["status"]) == ("滨湖镇人民政府", "经验亮点", "counted")

    trail = history(office_config, piece)
    assert [(c["action"], c["field"], c["old"], c["new"], c["by"]) for c in trail["changes"]] == [
        ("adopt", "outlet", None, "枣庄普刊 2026-10-20", "王科长"),
        ("edit", "unit", "滕州市商务局", "滨湖镇人民政府", "李四"),
        ("edit", "category", "工作动态", "经验亮点", "李四"),
    ]
    assert trail["changes"][1]["reason"] == "代报：稿件是滨湖镇的" and trail["changes"][1]["via"] == "cli"
    assert datetime.fromisoformat(trail["changes"][1]["at"]).tzinfo is not None
    shown = invoke(office_config, "ledger", "history", str(piece))
    assert shown.exit_code == 0 and "李四" in shown.output and "代报" in shown.output

    # back again: the score returns exactly
    assert invoke(office_config, "ledger", "edit", str(piece), "--unit", "滕州市商务局",
                  "--category", "工作动态").exit_code == 0
    assert scores(office_config) == before
    # the OS user is recorded when --by is not given
    assert history(office_config, piece)["changes"][-1]["by"]

    for args, message in [
        (("--unit", "火星局"), "没有单位“火星局”"),
        (("--category", "花边新闻"), "scoring.yaml 中没有分类“花边新闻”"),
        (("--title", history(office_config, piece)["piece"]["title"]), "没有需要修改的内容"),
        ((), "请至少给出一项"),
    ]:
        bad = invoke(office_config, "ledger", "edit", str(piece), *args)
        assert bad.exit_code == 1 and message in bad.output and "Traceback" not in bad.output
    assert invoke(office_config, "ledger", "edit", "999", "--title", "x").exit_code == 1


def test_void_stops_counting_and_restore_brings_it_back(office_config: Path, tmp_path: Path):
    real = submit(office_config, tmp_path, SHANGWU, "商务局推动外贸稳增长")
    test = submit(office_config, tmp_path, SHANGWU, "测试邮件请忽略")
    assert invoke(office_config, "adopt", str(test), "上报", "--date", "2026-10-20").exit_code == 0
    assert scores(office_config)["滕州市商务局"] == (2, 1, 7)

    voided = invoke(office_config, "ledger", "void", str(test), "--reason", "测试邮件 {x}")
    assert voided.exit_code == 0 and "不再计分" in voided.output
    assert scores(office_config)["滕州市商务局"] == (1, 0, 0)
    again = invoke(office_config, "ledger", "void", str(test), "--reason", "x")
    assert again.exit_code == 1 and "作废" in again.output
    refused = invoke(office_config, "adopt", str(test), "每日要情")
    assert refused.exit_code == 1 and "已作废" in refused.output
    no_reason = invoke(office_config, "ledger", "void", str(real))
    assert no_reason.exit_code == 1 and "作废须写明原因" in no_reason.output

    assert invoke(office_config, "ledger", "restore", str(test), "--reason", "不是测试").exit_code == 0
    assert scores(office_config)["滕州市商务局"] == (2, 1, 7)
    assert [c["action"] for c in history(office_config, test)["changes"]] == ["adopt", "void", "restore"]


def test_a_revision_supersedes_the_earlier_piece_and_counts_once(office_config: Path, tmp_path: Path):
    first = submit(office_config, tmp_path, BINHU, "滨湖镇推进人居环境整治")
    revised = submit(office_config, tmp_path, BINHU, "滨湖镇推进人居环境整治（修改稿）", paragraphs=4)
    # the office recorded the adoption on the first version, and the same outlet again on the revision
    assert invoke(office_config, "adopt", str(first), "枣庄普刊", "--date", "2026-10-20").exit_code == 0
    assert invoke(office_config, "adopt", str(revised), "枣庄普刊", "--date", "2026-10-20").exit_code == 0
    assert invoke(office_config, "adopt", str(first), "每日要情", "--date", "2026-10-21").exit_code == 0
    assert scores(office_config)["滨湖镇人民政府"] == (2, 2, 35)

    done = invoke(office_config, "ledger", "supersede", str(first), str(revised), "--reason", "修改稿")
    assert done.exit_code == 0, done.output
    # one piece, adopted by 枣庄普刊 once (15) and 每日要情 (5)
    assert scores(office_config)["滨湖镇人民政府"] == (1, 1, 20)
    listing = {p["id"]: p for p in json.loads(invoke(office_config, "ledger", "list", "--json").stdout)}
    assert (listing[first]["status"], listing[first]["replaced_by"]) == ("superseded", revised)
    assert [c["action"] for c in history(office_config, revised)["changes"]][-1] == "supersede"
    assert "替换了稿件" in invoke(office_config, "ledger", "history", str(revised)).output

    other_unit = submit(office_config, tmp_path, SHANGWU, "商务局稿件")
    refused = invoke(office_config, "ledger", "supersede", str(revised), str(other_unit))
    assert refused.exit_code == 1 and "不是同一单位" in refused.output
    assert invoke(office_config, "ledger", "supersede", str(first), str(revised)).exit_code == 1  # already replaced

    assert invoke(office_config, "ledger", "restore", str(first)).exit_code == 0
    assert scores(office_config)["滨湖镇人民政府"] == (2, 2, 35)


def test_merge_and_split(office_config: Path, tmp_path: Path):
    part1 = submit(office_config, tmp_path, BINHU, "滨湖镇调研报告（上）", category="调研分析")
    part2 = submit(office_config, tmp_path, BINHU, "滨湖镇调研报告（下）", category="调研分析")
    words = {p["id"]: p["word_count"] for p in json.loads(invoke(office_config, "ledger", "list", "--json").stdout)}
    assert scores(office_config)["滨湖镇人民政府"][0] == 2
    merged = invoke(office_config, "ledger", "merge", str(part1), str(part2), "--reason", "分两封发来")
    assert merged.exit_code == 0, merged.output
    assert scores(office_config)["滨湖镇人民政府"][0] == 1
    listing = {p["id"]: p for p in json.loads(invoke(office_config, "ledger", "list", "--json").stdout)}
    assert listing[part1]["word_count"] == words[part1] + words[part2]
    assert (listing[part2]["status"], listing[part2]["replaced_by"]) == ("merged", part1)

    two = submit(office_config, tmp_path, SHANGWU, "两篇稿件合在一个文件里", paragraphs=6)
    total = json.loads(invoke(office_config, "ledger", "list", "--json").stdout)[-1]["word_count"]
    split = invoke(office_config, "ledger", "split", str(two), "--title", "第二篇：商务局招商引资",
                   "--category", "经验亮点", "--words", "20", "--reason", "一个文件两篇")
    assert split.exit_code == 0, split.output
    listing = {p["id"]: p for p in json.loads(invoke(office_config, "ledger", "list", "--json").stdout)}
    new = max(listing)
    assert (listing[new]["title"], listing[new]["category"], listing[new]["word_count"]) == (
        "第二篇：商务局招商引资", "经验亮点", 20)
    assert listing[two]["word_count"] == total - 20
    assert listing[new]["received_at"] == listing[two]["received_at"]
    assert scores(office_config)["滕州市商务局"][0] == 2
    assert history(office_config, new)["changes"][0]["related_piece"] == two
    assert "拆出稿件" in invoke(office_config, "ledger", "history", str(two)).output
    # undoing a split: void the new piece
    assert invoke(office_config, "ledger", "void", str(new), "--reason", "拆错了").exit_code == 0
    assert scores(office_config)["滕州市商务局"][0] == 1


def test_adopt_undo_changes_the_score_and_it_returns(office_config: Path, tmp_path: Path):
    piece = submit(office_config, tmp_path, SHANGWU, "商务局优化营商环境")
    assert invoke(office_config, "adopt", str(piece), "政情专报", "--instruction", "滕州市政府领导",
                  "--date", "2026-10-20").exit_code == 0
    assert scores(office_config)["滕州市商务局"] == (1, 1, 40)

    undo = invoke(office_config, "adopt", str(piece), "政情专报", "--instruction", "滕州市政府领导", "--undo",
                  "--reason", "批示登记错了")
    assert undo.exit_code == 0 and "已撤销" in undo.output
    assert scores(office_config)["滕州市商务局"] == (1, 1, 20)
    assert invoke(office_config, "adopt", str(piece), "政情专报", "--undo").exit_code == 0
    assert scores(office_config)["滕州市商务局"] == (1, 0, 0)
    missing = invoke(office_config, "adopt", str(piece), "政情专报", "--undo")
    assert missing.exit_code == 1 and "没有登记过" in missing.output

    assert invoke(office_config, "adopt", str(piece), "政情专报", "--instruction", "滕州市政府领导",
                  "--date", "2026-10-20").exit_code == 0
    assert scores(office_config)["滕州市商务局"] == (1, 1, 40)
    trail = history(office_config, piece)["changes"]
    assert [(c["action"], c["old"], c["new"]) for c in trail] == [
        ("adopt", None, "政情专报 2026-10-20"), ("instruct", None, "滕州市政府领导 2026-10-20"),
        ("instruct_undo", "滕州市政府领导 2026-10-20", None), ("adopt_undo", "政情专报 2026-10-20", None),
        ("adopt", None, "政情专报 2026-10-20"), ("instruct", None, "滕州市政府领导 2026-10-20"),
    ]
    assert trail[2]["reason"] == "批示登记错了"


def rename_unit(config: Path, old: str, new: str, *, former: bool) -> None:
    text = (config / "units.yaml").read_text(encoding="utf-8")
    assert f"name: {old}\n" in text
    extra = f"\n    former_names: [{old}]" if former else ""
    text = text.replace(f"name: {old}\n", f"name: {new}{extra}\n", 1)
    (config / "units.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("former", [False, True])
def test_renaming_a_unit_keeps_its_history_with_former_names(office_config: Path, tmp_path: Path, former: bool):
    piece = submit(office_config, tmp_path, SHANGWU, "商务局外贸新业态发展")
    assert invoke(office_config, "adopt", str(piece), "枣庄普刊", "--date", "2026-10-20").exit_code == 0
    assert scores(office_config)["滕州市商务局"] == (1, 1, 15)

    rename_unit(office_config, "滕州市商务局", "滕州市商务和投资促进局", former=former)
    after = scores(office_config)
    if not former:
        # what happens without former_names: the renamed unit starts from nothing (and check-config says why)
        assert after["滕州市商务和投资促进局"] == (0, 0, 0)
        check = invoke(office_config, "check-config")
        assert check.exit_code == 1 and "滕州市商务局" in check.output and "former_names" in check.output
        # writing former_names afterwards still brings the history over
        text = (office_config / "units.yaml").read_text(encoding="utf-8").replace(
            "name: 滕州市商务和投资促进局\n", "name: 滕州市商务和投资促进局\n    former_names: [滕州市商务局]\n", 1)
        (office_config / "units.yaml").write_text(text, encoding="utf-8")
        after = scores(office_config)
    assert after["滕州市商务和投资促进局"] == (1, 1, 15)
    assert "滕州市商务局" not in after
    assert invoke(office_config, "check-config").exit_code == 0
    listing = json.loads(invoke(office_config, "ledger", "list", "--json").stdout)
    assert listing[0]["unit"] == "滕州市商务和投资促进局"
    # the old name still finds the unit
    assert invoke(office_config, "ledger", "edit", str(piece), "--unit", "滕州市商务局", "--title", "新标题").exit_code == 0


def test_check_config_refuses_to_drop_an_outlet_or_level_the_ledger_uses(office_config: Path, tmp_path: Path):
    piece = submit(office_config, tmp_path, SHANGWU, "商务局开展消费季活动")
    assert invoke(office_config, "adopt", str(piece), "省要情", "--instruction", "枣庄市政府领导",
                  "--date", "2026-10-20").exit_code == 0
    assert invoke(office_config, "check-config").exit_code == 0
    scoring = office_config / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    scoring.write_text(text.replace("  省要情: 10\n", "").replace("  枣庄市政府领导: 30\n", ""), encoding="utf-8")
    check = invoke(office_config, "check-config")
    assert check.exit_code == 1, check.output
    assert "scoring.yaml [outlets.省要情]" in check.output and "1 次采用" in check.output
    assert "scoring.yaml [instructions.枣庄市政府领导]" in check.output and "1 次批示" in check.output
    assert "Traceback" not in check.output and "/ outlets" in check.output
    scoring.write_text(text, encoding="utf-8")
    # a unit dropped from units.yaml while the ledger holds its pieces
    units = office_config / "units.yaml"
    kept = units.read_text(encoding="utf-8")
    start = kept.index("  - name: 滕州市商务局")
    end = kept.index("  # ---------------- B 类")
    units.write_text(kept[:start] + kept[end:], encoding="utf-8")
    check = invoke(office_config, "check-config")
    assert check.exit_code == 1 and "1 封邮件、1 篇稿件属于单位“滕州市商务局”" in check.output


@pytest.mark.parametrize(("former", "message"), [
    ("滨湖镇人民政府", "是另一个单位现在的名称"),
    ("滕州市商务局", "是本单位现在的名称"),
])
def test_former_names_are_validated(office_config: Path, former: str, message: str):
    rename = (office_config / "units.yaml").read_text(encoding="utf-8").replace(
        "name: 滕州市商务局\n", f"name: 滕州市商务局\n    former_names: [{former}]\n", 1)
    (office_config / "units.yaml").write_text(rename, encoding="utf-8")
    check = invoke(office_config, "check-config")
    assert check.exit_code == 1 and message in check.output and "former_names[0]" in check.output


def test_a_former_name_belongs_to_one_unit(office_config: Path):
    text = (office_config / "units.yaml").read_text(encoding="utf-8")
    for name in ("滕州市商务局", "滕州市审计局"):
        text = text.replace(f"name: {name}\n", f"name: {name}\n    former_names: [滕州市经济局]\n", 1)
    (office_config / "units.yaml").write_text(text, encoding="utf-8")
    check = invoke(office_config, "check-config")
    assert check.exit_code == 1 and "同时写在“滕州市商务局”和“滕州市审计局”名下" in check.output


def test_a_unit_that_no_longer_exists_keeps_its_history_with_active_false(office_config: Path, tmp_path: Path):
    piece = submit(office_config, tmp_path, "dizhen-xx@example.net", "地震局开展防震减灾宣传")
    assert invoke(office_config, "adopt", str(piece), "上报", "--date", "2026-10-20").exit_code == 0
    assert scores(office_config)["滕州市地震局"] == (1, 1, 7)
    units = office_config / "units.yaml"
    text = units.read_text(encoding="utf-8")
    entry = "  - name: 滕州市地震局\n    short: 地震局\n    class: C\n    addresses:\n      - dizhen-xx@example.net\n"
    assert entry in text
    units.write_text(text.replace(entry, "  - name: 滕州市地震局\n    short: 地震局\n    class: C\n    active: false\n"),
                     encoding="utf-8")
    check = invoke(office_config, "check-config")
    assert check.exit_code == 0, check.output
    assert "滕州市地震局" not in scores(office_config)  # not ranked any more
    listing = json.loads(invoke(office_config, "ledger", "list", "--json").stdout)
    assert [p["unit"] for p in listing] == ["滕州市地震局"]  # its history stays in the 台账
    message = tmp_path / "late.eml"
    message.write_bytes(mail(sender="dizhen-xx@example.net", to="tzxxk@example.com", subject="【工作动态】稿件",
                             body="请审阅", when=datetime(2026, 11, 2, tzinfo=TZ),
                             attachments=[("稿.docx", docx_bytes("地震局新稿件", ["内容。"] * 3, None), DOCX_TYPE)]))
    judged = json.loads(invoke(office_config, "inspect", str(message), "--json").stdout)
    assert (judged["verdict"], judged["reason"]) == ("rejected", "unregistered_sender")
    # an active unit still needs an address
    units.write_text(text.replace(entry, "  - name: 滕州市地震局\n    short: 地震局\n    class: C\n"), encoding="utf-8")
    check = invoke(office_config, "check-config")
    assert check.exit_code == 1 and "至少登记一个报送邮箱" in check.output and "addresses" in check.output


def test_wording_of_history_a_piece_with_itself_and_the_export_name(office_config: Path, tmp_path: Path):
    first = submit(office_config, tmp_path, BINHU, "滨湖镇秋粮收购")
    revised = submit(office_config, tmp_path, BINHU, "滨湖镇秋粮收购（修改稿）")
    assert invoke(office_config, "ledger", "supersede", str(first), str(revised)).exit_code == 0
    shown = invoke(office_config, "ledger", "history", str(first))
    assert shown.exit_code == 0 and f"被修改稿（稿件 {revised}）替换" in shown.output, shown.output
    assert f"被修改稿替换稿件 {revised}" not in shown.output
    itself = invoke(office_config, "ledger", "merge", str(revised), str(revised))
    assert itself.exit_code == 1 and f"不能把稿件 {revised} 并入它自己" in itself.output, itself.output
    same = invoke(office_config, "ledger", "supersede", str(revised), str(revised))
    assert same.exit_code == 1 and f"稿件 {revised} 不能被它自己替换" in same.output, same.output
    bad = invoke(office_config, "ledger", "export", "--month", "2026-10", "-o", str(tmp_path / "台账.csv"))
    assert bad.exit_code == 1 and "输出文件应以 .xlsx 结尾" in bad.output and " / " in bad.output, bad.output
    missing = invoke(office_config, "inspect", str(tmp_path / "nonexist.eml"))
    assert missing.exit_code == 1 and "文件或文件夹不存在" in missing.output, missing.output
    assert "No such file" not in missing.output
