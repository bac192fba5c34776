"""What the .docx reader gives besides the text: the layout a person reads a 公文 by.

Real documents made by python-docx (styles, direct formatting, tables, headers, pictures);
text boxes and footnotes added as the WordprocessingML Word itself writes, since python-docx
cannot make them. An encrypted .docx made with msoffcrypto-tool, as Word's "Encrypt with
Password" writes it (an OLE compound file holding an EncryptedPackage stream).
"""

from __future__ import annotations

import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from test_docx_reader import BODY, TEXTBOX_RUN, TITLE, add_notes, append_xml, save

from baosong.demo.samples import png_bytes
from baosong.intake.readers import READERS, EncryptedDocument, reader_for
from baosong.intake.readers.docx import read_docx
from baosong.vocabulary import DocKind


def layout_doc() -> docx.Document:
    d = docx.Document()
    # a style that centres, enlarges and bolds, and one based on it that only changes the font
    title = d.styles.add_style("公文标题", 1)   # WD_STYLE_TYPE.PARAGRAPH
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.font.size = Pt(22)
    title.font.bold = True
    sub = d.styles.add_style("公文副标题", 1)
    sub.base_style = title
    sub.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "楷体_GB2312")
    d.add_paragraph(TITLE, style="公文标题")
    d.add_paragraph("——副标题", style="公文副标题")
    # direct formatting in the default style
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run("直接排版的标题")
    run.font.size = Pt(22)
    run.font.bold = True
    run.font.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "方正小标宋简体")
    body = d.add_paragraph(BODY)
    body.paragraph_format.first_line_indent = Pt(32)
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate((("指标", "数值"), ("进出口总额", "35.6亿元"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    append_xml(d.add_paragraph(), TEXTBOX_RUN)
    add_notes(d, "footnotes", [("separator", ""), ("continuationSeparator", ""), (None, "数据来源：市统计局")])
    d.sections[0].header.paragraphs[0].text = "政务信息第12期"
    d.add_picture(io.BytesIO(png_bytes()))
    d.add_picture(io.BytesIO(png_bytes()))
    return d


def test_paragraph_layout_from_styles_and_direct_formatting():
    text = read_docx(save(layout_doc()))
    title, subtitle, direct, body = text.paragraphs[:4]
    assert (title.text, title.style, title.alignment, title.size_pt, title.bold) == (TITLE, "公文标题", "center", 22, True)
    # basedOn: the subtitle inherits centre, 22 pt and bold, and has its own font
    assert (subtitle.style, subtitle.alignment, subtitle.size_pt, subtitle.bold) == ("公文副标题", "center", 22, True)
    assert subtitle.fonts == ("楷体_GB2312",)
    assert (direct.style, direct.alignment, direct.size_pt, direct.bold) == ("Normal", "center", 22, True)
    assert direct.fonts == ("方正小标宋简体",)
    # docDefaults: python-docx's template sets 11 pt; Normal is neither bold nor centred
    assert (body.style, body.alignment, body.size_pt, body.bold) == ("Normal", None, 11, False)
    assert body.first_line_indent and not title.first_line_indent
    assert not any(p.in_table for p in text.paragraphs[:4])


def test_tables_text_boxes_footnotes_header_and_pictures():
    text = read_docx(save(layout_doc()))
    assert text.tables == ((("指标", "数值"), ("进出口总额", "35.6亿元")),)
    assert [p.text for p in text.paragraphs if p.in_table] == ["指标", "数值", "进出口总额", "35.6亿元"]
    assert text.text_boxes == ("文本框第一段", "文本框第二段")
    assert text.footnotes == ("数据来源：市统计局",)
    assert text.header_text == "政务信息第12期"
    assert text.images == 2
    assert text.read_by == "docx"
    # what Word counts is unchanged: main story, text boxes and footnotes, not the header
    assert "数据来源" in text.counted_text and "文本框第一段" in text.counted_text
    assert "政务信息第12期" not in text.counted_text


def test_the_registry_chooses_by_bytes():
    data = save(layout_doc())
    assert reader_for(data) is READERS[0] and READERS[0].kind is DocKind.DOCX
    assert reader_for(png_bytes()) is None
    assert reader_for(b"%PDF-1.7\n").kind is DocKind.PDF
    # an OLE signature alone is no Word file (the .doc/.wps readers look for a WordDocument stream)
    # the OLE signature on a broken compound file: a damaged .doc/.wps (read as corrupt_document)
    assert reader_for(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504).name == "doc-damaged"
    zipped = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("照片/1.jpg", png_bytes())
    assert reader_for(zipped.getvalue()) is None       # a plain .zip is no .docx


def encrypted_docx() -> bytes:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(save(layout_doc()))
    out = io.BytesIO()
    OOXMLFile(plain).encrypt("123456", out)
    data = out.getvalue()
    # a real encrypted package: msoffcrypto itself can open it again with the password
    check = msoffcrypto.OfficeFile(io.BytesIO(data))
    check.load_key(password="123456")
    decrypted = io.BytesIO()
    check.decrypt(decrypted)
    assert read_docx(decrypted.getvalue()).paragraphs[0].text == TITLE
    return data


def test_encrypted_docx_is_recognised_and_refused_as_encrypted():
    data = encrypted_docx()
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert reader_for(data) is READERS[0]
    with pytest.raises(EncryptedDocument, match="encrypted"):
        read_docx(data)


def test_an_encrypted_docx_is_rejected_as_password_protected():
    from baosong.intake.judge import judge
    from baosong.vocabulary import Reason, Verdict

    import mailcorpus as mc

    raw = mc.outlook_utf8(sender="shangwu-xx@example.org", attachments=[("加密稿件.docx", encrypted_docx(), mc.DOCX)])
    v = judge(raw, unit_for=lambda a: "滕州市商务局")
    assert (v.verdict, v.reason) == (Verdict.REJECTED, Reason.ENCRYPTED_DOCUMENT)
    assert v.detail == "加密稿件.docx"
    assert Reason.CORRUPT_DOCUMENT not in [h.rule for h in v.hits]   # password-protected, not damaged


def test_kind_of_by_bytes_and_by_name():
    from baosong.intake.documents import kind_of
    from baosong.intake.message import Attachment

    def att(name: str, data: bytes, ctype: str = "application/octet-stream"):
        return Attachment(filename=name, content_type=ctype, data=data, inline=False)

    docx_data = save(layout_doc())
    assert kind_of(att("稿件.pdf", docx_data, "application/pdf")) is DocKind.DOCX
    assert kind_of(att("稿件.docx", png_bytes())) is DocKind.IMAGE
    assert kind_of(att("scan", b"\xff\xd8\xff\xe0" + b"\0" * 64)) is DocKind.IMAGE
    assert kind_of(att("稿件.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)) is DocKind.DOC  # damaged
    assert kind_of(att("稿件.doc", b"not a Word file at all")) is DocKind.UNSUPPORTED
    assert kind_of(att("稿件.bin", b"%PDF-1.7\n")) is DocKind.PDF
    assert kind_of(att("材料.docx", b"Rar!\x1a\x07\x01\x00" + b"\0" * 16)) is DocKind.ARCHIVE
    assert kind_of(att("名片.vcf", b"BEGIN:VCARD")) is DocKind.IGNORABLE
    assert kind_of(att("坏的.docx", b"not a zip")) is DocKind.DOCX   # read, then found corrupt


def test_nested_and_consecutive_tables():
    d = docx.Document()
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "外层"
    inner = outer.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "内层"
    outer.cell(0, 1).add_paragraph("外层续")
    second = d.add_table(rows=1, cols=1)   # python-docx puts no paragraph between the two tables
    second.cell(0, 0).text = "第二表"
    d.add_paragraph("正文")
    text = read_docx(save(d))
    assert (("内层",),) in text.tables and (("第二表",),) in text.tables
    [outer_rows] = [t for t in text.tables if t[0][0] == "外层"]
    assert outer_rows[0][1].split("\n")[-1] == "外层续"
    assert [p.text for p in text.paragraphs if not p.in_table] == ["正文"]
