"""The formats units really send, through the whole judgement: mail built the way Foxmail,
Outlook, QQ Mail and NetEase write it, carrying .doc/.wps/.pdf made by LibreOffice, zips as
Windows writes them and winmail.dat as Outlook writes it. Pure (``judge``), no servers."""

from __future__ import annotations

import io
import zipfile

import pytest

from baosong.intake.judge import judge
from baosong.intake.readers import CONTAINERS, READERS
from baosong.intake.wordcount import word_count
from baosong.notify.replies import ReplyPiece, ReplySkipped, render_reply
from baosong.vocabulary import Reason, Verdict

import mailcorpus as mc
from formats import (
    TITLE,
    article_docx,
    as_wps,
    docm,
    empty_docx,
    encrypted_zip_entry,
    libreoffice_convert,
    photo_docx,
    set_word_flag,
    soffice_or_skip,
    windows_zip,
    winmail_dat,
)

SENDER = "wangzhe@163.com"
UNIT = "滕州市商务局"
DOCX = article_docx()
OCTET = "application/octet-stream"


def unit_for(address: str) -> str | None:
    return UNIT if address.lower() == SENDER else None


@pytest.fixture(scope="module")
def made() -> dict[str, bytes]:
    docs = libreoffice_convert({"article.docx": DOCX, "photo.docx": photo_docx()}, "doc")
    pdfs = libreoffice_convert({"article.docx": DOCX, "scan.docx": photo_docx(1)}, "pdf")
    return {"doc": docs["article"], "photo_doc": docs["photo"], "wps": as_wps(docs["article"]),
            "pdf": pdfs["article"], "scan_pdf": pdfs["scan"]}


def mail(*attachments: tuple[str, bytes, str], client=mc.foxmail_gbk, subject="【工作动态】商务局信息") -> bytes:
    return client(sender=SENDER, subject=subject, attachments=list(attachments))


def run(raw: bytes):
    return judge(raw, unit_for=unit_for)


def accepted(raw: bytes):
    v = run(raw)
    assert (v.verdict, v.reason) == (Verdict.ACCEPTED, None), v.as_json()
    return v


def rejected(raw: bytes, reason: Reason) -> str:
    v = run(raw)
    assert (v.verdict, v.reason) == (Verdict.REJECTED, reason), v.as_json()
    assert not v.pieces
    return v.detail or ""


DOCX_WORDS = word_count("\n".join(  # what the .docx itself counts: the .doc/.wps/.pdf must agree
    __import__("baosong.intake.readers.docx", fromlist=["DocxReader"]).DocxReader().read(DOCX).texts))


# ------------------------------------------------------------------ .doc / .wps

def test_doc_from_foxmail_is_accepted_read_by_libreoffice(made):
    soffice_or_skip()
    [p] = accepted(mail(("商务局信息.doc", made["doc"], "application/msword"))).pieces
    assert (p.title, p.read_by, p.category) == (TITLE, "libreoffice", "工作动态")
    [d] = accepted(mail(("a.docx", DOCX, mc.DOCX))).pieces
    assert (p.unit, p.author, p.word_count) == (d.unit, d.author, d.word_count)


