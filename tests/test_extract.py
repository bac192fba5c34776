"""Title, unit, author, category and 字数 of submitted pieces."""

from __future__ import annotations

import io

import docx
import pytest

from baosong.intake.extract import DEFAULT_CATEGORIES, Extracted, extract_docx, extract_fields, extract_text
from baosong.intake.readers.base import UnreadableDocument
from baosong.intake.wordcount import CountOptions, word_count

IND = "\u3000\u3000"  # the usual two-character indent

TITLE = "滕州市商务局\u201c三个聚焦\u201d推动外贸稳中提质"
PARAGRAPHS = [
    IND + "今年以来，滕州市商务局聚焦重点企业、重点市场、重点平台，推动全市外贸稳中提质。"
          "1-3月，全市实现进出口总额35.6亿元，同比增长12.5%。",
    IND + "一是聚焦重点企业强服务。建立重点外贸企业“白名单”，开展“一对一”帮扶。",
    IND + "二是聚焦重点市场拓渠道。组织企业参加广交会等境内外展会16场次。",
]


def core(e: Extracted) -> Extracted:
    """The five pinned fields only."""
    return Extracted(e.title, e.unit, e.author, e.category, e.word_count)


def make_docx(paragraphs: list[str], *, header: str = "") -> bytes:
    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    if header:
        d.sections[0].header.paragraphs[0].text = header
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_gongzuo_dongtai_piece_from_docx():
    paragraphs = ["【工作动态】" + TITLE, "报送单位：滕州市商务局  撰稿人：王芳  审核：李强", *PARAGRAPHS]
    result = extract_docx(make_docx(paragraphs, header="滕州市商务局信息"), filename="外贸稳中提质.docx")
    assert core(result) == Extracted(
        title=TITLE,
        unit="滕州市商务局",
        author="王芳",
        category="工作动态",
        word_count=word_count("\n".join(paragraphs)),
    )


def test_word_count_is_words_of_counted_text_by_hand():
    # title 13 字; "1-3" + 月进出口总额 (6) + "35.6" + 亿元，同比增长 (7) + "12.5%" + 。 = 17
    paragraphs = ["滕州市商务局推进外贸稳增长", IND + "1-3月进出口总额35.6亿元，同比增长12.5%。"]
    assert extract_docx(make_docx(paragraphs)).word_count == 30
    assert extract_docx(make_docx(paragraphs), options=CountOptions(ideo_space_is_space=False)).word_count == 32


def test_table_text_counts_in_word_count():
    d = docx.Document()
    d.add_paragraph(TITLE)
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "进出口总额"
    table.cell(0, 1).text = "35.6亿元"
    buf = io.BytesIO()
    d.save(buf)
    assert extract_docx(buf.getvalue()).word_count == word_count(TITLE) + 5 + 3


def test_closing_line_full_width_with_several_authors():
    paragraphs = [TITLE, *PARAGRAPHS, "（滕州市商务局\u3000王芳\u3000李明）"]
    result = extract_fields(paragraphs, "\n".join(paragraphs))
    assert (result.unit, result.author) == ("滕州市商务局", "王芳、李明")


def test_closing_line_half_width():
    paragraphs = [TITLE, *PARAGRAPHS, "(滕州市龙阳镇人民政府 张伟)", ""]
    result = extract_fields(paragraphs, "")
    assert (result.unit, result.author) == ("滕州市龙阳镇人民政府", "张伟")


def test_closing_line_with_unit_only():
    result = extract_fields([TITLE, *PARAGRAPHS, "（滕州市商务局）"], "")
    assert (result.unit, result.author) == ("滕州市商务局", None)


def test_closing_line_only_among_last_three_paragraphs():
    paragraphs = [TITLE, *PARAGRAPHS[:1], "（滕州市商务局 王芳）", *PARAGRAPHS, ]
    assert (extract_fields(paragraphs, "").unit, extract_fields(paragraphs, "").author) == (None, None)
    # ... and notes such as （完） or a date in brackets are not a unit
    paragraphs = [TITLE, *PARAGRAPHS[:1], "（滕州市商务局 王芳）", "（2026年3月31日）", "（完）"]
    result = extract_fields(paragraphs, "")
    assert (result.unit, result.author) == ("滕州市商务局", "王芳")


def test_labelled_lines_half_width_colon_and_several_authors():
    paragraphs = [TITLE, "作者:王芳 李明", "单位： 滕州市发展和改革局", *PARAGRAPHS]
    result = extract_fields(paragraphs, "")
    assert (result.unit, result.author) == ("滕州市发展和改革局", "王芳、李明")


@pytest.mark.parametrize("line, unit, author", [
    ("供稿单位：滕州市统计局；撰稿：赵敏、孙磊", "滕州市统计局", "赵敏、孙磊"),
    ("撰稿人：王芳\u3000\u3000报送单位：滕州市商务局", "滕州市商务局", "王芳"),
    ("报送单位：滕州市商务局撰稿人：王芳", "滕州市商务局", "王芳"),
    ("作者：王芳，李明  联系电话：0632-5512345", None, "王芳、李明"),
])
def test_labelled_line_variants(line, unit, author):
    result = extract_fields([TITLE, line, *PARAGRAPHS], "")
    assert (result.unit, result.author) == (unit, author)


