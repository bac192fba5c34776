"""The gate's path uses the same extraction: units matched to the office's registry with their
source and flags, category aliases from the regime, reaching `inspect --json`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from baosong.config.loader import load_config
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.intake.judge import judge
from baosong.intake.units_match import UnitRegistry

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config")
REGISTRY = UnitRegistry.from_config(CONFIG.units)
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=8)))
PARAGRAPHS = ["\u3000\u3000今年以来，滨湖镇坚持把乡村振兴作为“三农”工作总抓手，聚焦产业、人才、文化、生态、组织“五大振兴”，"
              "全镇农村居民人均可支配收入同比增长7.2%。该镇依托微山湖湿地资源，发展特色水产养殖2.1万亩。"]


def unit_for(address: str) -> str | None:
    unit = CONFIG.unit_for(address)
    return unit.name if unit else None


def submit(sender: str, closing: str, subject: str = "【动态】滨湖镇乡村振兴"):
    doc = docx_bytes("滨湖镇聚焦“五大振兴”推进乡村振兴", PARAGRAPHS, closing)
    raw = mail(sender=sender, to="tzxxk@example.com", subject=subject, body="见附件", when=WHEN,
               attachments=[("乡村振兴.docx", doc, DOCX_TYPE)])
    verdict = judge(raw, unit_for=unit_for, registry=REGISTRY,
                    category_aliases=CONFIG.scoring.category_aliases)
    assert verdict.verdict.value == "accepted", verdict
    [piece] = verdict.pieces
    return verdict, piece


def test_document_and_sender_agree():
    verdict, piece = submit("binhu-xx@example.com", "（滨湖镇 张伟）")
    assert (piece.unit, piece.stated_unit, piece.unit_source, piece.flags) == (
        "滨湖镇人民政府", "滨湖镇人民政府", "both", ())
    assert piece.category == "工作动态"  # 动态 → 工作动态 from scoring.yaml
    assert piece.as_json()["unit_source"] == "both"


def test_piece_sent_for_another_unit_is_flagged():
    verdict, piece = submit("longquan-xx@example.com", "（滨湖镇 张伟）")
    assert verdict.unit == "龙泉街道办事处"
    assert (piece.unit, piece.unit_source, piece.flags) == ("滨湖镇人民政府", "document",
                                                            ("unit_differs_from_sender",))


def test_nothing_named_takes_the_sender():
    _, piece = submit("binhu-xx@example.com", None)
    assert (piece.unit, piece.stated_unit, piece.unit_source) == ("滨湖镇人民政府", None, "sender")


def test_commissioned_piece_and_title_fallback():
    doc = docx_bytes("\u3000\u3000" + PARAGRAPHS[0] * 2, [], None)
    raw = mail(sender="binhu-xx@example.com", to="tzxxk@example.com", subject="【约稿】【经验亮点】湿地+模式",
               body="见附件", when=WHEN, attachments=[("稿件.docx", doc, DOCX_TYPE)])
    [piece] = judge(raw, unit_for=unit_for, registry=REGISTRY).pieces
    assert (piece.title, piece.title_source, piece.title_fallback) == (None, "subject", "湿地+模式")
    assert piece.ledger_title == "湿地+模式" and piece.commissioned and piece.category == "经验亮点"


def test_the_ledger_records_where_the_fields_came_from(tmp_path: Path):
    from conftest import write_office_config
    from sqlalchemy import select

    from baosong.app import App
    from baosong.ledger.models import Piece
    from baosong.processing import process

    application = App.open(write_office_config(tmp_path / "config"))
    for n, (sender, closing, subject) in enumerate([
        ("longquan-xx@example.com", "（滨湖镇 张伟）", "【约稿】【动态】滨湖镇乡村振兴"),
        ("binhu-xx@example.com", None, "【工作动态】滨湖镇乡村振兴"),
    ]):
        doc = docx_bytes(f"滨湖镇聚焦“五大振兴”推进乡村振兴（{n}）", PARAGRAPHS, closing)
        raw = mail(sender=sender, to="tzxxk@example.com", subject=subject, body="见附件", when=WHEN,
                   attachments=[("乡村振兴.docx", doc, DOCX_TYPE)])
        assert process(application, raw, mailbox="test", received_at=WHEN).verdict == "accepted"
    with application.sessions() as session:
        proxy, own = session.scalars(select(Piece).order_by(Piece.id)).all()
        assert (proxy.unit.name, proxy.stated_unit, proxy.unit_source, proxy.flags, proxy.commissioned) == (
            "龙泉街道办事处", "滨湖镇人民政府", "document", "unit_differs_from_sender", True)
        assert proxy.category == "工作动态" and proxy.title_source == "document"
        assert (own.unit.name, own.stated_unit, own.unit_source, own.flags, own.commissioned) == (
            "滨湖镇人民政府", None, "sender", None, False)
        from baosong.views import piece_rows

        rows = piece_rows(session, None, application.config.tz)
        assert [(r["unit"], r["stated_unit"], r["unit_source"], r["flags"], r["commissioned"]) for r in rows] == [
            ("龙泉街道办事处", "滨湖镇人民政府", "document", ["unit_differs_from_sender"], True),
            ("滨湖镇人民政府", None, "sender", [], False)]


def test_the_ledger_refuses_an_unknown_unit_source(tmp_path: Path):
    import pytest
    from conftest import write_office_config
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from baosong.app import App
    from baosong.processing import process

    application = App.open(write_office_config(tmp_path / "config"))
    doc = docx_bytes("滨湖镇聚焦“五大振兴”推进乡村振兴", PARAGRAPHS, "（滨湖镇 张伟）")
    raw = mail(sender="binhu-xx@example.com", to="tzxxk@example.com", subject="【工作动态】乡村振兴", body="见附件",
               when=WHEN, attachments=[("乡村振兴.docx", doc, DOCX_TYPE)])
    process(application, raw, mailbox="test", received_at=WHEN)
    with application.sessions() as session:
        assert session.execute(text("select unit_source from pieces")).scalar() == "both"
        with pytest.raises(IntegrityError):
            session.execute(text("update pieces set unit_source = 'guessed'"))
            session.flush()