def test_doc_without_libreoffice_is_read_from_the_ole_file(made, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")   # no soffice anywhere: the OLE reader takes over
    [p] = accepted(mail(("商务局信息.doc", made["doc"], "application/msword"), client=mc.outlook_utf8)).pieces
    assert (p.title, p.read_by) == (TITLE, "ole")
    assert p.word_count == accepted(mail(("a.docx", DOCX, mc.DOCX))).pieces[0].word_count


def test_wps_from_qq_mail(made):
    [p] = accepted(mail(("商务局信息.wps", made["wps"], OCTET), client=mc.qq_mail)).pieces
    assert p.title == TITLE and p.read_by in ("libreoffice", "ole")


def test_formats_are_known_by_bytes_not_names(made):
    # a .doc called .docx, a PDF called .doc, a .docx without a name: each read for what it is
    [p] = accepted(mail(("改名.docx", made["doc"], mc.DOCX))).pieces
    assert p.title == TITLE and p.read_by in ("libreoffice", "ole")
    [p] = accepted(mail(("其实是PDF.doc", made["pdf"], "application/msword"))).pieces
    assert p.read_by == "pdf"
    rar = b"Rar!\x1a\x07\x01\x00" + b"\0" * 64
    assert "RAR" in rejected(mail(("稿件.docx", rar, mc.DOCX)), Reason.UNSUPPORTED_ARCHIVE)


def test_encrypted_doc_asks_for_an_unprotected_copy(made):
    detail = rejected(mail(("加密.doc", set_word_flag(made["doc"], 0x0100), "application/msword")),
                      Reason.ENCRYPTED_DOCUMENT)
    assert detail == "加密.doc"


def test_doc_of_pasted_photos_is_non_electronic(made):
    assert rejected(mail(("拍照.doc", made["photo_doc"], "application/msword")), Reason.NON_ELECTRONIC) == "拍照.doc"


# ------------------------------------------------------------------ PDF

def test_pdf_with_text_layer_is_accepted(made):
    [p] = accepted(mail(("商务局信息.pdf", made["pdf"], "application/pdf"), client=mc.netease_126)).pieces
    assert p.read_by == "pdf" and "推动外贸稳中提质" in (p.title or "")
    assert abs(p.word_count - DOCX_WORDS) <= 3  # the PDF's lines split a few English words apart


def test_scanned_pdf_is_non_electronic(made):
    assert rejected(mail(("扫描件.pdf", made["scan_pdf"], "application/pdf")), Reason.NON_ELECTRONIC) == "扫描件.pdf"


# ------------------------------------------------------------------ .docx edge cases

def test_docx_of_pasted_photos_is_non_electronic():
    assert rejected(mail(("照片.docx", photo_docx(), mc.DOCX)), Reason.NON_ELECTRONIC) == "照片.docx"


def test_empty_docx_is_no_document():
    v = run(mail(("空白.docx", empty_docx(), mc.DOCX)))
    assert (v.verdict, v.reason, v.pieces) == (Verdict.REJECTED, Reason.NO_DOCUMENT, ())


def test_docm_is_read_and_its_macros_never_run():
    """A .docm: the macro-enabled content type and a vbaProject.bin part. Read as a .docx (the reader
    only parses XML), never handed to anything that could run the macro."""
    [p] = accepted(mail(("带宏.docm", docm(DOCX), "application/vnd.ms-word.document.macroEnabled.12"))).pieces
    assert (p.title, p.read_by) == (TITLE, "docx")


# ------------------------------------------------------------------ archives

def test_zip_of_documents_each_becomes_a_piece(made):
    z = windows_zip({"材料/一、商务局信息.docx": DOCX, "二、商务局信息.doc": made["doc"],
                     "说明.txt": "请查收".encode("gbk")})
    v = accepted(mail(("报送材料.zip", z, "application/x-zip-compressed"), client=mc.outlook_utf8))
    assert [(p.source, p.title) for p in v.pieces] == [
        ("报送材料.zip/材料/一、商务局信息.docx", TITLE), ("报送材料.zip/二、商务局信息.doc", TITLE)]


def test_encrypted_zip_is_refused_with_a_reply():
    detail = rejected(mail(("加密.zip", encrypted_zip_entry("信息.docx", DOCX), "application/zip")),
                      Reason.ENCRYPTED_DOCUMENT)
    assert detail == "加密.zip"


@pytest.mark.parametrize("head", [b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00", b"7z\xbc\xaf\x27\x1c\x00\x04"])
def test_rar_and_7z_get_a_polite_reply(head):
    rejected(mail(("材料.rar", head + b"\0" * 200, "application/x-rar-compressed")), Reason.UNSUPPORTED_ARCHIVE)


def test_zip_bomb_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("炸弹.docx", b"\0" * (25 * 1024 * 1024))
    assert "compression ratio" in rejected(mail(("a.zip", buf.getvalue(), "application/zip")),
                                           Reason.UNSUPPORTED_ARCHIVE)


def test_a_refused_archive_next_to_a_readable_docx_does_not_block_it_and_is_named():
    rar = b"Rar!\x1a\x07\x00" + b"\0" * 64
    v = accepted(mail(("信息.docx", DOCX, mc.DOCX), ("旧稿.rar", rar, OCTET),
                      ("加密.zip", encrypted_zip_entry("x.docx", DOCX), "application/zip"),
                      ("空白.docx", empty_docx(), mc.DOCX)))
    assert [p.source for p in v.pieces] == ["信息.docx"]
    assert v.skipped == (("旧稿.rar", Reason.UNSUPPORTED_ARCHIVE), ("加密.zip", Reason.ENCRYPTED_DOCUMENT),
                         ("空白.docx", Reason.NO_DOCUMENT))
    text = render([ReplyPiece(p.source, p.title, p.category, p.word_count, p.read_by) for p in v.pieces],
                  skipped=[ReplySkipped(s, r) for s, r in v.skipped])
    assert "以下附件没有登记" in text
    assert "  - 旧稿.rar：压缩包无法解开" in text and "  - 加密.zip：附件设置了密码" in text
    assert "  - 空白.docx：没有稿件" in text
    assert "以下附件没有登记" not in render([ReplyPiece("信息.docx", TITLE, None, 100, "docx")])


# ------------------------------------------------------------------ winmail.dat

def test_outlook_winmail_dat_documents_are_judged(made):
    tnef = winmail_dat([("滕州市商务局信息.docx", DOCX), ("附件2.pdf", made["pdf"])])
    v = accepted(mail(("winmail.dat", tnef, "application/ms-tnef"), client=mc.outlook_utf8))
    assert [(p.source, p.read_by) for p in v.pieces] == [("winmail.dat/滕州市商务局信息.docx", "docx"),
                                                         ("winmail.dat/附件2.pdf", "pdf")]


def test_winmail_dat_with_only_a_photo_is_non_electronic():
    from baosong.demo.samples import png_bytes

    tnef = winmail_dat([("照片.png", png_bytes())])
    assert rejected(mail(("winmail.dat", tnef, "application/ms-tnef")), Reason.NON_ELECTRONIC) == "winmail.dat/照片.png"


# ------------------------------------------------------------------ the receipt

def render(pieces, verdict=Verdict.ACCEPTED, reason=None, detail=None, skipped=()) -> str:
    return render_reply(verdict=verdict, reason=reason, detail=detail, sender=SENDER, subject="信息", unit=UNIT,
                        pieces=pieces, office_name="滕州市人民政府办公室", department="信息科", phone=None,
                        received_at="2026-11-03 09:00", skipped=skipped)[1]


def test_receipt_says_which_way_each_document_was_read(made, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    v = accepted(mail(("a.doc", made["doc"], "application/msword"), ("b.pdf", made["pdf"], "application/pdf")))
    text = render([ReplyPiece(p.source, p.title, p.category, p.word_count, p.read_by) for p in v.pieces])
    assert "读取方式：直接读取文字（本机未经 LibreOffice 转换" in text
    assert "读取方式：读取 PDF 中的文字" in text
    text = render([ReplyPiece("a.doc", TITLE, None, 100, "libreoffice"), ReplyPiece("b.docx", TITLE, None, 100, "docx")])
    assert text.count("读取方式") == 1 and "经 LibreOffice 转换后读取" in text


@pytest.mark.parametrize("reason", [Reason.ENCRYPTED_DOCUMENT, Reason.UNSUPPORTED_ARCHIVE, Reason.NON_ELECTRONIC,
                                    Reason.UNSUPPORTED_FORMAT, Reason.NO_DOCUMENT])
def test_replies_offer_the_formats_now_accepted(reason):
    text = render([], verdict=Verdict.REJECTED, reason=reason, detail="材料.rar")
    assert "其他原因" not in text
    if reason is Reason.UNSUPPORTED_ARCHIVE:
        assert ".zip" in text
    elif reason is Reason.ENCRYPTED_DOCUMENT:
        assert "密码" in text
    else:
        assert "WPS" in text or "PDF" in text


def test_registries_hold_the_formats():
    names = [r.name for r in READERS]
    assert names == ["docx", "doc-libreoffice", "wps-libreoffice", "doc-ole", "wps-ole", "doc-damaged", "pdf"]
    assert [c.name for c in CONTAINERS] == ["zip", "rar-7z", "tnef"]
