"""The command-line contract: names, options, JSON shapes and exit codes that offices script against."""

from __future__ import annotations

import json
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from baosong.cli import app
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail, png_bytes

TZ = ZoneInfo("Asia/Shanghai")
runner = CliRunner()

PIECE = docx_bytes(
    "滕州市商务局多措并举促进消费回暖",
    ["今年以来，商务局围绕促消费、稳外贸，推出一系列举措。", "截至10月底，全市社会消费品零售总额同比增长5.2%。"],
    "（滕州市商务局 王芳）",
)


def invoke(config: Path | None, *args: str):
    argv = (["--config", str(config)] if config else []) + list(args)
    result = runner.invoke(app, argv, catch_exceptions=False)
    return result


def eml(tmp_path: Path, name: str, **kwargs) -> Path:
    kwargs.setdefault("to", "tzxxk@example.com")
    kwargs.setdefault("when", datetime(2026, 10, 12, 9, 30, tzinfo=TZ))
    path = tmp_path / name
    path.write_bytes(mail(**kwargs))
    return path


def test_check_config_ok_and_broken(office_config: Path, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("BAOSONG_IMAP_PASSWORD", raising=False)
    ok = invoke(office_config, "check-config")
    assert ok.exit_code == 0, ok.output
    assert "配置正确" in ok.output and "单位 9 个" in ok.output

    shipped = invoke(Path(__file__).resolve().parents[1] / "config", "check-config")
    assert shipped.exit_code == 0
    # the example names password_env variables that are not set here: a warning, rendered, not raw markup
    assert "提醒：settings.yaml 第" in shipped.output and "BAOSONG_IMAP_PASSWORD" in shipped.output
    assert "[/]" not in shipped.output and "[yellow]" not in shipped.output

    text = (office_config / "units.yaml").read_text(encoding="utf-8").replace("class: A", "clas: A", 1)
    (office_config / "units.yaml").write_text(text, encoding="utf-8")
    bad = invoke(office_config, "check-config")
    assert bad.exit_code == 1
    assert "units.yaml 第" in bad.output and "[units[0].clas]" in bad.output and "[units[0].class]" in bad.output
    assert "Traceback" not in bad.output


def test_extract_json(tmp_path: Path):
    doc = tmp_path / "【工作动态】促消费.docx"
    doc.write_bytes(PIECE)
    result = invoke(None, "extract", str(doc), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    pinned = {k: data[k] for k in ("title", "unit", "author", "category", "word_count")}
    assert pinned == {"title": "滕州市商务局多措并举促进消费回暖", "unit": "滕州市商务局", "author": "王芳",
                      "category": "工作动态", "word_count": data["word_count"]}
    assert data["unit_source"] == "document" and data["title_source"] == "document"
    assert isinstance(data["word_count"], int) and 60 < data["word_count"] < 120


def test_extract_rejects_a_non_docx_clearly(tmp_path: Path):
    bogus = tmp_path / "稿件.docx"
    bogus.write_bytes(b"this is not a zip")
    result = invoke(None, "extract", str(bogus))
    assert result.exit_code == 1
    assert "不是可读的 .docx 文档" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "kwargs", "verdict", "reason", "pieces"),
    [
        ("registered", dict(sender="商务局 <shangwu-xx@example.org>", subject="【工作动态】促消费", body="请审阅",
                            attachments=[("促消费.docx", PIECE, DOCX_TYPE)]), "accepted", None, 1),
        ("unregistered", dict(sender="someone@example.net", subject="【工作动态】促消费", body="请审阅",
                              attachments=[("促消费.docx", PIECE, DOCX_TYPE)]), "rejected", "unregistered_sender", 0),
        ("photo", dict(sender="shangwu-xx@example.org", subject="稿件照片", body="见附件",
                       attachments=[("IMG_0001.png", png_bytes(), ("image", "png"))]), "rejected", "non_electronic", 0),
        ("doc", dict(sender="shangwu-xx@example.org", subject="稿件", body="见附件",
                     attachments=[("稿件.doc", b"\xd0\xcf\x11\xe0old word", ("application", "msword"))]),
         "rejected", "unsupported_format", 0),
        ("cloud", dict(sender="shangwu-xx@example.org", subject="超大附件", body="从QQ邮箱发来的超大附件：\n"
                       "https://mail.qq.com/cgi-bin/ftnExs_download?k=abc 下载"), "rejected", "offline_file", 0),
        ("autoreply", dict(sender="shangwu-xx@example.org", subject="自动回复：休假中", body="我在休假"),
         "ignored", "auto_reply", 0),
        ("classified", dict(sender="shangwu-xx@example.org", subject="【工作动态】情况报告", body="见附件",
                            attachments=[("报告.docx", docx_bytes("秘密★1年", ["关于某事项的情况报告"], None),
                                          DOCX_TYPE)]), "quarantined", "classified", 0),
    ],
)
def test_inspect_json(office_config: Path, tmp_path: Path, name, kwargs, verdict, reason, pieces):
    path = eml(tmp_path, f"{name}.eml", **kwargs)
    result = invoke(office_config, "inspect", str(path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert not (office_config / "data").exists()  # inspect creates no ledger
    # the pinned keys, plus the mails `poll` would queue and what the parser skipped
    assert set(data) == {"verdict", "reason", "sender", "unit", "pieces", "hits", "authenticated", "defects",
                         "guessed_charsets", "reply", "reply_withheld", "alert"}
    assert (data["verdict"], data["reason"], len(data["pieces"])) == (verdict, reason, pieces)
    # every rule that fired, the deciding one first among them
    assert all(set(h) == {"rule", "detail"} and h["detail"] for h in data["hits"])
    assert [h["rule"] for h in data["hits"]][:1] == ([reason] if reason else [])
    if verdict == "accepted":
        assert data["unit"] == "滕州市商务局"
        assert data["pieces"][0]["source"] == "促消费.docx"
        assert data["pieces"][0]["category"] == "工作动态"
        # the pinned keys, plus which way the document was read (formats) and where the fields came from
        assert set(data["pieces"][0]) >= {"source", "title", "unit", "author", "category", "word_count",
                                          "read_by", "unit_source"}
        assert data["pieces"][0]["read_by"] == "docx"
        assert data["pieces"][0]["unit_source"] in ("document", "sender", "both")


def test_ingest_adopt_score_and_notify_to_outbox(office_config: Path, tmp_path: Path, smtp_sink):
    files = [
        eml(tmp_path, "a1.eml", sender="shangwu-xx@example.org", subject="【工作动态】促消费", body="请审阅",
            attachments=[("促消费.docx", PIECE, DOCX_TYPE)]),
        eml(tmp_path, "a2.eml", sender="binhu-xx@example.com", subject="【经验亮点】网格化治理", body="请审阅",
            attachments=[("网格.docx", docx_bytes("滨湖镇创新网格化治理", ["内容。"] * 3, "（滨湖镇 张三）"),
                          DOCX_TYPE)]),
        eml(tmp_path, "r1.eml", sender="stranger@example.net", subject="投稿", body="请审阅",
            attachments=[("稿.docx", PIECE, DOCX_TYPE)], authenticated=True),
    ]
    result = invoke(office_config, "ingest", *map(str, files), "--received-at", "2026-10-15T10:00:00+08:00")
    assert result.exit_code == 0, result.output
    assert result.output.count("已登记") == 3
    # receipts for the two accepted, the reason for the rejected one (its sender's domain passed SPF)
    got = smtp_sink.wait_for(3)
    assert sorted(r.rcpt_tos[0] for r in got) == ["binhu-xx@example.com", "shangwu-xx@example.org",
                                                  "stranger@example.net"]

    again = invoke(office_config, "ingest", str(files[0]))
    assert "此前已登记，跳过" in again.output
    # the same document in a new mail: inspect reads the ledger and calls it a duplicate
    resent = eml(tmp_path, "a1-again.eml", sender="shangwu-xx@example.org", subject="【工作动态】促消费（重发）",
                 body="重发", attachments=[("促消费.docx", PIECE, DOCX_TYPE)])
    dup = json.loads(invoke(office_config, "inspect", str(resent), "--json").stdout)
    assert (dup["verdict"], dup["reason"]) == ("rejected", "duplicate")

    listing = json.loads(invoke(office_config, "ledger", "list", "--month", "2026-10", "--json").stdout)
    assert [p["unit"] for p in listing] == ["滕州市商务局", "滨湖镇人民政府"]
    assert listing[0]["received_at"] == "2026-10-15T10:00:00+08:00"
    assert json.loads(invoke(office_config, "ledger", "list", "--month", "2026-11", "--json").stdout) == []

    ids = {p["unit"]: p["id"] for p in listing}
    ok = invoke(office_config, "adopt", str(ids["滕州市商务局"]), "枣庄普刊", "--instruction", "滕州市政府领导",
                "--date", "2026-10-20")
    assert ok.exit_code == 0, ok.output
    assert invoke(office_config, "adopt", str(ids["滨湖镇人民政府"]), "每日要情", "--date", "2026-10-21").exit_code == 0
    unknown = invoke(office_config, "adopt", str(ids["滨湖镇人民政府"]), "人民日报")
    assert unknown.exit_code == 1 and "scoring.yaml 中没有刊物“人民日报”" in unknown.output
    twice = invoke(office_config, "adopt", str(ids["滨湖镇人民政府"]), "每日要情", "--date", "2026-10-21")
    assert twice.exit_code == 1 and "已登记过" in twice.output
    missing = invoke(office_config, "adopt", "999", "每日要情")
    assert missing.exit_code == 1 and "没有编号为 999 的稿件" in missing.output

    scores = json.loads(invoke(office_config, "score", "--month", "2026-10", "--json").stdout)
    a_class = [s for s in scores if s["class"] == "A"]
    pinned = ("unit", "class", "submitted", "adopted", "score", "rank")
    # Class A's monthly task is 10 pieces; each unit sent 1, so 9 are missing (−1 each, down to 0).
    # 商务局: 枣庄普刊 15 + 滕州市政府领导 20 − 9 = 26
    assert {k: a_class[0][k] for k in pinned} == {"unit": "滕州市商务局", "class": "A", "submitted": 1, "adopted": 1,
                                                  "score": 15 + 20 - 9, "rank": 1}
    # 滨湖镇: 每日要情 5 − 9 stops at 0 (扣完为止); tied with 龙泉街道 (0), units.yaml order
    assert {k: a_class[1][k] for k in pinned} == {"unit": "滨湖镇人民政府", "class": "A", "submitted": 1,
                                                  "adopted": 1, "score": 0, "rank": 2}
    assert a_class[2]["score"] == 0 and a_class[2]["rank"] == 2
    assert {c["key"]: c["points"] for c in a_class[1]["components"]} == {
        "outlets": 5, "instructions": 0, "quota_missing": -9, "floor": 4, "commissions": 0, "endorsements": 0}
    assert {s["class"] for s in scores} == {"A", "B", "C"}

    outbox = tmp_path / "outbox"
    sent_before = len(smtp_sink.messages)
    notice = invoke(office_config, "notify", "monthly", "--month", "2026-10", "--outbox", str(outbox))
    assert notice.exit_code == 0, notice.output
    files = sorted(outbox.glob("*.eml"))
    # the office (one mail to both addresses) + the 6 example units that name a principal
    assert len(files) == 7
    assert len(smtp_sink.messages) == sent_before  # --outbox writes files, sends nothing
    office = BytesParser(policy=policy.default).parsebytes(files[0].read_bytes())
    assert office["To"] == "leaders-office@example.com, xinxike@example.com"
    assert office["Subject"] == "滕州市人民政府办公室政务信息采用情况通报（2026年10月）"
    text = office.get_body(("plain",)).get_content()
    assert "1　商务局　1　1　26" in text and "2　滨湖镇　1　1　0" in text

    repeat = invoke(office_config, "notify", "monthly", "--month", "2026-10", "--outbox", str(outbox))
    # a preview is pure: it writes the same mails again and never marks the month sent
    assert repeat.exit_code == 0 and "未发送" in repeat.output and len(list(outbox.glob("*.eml"))) == 7
    assert len(smtp_sink.messages) == sent_before
    sent = invoke(office_config, "notify", "monthly", "--month", "2026-10")
    assert sent.exit_code == 0 and "发出邮件 7 封" in sent.output, sent.output
    assert len(smtp_sink.messages) == sent_before + 7
    previewed = BytesParser(policy=policy.default).parsebytes(files[0].read_bytes())
    real = BytesParser(policy=policy.default).parsebytes(smtp_sink.messages[sent_before].data)
    assert real["Subject"] == previewed["Subject"] and real["To"] == previewed["To"]
    assert real.get_body(("plain",)).get_content() == previewed.get_body(("plain",)).get_content()
    again = invoke(office_config, "notify", "monthly", "--month", "2026-10")
    assert "此前已发送" in again.output and len(smtp_sink.messages) == sent_before + 7


def test_bad_month_and_bad_time_are_clear(office_config: Path, tmp_path: Path):
    result = invoke(office_config, "score", "--month", "2026/10")
    assert result.exit_code == 1 and "YYYY-MM" in result.output
    path = eml(tmp_path, "x.eml", sender="shangwu-xx@example.org", subject="x", body="y")
    result = invoke(office_config, "ingest", str(path), "--received-at", "yesterday")
    assert result.exit_code == 1 and "时间格式不对" in result.output


def test_extract_plain_output_names_the_unit_check(tmp_path: Path):
    from baosong.config.loader import example_config_dir  # the shipped Tengzhou config

    doc = Path(__file__).resolve().parent / "data" / "docs" / "33_sent_for_another_unit.docx"
    result = invoke(example_config_dir(), "extract", str(doc), "--sender", "longquan-xx@example.com",
                    "--subject", "【动态】农村公路")
    assert result.exit_code == 0, result.output
    assert "单位：滨湖镇人民政府" in result.output and "分类：工作动态" in result.output
    assert "与发件邮箱的登记单位不同" in result.output and "单位来源：稿件署名" in result.output
    assert "Traceback" not in result.output
