"""The gate: each rule fires on what it is for, the first rule that fires decides.

Pure: real message bytes (built the way Chinese mail clients write them) and real
.docx files (python-docx) go through `judge`; no servers.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from docx import Document

from baosong.demo.samples import docx_bytes, png_bytes
from baosong.intake.chain import configured
from baosong.intake.gate import CHAIN, GateContext
from baosong.intake.judge import judge
from baosong.vocabulary import GateAction, Reason, Verdict

import mailcorpus as mc

UNITS = {"wangzhe@163.com": "滕州市发展和改革局", "shangwu-xx@example.org": "滕州市商务局",
         "zhaoliu@qq.com": "滕州市审计局", "1234567890@qq.com": "滨湖镇人民政府"}
PIECE = docx_bytes("滕州市商务局多措并举促进消费回暖",
                   ["今年以来，商务局围绕促消费推出一系列举措。", "社会消费品零售总额同比增长5.2%。"],
                   "（滕州市商务局 王芳）")
OTHER = docx_bytes("滕州市商务局推进外贸稳增长", ["外贸进出口总额同比增长8%。"], "（滕州市商务局 李强）")


def unit_for(address: str) -> str | None:
    return UNITS.get(address.lower())


def run(raw: bytes, ctx: GateContext = GateContext(), **kw):
    return judge(raw, unit_for=unit_for, ctx=ctx, **kw)


def registered(**kw) -> bytes:
    kw.setdefault("sender", "shangwu-xx@example.org")
    kw.setdefault("subject", "【工作动态】商务局促消费")
    return mc.outlook_utf8(**kw)


def test_registered_sender_with_docx_is_accepted():
    v = run(mc.foxmail_gbk(subject="【工作动态】关于报送政务信息", attachments=[("市发改委信息.docx", PIECE, mc.DOCX)]))
    assert (v.verdict, v.reason, v.unit) == (Verdict.ACCEPTED, None, "滕州市发展和改革局")
    [p] = v.pieces
    assert (p.source, p.title, p.category, p.author) == ("市发改委信息.docx", "滕州市商务局多措并举促进消费回暖",
                                                        "工作动态", "王芳")
    assert p.unit == "滕州市商务局" and p.stated_unit == "滕州市商务局"


def test_address_match_is_case_insensitive():
    v = run(registered(sender="ShangWu-XX@Example.ORG", attachments=[("a.docx", PIECE, mc.DOCX)]))
    assert v.verdict is Verdict.ACCEPTED and v.unit == "滕州市商务局"


def test_unregistered_sender_is_rejected():
    v = run(registered(sender="liming@fgw.example.gov.cn", attachments=[("a.docx", PIECE, mc.DOCX)]))
    assert (v.verdict, v.reason, v.pieces) == (Verdict.REJECTED, "unregistered_sender", ())


def test_photo_only_is_non_electronic_but_a_docx_beside_photos_is_accepted():
    photo = [("IMG_20261012.jpg", png_bytes(), "image/jpeg"), ("IMG_20261013.png", png_bytes(), "image/png")]
    v = run(registered(attachments=photo))
    assert (v.verdict, v.reason) == (Verdict.REJECTED, "non_electronic")
    assert "IMG_20261012.jpg" in v.detail
    v = run(registered(attachments=[*photo, ("稿件.docx", PIECE, mc.DOCX)]))
    assert v.verdict is Verdict.ACCEPTED and [p.source for p in v.pieces] == ["稿件.docx"]


def test_cloud_link_transfer_is_an_offline_file():
    v = run(mc.qq_mail(big_attachments=[("稿件.docx", "12.5M", "https://mail.qq.com/cgi-bin/ftnExs_download?k=x")]))
    assert (v.verdict, v.reason) == (Verdict.REJECTED, "offline_file")


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # the compound-file signature every .doc/.wps starts with


def test_damaged_old_formats_are_corrupt_not_unsupported():
    """Bytes that carry a .doc/.wps/.pdf signature but cannot be read are a damaged file (resend a good
    copy), not a format the office does not take; bytes with no known signature are unsupported."""
    for name, ctype, data in (("稿件.doc", "application/msword", OLE + b"\0" * 600),
                              ("稿件.wps", "application/kswps", OLE + b"cut short"),
                              ("稿件.pdf", "application/pdf", b"%PDF-1.7\n1 0 obj cut short")):
        v = run(registered(attachments=[(name, data, ctype)]))
        assert (v.verdict, v.reason) == (Verdict.REJECTED, "corrupt_document") and name in v.detail
    for name, ctype in (("稿件.doc", "application/msword"), ("稿件.wps", "application/kswps"),
                        ("稿件.pdf", "application/pdf")):
        v = run(registered(attachments=[(name, b"\xd0\xcf\x11\xe0 not docx", ctype)]))  # no full signature
        assert (v.verdict, v.reason, v.detail) == (Verdict.REJECTED, "unsupported_format", name)


def test_corrupt_docx_rejected_unless_another_is_readable():
    broken = ("坏文件.docx", b"PK\x03\x04 truncated", mc.DOCX)
    v = run(registered(attachments=[broken]))
    assert (v.verdict, v.reason) == (Verdict.REJECTED, "corrupt_document") and "坏文件.docx" in v.detail
    v = run(registered(attachments=[broken, ("好文件.docx", PIECE, mc.DOCX)]))
    assert v.verdict is Verdict.ACCEPTED and [p.source for p in v.pieces] == ["好文件.docx"]


def test_body_piece_needs_enough_words():
    long_body = "【社情民意】群众关注老旧小区改造\n" + "近期部分群众反映老旧小区管网老化、停车难等问题，希望加快改造进度。" * 3
    v = run(registered(subject="【社情民意】老旧小区改造", body=long_body))
    assert v.verdict is Verdict.ACCEPTED
    [p] = v.pieces
    assert p.source == "body" and p.category == "社情民意" and p.word_count >= 50
    v = run(registered(body="请查收。"))
    assert (v.verdict, v.reason) == (Verdict.REJECTED, "no_document")


def test_auto_replies_and_bounces_are_ignored_even_from_registered_addresses():
    v = run(mc.auto_reply())
    assert (v.verdict, v.reason) == (Verdict.IGNORED, "auto_reply")
    v = run(mc.bounce(registered(attachments=[("a.docx", PIECE, mc.DOCX)])))
    assert (v.verdict, v.reason) == (Verdict.IGNORED, "bounce")
    v = run(registered(extra_headers=[("Auto-Submitted", "auto-replied")], attachments=[("a.docx", PIECE, mc.DOCX)]))
    assert v.verdict is Verdict.IGNORED


@pytest.mark.parametrize("where", ["subject", "document", "header"])
def test_classified_marks_are_quarantined_before_anything_else(where):
    subject, doc = "【工作动态】情况报告", PIECE
    if where == "subject":
        subject = "机密★ 关于某事项的情况报告"
    elif where == "document":
        doc = docx_bytes("关于某事项的情况报告", ["密级：秘密", "正文。"], None)
    else:
        d = Document()
        d.sections[0].header.paragraphs[0].text = "绝密★10年"
        d.add_paragraph("关于某事项的情况报告")
        buf = io.BytesIO()
        d.save(buf)
        doc = buf.getvalue()
    # even an unregistered sender: the office must hear of it, and no auto-reply reason applies
    v = run(registered(sender="liming@fgw.example.gov.cn", subject=subject, attachments=[("报告.docx", doc, mc.DOCX)]))
    assert (v.verdict, v.reason) == (Verdict.QUARANTINED, "classified")


def test_everyday_use_of_the_word_secret_is_not_classified():
    doc = docx_bytes("坚持保守秘密教育常态化", ["机关开展保密教育，增强干部保守秘密意识。"], "（滕州市商务局 王芳）")
    assert run(registered(attachments=[("保密教育.docx", doc, mc.DOCX)])).verdict is Verdict.ACCEPTED


def test_provider_verdict_of_a_forged_from_is_spoofed():
    raw = registered(attachments=[("a.docx", PIECE, mc.DOCX)], extra_headers=[
        ("Authentication-Results", "mx.126.com; spf=fail smtp.mailfrom=shangwu-xx@example.org; dmarc=fail")])
    assert run(raw).reason == "spoofed_sender"


def test_oversize():
    raw = registered(attachments=[("a.docx", PIECE, mc.DOCX)])
    v = run(raw, GateContext(max_bytes=len(raw) - 1))
    assert (v.verdict, v.reason) == (Verdict.REJECTED, "oversize")


def test_duplicates_are_rejected_and_only_new_pieces_kept():
    seen = {(hashlib.sha256(PIECE).hexdigest(), "滕州市商务局")}
    ctx = GateContext(seen_piece=lambda sha, unit: (sha, unit) in seen)
    v = run(registered(attachments=[("a.docx", PIECE, mc.DOCX)]), ctx)
    assert (v.verdict, v.reason) == (Verdict.REJECTED, "duplicate")
    v = run(registered(attachments=[("a.docx", PIECE, mc.DOCX), ("b.docx", OTHER, mc.DOCX)]), ctx)
    assert v.verdict is Verdict.ACCEPTED and [p.source for p in v.pieces] == ["b.docx"]


def test_forwarded_attachment_is_found():
    inner = mc.foxmail_gbk(attachments=[("转发的信息.docx", PIECE, mc.DOCX)])
    v = run(mc.forwarded(inner, sender="1234567890@qq.com"))
    assert v.verdict is Verdict.ACCEPTED and [p.source for p in v.pieces] == ["转发的信息.docx"]


def test_the_chain_is_data():
    names = [link.rule.name for link in CHAIN]
    assert names[:2] == [Reason.BOUNCE, Reason.AUTO_REPLY]
    assert names.index(Reason.CLASSIFIED) < names.index(Reason.UNREGISTERED_SENDER)
    # one link per rule, every rule a reason code with a description
    assert len(set(names)) == len(CHAIN) == len(Reason) - 1
    assert all(link.rule.description for link in CHAIN)
    open_chain = [link for link in CHAIN if link.rule.name is not Reason.UNREGISTERED_SENDER]
    v = run(registered(sender="liming@fgw.example.gov.cn", attachments=[("a.docx", PIECE, mc.DOCX)]), chain=open_chain)
    assert v.verdict is Verdict.ACCEPTED


SPOOFED = "mx.example.org; dmarc=fail (p=none) header.from=example.org; spf=fail"


def spoofed_mail() -> bytes:
    return registered(attachments=[("a.docx", PIECE, mc.DOCX)],
                      extra_headers=[("Authentication-Results", SPOOFED)])


def test_an_office_changes_a_links_action_without_code():
    assert run(spoofed_mail()).verdict is Verdict.REJECTED
    v = run(spoofed_mail(), chain=configured({"spoofed_sender": "quarantine"}))
    assert (v.verdict, v.reason) == (Verdict.QUARANTINED, Reason.SPOOFED_SENDER)
    assert [link.action for link in configured({"spoofed_sender": "quarantine"})
            if link.rule.name is Reason.SPOOFED_SENDER] == [GateAction.QUARANTINE]


def test_a_rule_turned_off_is_not_run_and_a_flagged_one_only_records():
    off = run(spoofed_mail(), chain=configured({"spoofed_sender": "off"}))
    assert (off.verdict, off.hits) == (Verdict.ACCEPTED, ())
    flagged = run(spoofed_mail(), chain=configured({"spoofed_sender": "flag"}))
    assert flagged.verdict is Verdict.ACCEPTED and len(flagged.pieces) == 1
    assert [(h.rule, h.detail) for h in flagged.hits] == [(Reason.SPOOFED_SENDER, "Authentication-Results: dmarc=fail")]
    assert flagged.as_json()["hits"] == [{"rule": "spoofed_sender", "detail": "Authentication-Results: dmarc=fail"}]


def test_unknown_rule_in_the_chain_overrides_is_refused():
    with pytest.raises(ValueError):
        configured({"no_such_rule": "reject"})


def test_every_rule_that_fired_is_recorded_and_the_first_deciding_one_decides():
    # unregistered, a photo only, and a 密级 mark: three rules fire, classified decides (it comes first)
    raw = mc.outlook_utf8(sender="liming@fgw.example.gov.cn", subject="秘密★ 照片",
                          attachments=[("现场.jpg", png_bytes(), "image/jpeg")])
    v = run(raw)
    assert (v.verdict, v.reason) == (Verdict.QUARANTINED, Reason.CLASSIFIED)
    assert [h.rule for h in v.hits] == [Reason.CLASSIFIED, Reason.UNREGISTERED_SENDER, Reason.NON_ELECTRONIC,
                                        Reason.NO_DOCUMENT]
    assert v.hits[0].detail == "邮件主题：秘密★"
    # with classified flagged, the next deciding link decides; the hit stays recorded
    v = run(raw, chain=configured({"classified": "flag"}))
    assert (v.verdict, v.reason) == (Verdict.REJECTED, Reason.UNREGISTERED_SENDER)
    assert v.hits[0].rule is Reason.CLASSIFIED


def test_the_ledger_is_asked_once_per_piece_however_many_rules_ask():
    asked = []

    def seen(sha: str, unit: str) -> bool:
        asked.append(sha)
        return False

    v = run(registered(attachments=[("a.docx", PIECE, mc.DOCX)]), GateContext(seen_piece=seen))
    assert v.verdict is Verdict.ACCEPTED and asked == [hashlib.sha256(PIECE).hexdigest()]


def test_a_docx_by_its_bytes_whatever_its_name_or_type():
    for name, ctype in (("稿件.pdf", "application/pdf"), ("稿件", "application/octet-stream"),
                        ("稿件.doc", "application/msword")):
        v = run(registered(attachments=[(name, PIECE, ctype)]))
        assert v.verdict is Verdict.ACCEPTED and [p.source for p in v.pieces] == [name], name


def test_a_png_named_docx_is_an_image():
    v = run(registered(attachments=[("稿件.docx", png_bytes(), mc.DOCX)]))
    assert (v.verdict, v.reason) == (Verdict.REJECTED, Reason.NON_ELECTRONIC)


def test_inspect_json_shape():
    data = run(registered(attachments=[("a.docx", PIECE, mc.DOCX)])).as_json()
    pinned = ("source", "title", "unit", "author", "category", "word_count", "read_by")
    data["pieces"] = [{k: p[k] for k in pinned} for p in data["pieces"]]  # extraction adds keys (issue 9)
    assert isinstance(data["pieces"][0]["word_count"], int) and 40 < data["pieces"][0]["word_count"] < 80
    assert data == {"verdict": "accepted", "reason": None, "sender": "shangwu-xx@example.org", "unit": "滕州市商务局",
                    "hits": [], "authenticated": None, "defects": [], "guessed_charsets": [],
                    "pieces": [{"source": "a.docx", "title": "滕州市商务局多措并举促进消费回暖", "unit": "滕州市商务局",
                                "author": "王芳", "category": "工作动态", "word_count": data["pieces"][0]["word_count"],
                                "read_by": "docx"}]}
