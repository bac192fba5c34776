"""Reading the text of real .docx files (built with python-docx, XML injected where needed)."""

from __future__ import annotations

import io
import threading
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

from baosong.intake.readers.base import DocumentText
from baosong.intake.readers.docx import CorruptDocument, read_docx
from baosong.intake.wordcount import word_count

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (
    f'xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)

TITLE = "滕州市商务局\u201c三个聚焦\u201d推动外贸稳中提质"
BODY = "\u3000\u3000今年以来，滕州市商务局聚焦重点企业、重点市场，1-3月全市进出口总额35.6亿元，同比增长12.5%。"


def append_xml(paragraph, fragment: str) -> None:
    """Append raw WordprocessingML (runs, w:ins, w:del, ...) to a python-docx paragraph."""
    holder = etree.fromstring(f"<holder {NSDECL}>{fragment}</holder>")
    for child in list(holder):
        paragraph._p.append(child)


def save(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def rewrite(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """Copy a zip, replacing (bytes) or dropping (None) the named members."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
            else:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def add_notes(document, kind: str, notes: list[tuple[str | None, str]]) -> None:
    """Attach a footnotes/endnotes part; notes are (w:type or None, text)."""
    tag = "footnote" if kind == "footnotes" else "endnote"
    items = []
    for i, (note_type, text) in enumerate(notes, start=-1):
        type_attr = f' w:type="{note_type}"' if note_type else ""
        items.append(f'<w:{tag} w:id="{i}"{type_attr}><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{tag}>')
    blob = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:{kind} {NSDECL}>{"".join(items)}</w:{kind}>').encode()
    if kind == "footnotes":
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
        document.part.relate_to(part, RT.FOOTNOTES)
    else:
        part = Part(PackURI("/word/endnotes.xml"), CT.WML_ENDNOTES, blob, document.part.package)
        document.part.relate_to(part, RT.ENDNOTES)


TEXTBOX_RUN = """
<w:r><w:t>锚点</w:t>
  <mc:AlternateContent>
    <mc:Choice Requires="wps">
      <w:drawing><wp:anchor><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
        <wps:wsp><wps:txbx><w:txbxContent>
          <w:p><w:r><w:t>文本框第一段</w:t></w:r></w:p>
          <w:p><w:r><w:t>文本框第二段</w:t></w:r></w:p>
        </w:txbxContent></wps:txbx></wps:wsp>
      </a:graphicData></a:graphic></wp:anchor></w:drawing>
    </mc:Choice>
    <mc:Fallback>
      <w:pict><v:shape><v:textbox><w:txbxContent>
        <w:p><w:r><w:t>文本框第一段</w:t></w:r></w:p>
        <w:p><w:r><w:t>文本框第二段</w:t></w:r></w:p>
      </w:txbxContent></v:textbox></v:shape></w:pict>
    </mc:Fallback>
  </mc:AlternateContent>
</w:r>
"""


def simple_doc() -> docx.Document:
    d = docx.Document()
    d.add_paragraph(TITLE)
    d.add_paragraph(BODY)
    return d


# --- basics -------------------------------------------------------------------------------

def test_plain_document_paragraphs_and_count():
    d = simple_doc()
    d.add_paragraph("")
    d.add_paragraph("（滕州市商务局\u3000王芳）")
    text = read_docx(save(d))
    assert isinstance(text, DocumentText)
    assert text.texts == (TITLE, BODY, "", "（滕州市商务局\u3000王芳）")
    assert text.counted_text == "\n".join(text.texts)
    assert text.header_text == ""
    # title 20 字 (“ ” count as East-Asian, U1); body: 42 East-Asian + 4 runs (1-3, 35.6, 12.5%) ...
    assert word_count(TITLE) == 20
    assert word_count(text.counted_text) == 20 + word_count(BODY) + 10


def test_tables_are_read_and_counted():
    d = simple_doc()
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "数值"
    table.cell(1, 0).text = "进出口总额"
    table.cell(1, 1).text = "35.6亿元"
    text = read_docx(save(d))
    assert text.texts[2:] == ("指标", "数值", "进出口总额", "35.6亿元")
    assert word_count(text.counted_text) == word_count(TITLE + "\n" + BODY) + 2 + 2 + 5 + 3


def test_headers_and_footers_returned_not_counted():
    d = simple_doc()
    section = d.sections[0]
    section.header.paragraphs[0].text = "秘密\u26051年"
    section.footer.paragraphs[0].text = "滕州市人民政府办公室"
    text = read_docx(save(d))
    assert "秘密\u26051年" in text.header_text
    assert "滕州市人民政府办公室" in text.header_text
    assert "秘密" not in text.counted_text
    assert "滕州市人民政府办公室" not in text.counted_text
    assert word_count(text.counted_text) == word_count(TITLE + "\n" + BODY)


def test_header_watermark_text_is_returned():
    d = simple_doc()
    header_p = d.sections[0].header.paragraphs[0]
    append_xml(header_p, '<w:r><w:pict><v:shape><v:textpath string="机密"/></v:shape></w:pict></w:r>')
    text = read_docx(save(d))
    assert "机密" in text.header_text.split("\n")
    assert "机密" not in text.counted_text


def test_run_children_tabs_breaks_hyphens_symbols():
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("姓名")
    p.add_run().add_tab()
    p.add_run("张三")
    p.add_run().add_break()            # textWrapping -> \v
    p.add_run("李四")
    append_xml(p, '<w:r><w:cr/><w:t>COVID</w:t><w:noBreakHyphen/><w:t>19</w:t>'
                  '<w:softHyphen/><w:t>x</w:t><w:ptab w:relativeTo="margin" w:alignment="right"'
                  ' w:leader="none"/><w:sym w:font="Wingdings" w:char="F0FC"/><w:sym w:font="Symbol"'
                  ' w:char="zz"/></w:r>')
    text = read_docx(save(d))
    assert text.texts == ("姓名\t张三\v李四\vCOVID-19x\t\uf0fcX",)


def test_page_and_column_breaks_split_paragraphs():
    d = docx.Document()
    p = d.add_paragraph("第一页末尾")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("第二页开头")
    p.add_run().add_break(WD_BREAK.COLUMN)
    p.add_run("下一栏")
    only_break = d.add_paragraph()
    only_break.add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("结尾")
    text = read_docx(save(d))
    assert text.texts == ("第一页末尾", "第二页开头", "下一栏", "", "结尾")
    assert "\f" not in text.counted_text


def test_literal_newline_inside_w_t_is_a_space():
    d = docx.Document()
    append_xml(d.add_paragraph(), '<w:r><w:t xml:space="preserve">Hello\nWorld</w:t></w:r>')
    assert read_docx(save(d)).texts == ("Hello World",)


# --- stories and revisions ----------------------------------------------------------------

def test_text_box_counted_once_and_not_reread_by_its_run():
    d = simple_doc()
    append_xml(d.add_paragraph(), TEXTBOX_RUN)
    text = read_docx(save(d))
    assert text.texts == (TITLE, BODY, "锚点")
    assert text.counted_text.count("文本框第一段") == 1
    assert text.counted_text.count("文本框第二段") == 1
    assert word_count(text.counted_text) == word_count(TITLE + "\n" + BODY) + 2 + 6 + 6


def test_vml_only_text_box_is_counted():
    d = simple_doc()
    append_xml(d.add_paragraph(), '<w:r><w:pict><v:shape><v:textbox><w:txbxContent>'
                                  '<w:p><w:r><w:t>旧式文本框</w:t></w:r></w:p>'
                                  '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    text = read_docx(save(d))
    assert text.texts[-1] == ""
    assert text.counted_text.split("\n").count("旧式文本框") == 1


def test_tracked_changes_hidden_text_and_field_codes():
    d = docx.Document()
    p = d.add_paragraph("全市")
    append_xml(p, '<w:ins w:id="1" w:author="王芳" w:date="2026-03-01T09:00:00Z">'
                  '<w:r><w:t>新增</w:t></w:r></w:ins>'
                  '<w:del w:id="2" w:author="王芳" w:date="2026-03-01T09:00:00Z">'
                  '<w:r><w:delText>删除的话</w:delText></w:r></w:del>'
                  '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r>'
                  '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>可见</w:t></w:r>'
                  '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                  '<w:r><w:instrText xml:space="preserve"> PAGE \\* MERGEFORMAT </w:instrText></w:r>'
                  '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                  '<w:r><w:t>3</w:t></w:r>'
                  '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
                  '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>9</w:t></w:r></w:fldSimple>'
                  '<w:hyperlink w:anchor="x"><w:r><w:t>链接</w:t></w:r></w:hyperlink>')
    text = read_docx(save(d))
    assert text.texts == ("全市新增可见39链接",)
    assert word_count(text.counted_text) == 2 + 2 + 2 + 1 + 2


def test_footnotes_and_endnotes_counted_separators_skipped():
    d = simple_doc()
    add_notes(d, "footnotes", [("separator", "分隔符"), ("continuationSeparator", "续分隔符"),
                               (None, "数据来源：滕州市统计局")])
    add_notes(d, "endnotes", [("separator", "分隔符"), ("continuationSeparator", "续分隔符"),
                              (None, "尾注内容")])
    text = read_docx(save(d))
    lines = text.counted_text.split("\n")
    assert "数据来源：滕州市统计局" in lines
    assert "尾注内容" in lines
    assert "分隔符" not in text.counted_text
    assert text.texts == (TITLE, BODY)
    assert word_count(text.counted_text) == word_count(TITLE + "\n" + BODY) + 11 + 4


def _with_subdocs(switch: str | None) -> DocumentText:
    d = simple_doc()
    append_xml(d.add_paragraph(), TEXTBOX_RUN)
    add_notes(d, "footnotes", [("separator", ""), ("continuationSeparator", ""), (None, "脚注")])
    if switch is not None:
        el = etree.fromstring(f"<w:doNotIncludeSubdocsInStats {NSDECL} {switch}/>")
        d.settings.element.append(el)
    return read_docx(save(d))


def test_do_not_include_subdocs_in_stats():
    included = _with_subdocs(None)
    excluded = _with_subdocs("")
    explicit_off = _with_subdocs('w:val="false"')
    assert "脚注" in included.counted_text and "文本框第一段" in included.counted_text
    assert "脚注" not in excluded.counted_text and "文本框第一段" not in excluded.counted_text
    assert excluded.counted_text == "\n".join((TITLE, BODY, "锚点"))
    assert explicit_off.counted_text == included.counted_text
    assert word_count(included.counted_text) - word_count(excluded.counted_text) == 2 + 6 + 6


def test_document_without_relationships_part_uses_conventional_names():
    d = simple_doc()
    d.sections[0].header.paragraphs[0].text = "页眉"
    add_notes(d, "footnotes", [(None, "脚注")])
    data = rewrite(save(d), {"word/_rels/document.xml.rels": None})
    text = read_docx(data)
    assert text.header_text == "页眉"
    assert "脚注" in text.counted_text


# --- hostile and broken input -------------------------------------------------------------

def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml")


def _run_with_deadline(fn, seconds: float = 5.0):
    """Run fn in a daemon thread; fail (instead of hanging the suite) if it does not finish."""
    outcome: dict[str, object] = {}

    def target():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "parser did not finish in time"
    return outcome


BILLION_LAUGHS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [
  <!ENTITY l0 "哈哈">
  <!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">
  <!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">
  <!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
  <!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">
  <!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">
  <!ENTITY l6 "&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;">
  <!ENTITY l7 "&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;">
  <!ENTITY l8 "&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;">
  <!ENTITY l9 "&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;">
]>
<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>
""".encode()

EXTERNAL_ENTITY = f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE w:document [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>
""".encode()


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "xxe"])
def test_entity_attacks_do_not_expand(payload):
    data = rewrite(save(simple_doc()), {"word/document.xml": payload})
    outcome = _run_with_deadline(lambda: read_docx(data))
    error = outcome.get("error")
    assert isinstance(error, CorruptDocument), outcome
    assert "DTD" in str(error)


def test_undeclared_entity_is_malformed_xml():
    xml = _document_xml(save(simple_doc())).replace("今年以来".encode(), b"&xxe;")
    with pytest.raises(CorruptDocument, match="malformed XML in word/document.xml"):
        read_docx(rewrite(save(simple_doc()), {"word/document.xml": xml}))


def test_malformed_xml():
    data = save(simple_doc())
    xml = _document_xml(data)
    with pytest.raises(CorruptDocument, match="malformed XML in word/document.xml"):
        read_docx(rewrite(data, {"word/document.xml": xml[: len(xml) // 2]}))


def test_not_a_zip():
    for junk in (b"", b"hello", "这不是压缩包".encode(), b"PK\x03\x04" + b"\x00" * 40):
        with pytest.raises(CorruptDocument, match="not a zip archive"):
            read_docx(junk)


def test_missing_document_xml():
    data = rewrite(save(simple_doc()), {"word/document.xml": None})
    with pytest.raises(CorruptDocument, match="word/document.xml missing"):
        read_docx(data)


def test_truncated_zip():
    data = save(simple_doc())
    for cut in (len(data) // 3, len(data) - 30):
        with pytest.raises(CorruptDocument):
            read_docx(data[:cut])


def test_damaged_member_data():
    data = bytearray(save(simple_doc()))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    # Local header is 30 bytes + name + extra; overwrite the middle of the compressed data.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle:middle + 16] = b"\xff" * 16
    with pytest.raises(CorruptDocument):
        read_docx(bytes(data))


def test_zip_bomb_refused_by_declared_size():
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(save(simple_doc()))) as src, \
            zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("word/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < 100 * 1024
    with pytest.raises(CorruptDocument, match="exceeds"):
        read_docx(data, max_uncompressed=2 * 1024 * 1024)
    assert read_docx(data).texts == (TITLE, BODY)


def test_only_corrupt_document_escapes_for_garbage_members():
    data = save(simple_doc())
    for name, blob in (("word/document.xml", b"\xff\xfe\x00garbage"),
                       ("word/settings.xml", b"<w:settings"),
                       ("word/_rels/document.xml.rels", b"not xml"),
                       ("_rels/.rels", b"<Relationships>")):
        with pytest.raises(CorruptDocument):
            read_docx(rewrite(data, {name: blob}))