def test_labelled_fields_win_over_closing_line():
    paragraphs = [TITLE, "撰稿人：王芳", *PARAGRAPHS, "（滕州市商务局 李明）"]
    result = extract_fields(paragraphs, "")
    assert (result.unit, result.author) == ("滕州市商务局", "王芳")


def test_not_fields_measurement_unit_and_addressees():
    paragraphs = [TITLE, "各单位：现将有关情况通报如下。", "单位：万元", "指标", *PARAGRAPHS]
    result = extract_fields(paragraphs, "")
    assert (result.unit, result.author) == (None, None)


def test_title_whitespace_collapsed_and_tag_removed():
    paragraphs = ["", "  \u3000", "【工作动态类】\u3000滕州市商务局\v多措并举\t稳外贸  ", *PARAGRAPHS]
    result = extract_fields(paragraphs, "")
    assert result.title == "滕州市商务局多措并举 稳外贸"  # a manual line break joins, a tab stays a space
    assert result.category == "工作动态"


def test_title_after_a_tag_only_line_and_non_category_tag_kept():
    assert extract_fields(["[经验亮点]", TITLE], "").title == TITLE
    assert extract_fields(["【滕州】外贸稳中提质"], "").title == "【滕州】外贸稳中提质"


def test_no_paragraphs():
    assert core(extract_fields([], "")) == Extracted(None, None, None, None, 0)
    assert extract_fields(["", "\u3000"], "").title is None


@pytest.mark.parametrize("subject, filename, first, expected", [
    ("【经验亮点】滕州市商务局外贸工作", "【调研分析】a.docx", "【工作动态】" + TITLE, "经验亮点"),
    ("滕州市商务局报送信息", "【调研分析类】外贸.docx", "【工作动态】" + TITLE, "调研分析"),
    ("滕州市商务局报送信息", "外贸.docx", "[问题建议]" + TITLE, "问题建议"),
    ("[社情民意] 关于小区停车难的反映", "", TITLE, "社情民意"),
    ("【转发】【问题建议】关于…", "", TITLE, "问题建议"),
    ("报送一篇工作动态，请审阅", "", TITLE, "工作动态"),
    ("调研分析及问题建议", "", TITLE, None),  # two categories named: never guessed
    ("【转发】信息一篇", "", TITLE, None),
    ("", "", TITLE, None),
])
def test_category(subject, filename, first, expected):
    result = extract_fields([first, *PARAGRAPHS], "", subject=subject, filename=filename)
    assert result.category == expected


def test_category_tag_only_in_first_paragraphs():
    paragraphs = [TITLE, *PARAGRAPHS, "【工作动态】"]
    assert extract_fields(paragraphs, "").category is None


def test_custom_categories():
    cats = ("综合信息", "专报")
    assert extract_fields([TITLE], "", subject="【专报类】滕州", categories=cats).category == "专报"
    assert extract_fields([TITLE], "", subject="【工作动态】滕州", categories=cats).category is None
    assert extract_fields(["【专报】" + TITLE], "", categories=cats).title == TITLE


def test_extract_text_from_mail_body():
    body = ("【社情民意】关于城区学校周边交通拥堵的反映\r\n"
            "\r\n"
            "\u3000\u3000近期，部分群众反映城区学校周边上下学时段交通拥堵。\r\n"
            "（滕州市荆河街道办事处 刘洋）\r\n")
    result = extract_text(body, subject="信息报送")
    assert core(result) == Extracted(
        title="关于城区学校周边交通拥堵的反映",
        unit="滕州市荆河街道办事处",
        author="刘洋",
        category="社情民意",
        word_count=word_count(body),
    )


def test_extract_docx_lets_corrupt_document_through():
    with pytest.raises(UnreadableDocument):
        extract_docx(b"not a docx", subject="【工作动态】")


def test_default_categories():
    assert DEFAULT_CATEGORIES == ("工作动态", "经验亮点", "调研分析", "问题建议", "社情民意")


def test_body_salutation_is_skipped_and_running_text_falls_back_to_the_subject():
    body = "信息科：\n\n滨湖镇召开秋季安全生产工作会议\n10月12日，滨湖镇召开秋季安全生产工作会议，部署重点工作。\n"
    assert extract_text(body, subject="【工作动态】安全生产").title == "滨湖镇召开秋季安全生产工作会议"
    body = "各位领导：\n10月12日，滨湖镇召开秋季安全生产工作会议，部署下一阶段重点工作。\n"
    result = extract_text(body, subject="【工作动态】滨湖镇部署秋季安全生产")
    assert result.title == "滨湖镇部署秋季安全生产" and result.category == "工作动态"
    assert result.word_count == word_count("10月12日，滨湖镇召开秋季安全生产工作会议，部署下一阶段重点工作。")
