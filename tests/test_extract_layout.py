"""Extraction over the reader contract (DocumentText with layout), one behaviour per test:
titles by layout evidence, mastheads, bylines in every form, categories and aliases, units
matched to the registry with their source, mail-body pieces."""

from __future__ import annotations

import pytest

from baosong.intake.extract import Flag, extract_document, extract_text
from baosong.intake.readers.base import DocumentText, Paragraph
from baosong.intake.units_match import UnitRegistry
from baosong.intake.wordcount import word_count

REGISTRY = UnitRegistry([
    ("滨湖镇人民政府", "滨湖镇", ()), ("龙泉街道办事处", "龙泉街道", ()), ("滕州市商务局", "商务局", ()),
    ("滕州市审计局", "审计局", ()), ("滕州市体育局", "体育局", ()), ("滕州市信访局", "信访局", ()),
    ("滕州市气象局", "气象局", ()), ("滕州市果树服务中心", "果树中心", ("市果树站",)),
])
BODY = [
    "今年以来，滕州市商务局聚焦重点企业、重点市场、重点平台，推动全市外贸稳中提质。1-10月，全市实现进出口总额135.6亿元。",
    "一是聚焦重点企业强服务。建立重点外贸企业“白名单”，开展“一对一”帮扶，协调解决融资、物流等问题37个。",
]


def title(text: str, size: float = 22, **kw) -> Paragraph:
    kw.setdefault("alignment", "center")
    return Paragraph(text, size_pt=size, fonts=("方正小标宋简体",), **kw)


def body(text: str) -> Paragraph:
    return Paragraph(text, size_pt=16, first_line_indent=True, alignment="both", fonts=("仿宋_GB2312",))


def line(text: str, **kw) -> Paragraph:
    kw.setdefault("size_pt", 16)
    return Paragraph(text, **kw)


def doc(*paragraphs: Paragraph, header: str = "", tables=()) -> DocumentText:
    return DocumentText(paragraphs=tuple(paragraphs), counted_text="\n".join(p.text for p in paragraphs),
                        header_text=header, tables=tuple(tables))


def ex(d: DocumentText, **kw):
    kw.setdefault("registry", REGISTRY)
    return extract_document(d, **kw)


# --- titles -------------------------------------------------------------------------------------

def test_two_centred_large_paragraphs_are_one_title():
    d = doc(title("滨湖镇聚焦“五大振兴”"), title("全面推进乡村振兴"), *map(body, BODY))
    assert ex(d).title == "滨湖镇聚焦“五大振兴”全面推进乡村振兴"


def test_lines_set_differently_are_not_joined():
    d = doc(title("滕州市商务局推动外贸稳中提质"), line("外贸企业“白名单”制度", alignment="left"), *map(body, BODY))
    assert ex(d).title == "滕州市商务局推动外贸稳中提质"


def test_manual_line_break_joins_without_space():
    assert ex(doc(title("滕州市商务局\v推动外贸稳中提质"), *map(body, BODY))).title == "滕州市商务局推动外贸稳中提质"


def test_latin_words_across_a_break_keep_a_space():
    assert ex(doc(title("滕州市推进5G\vAI融合应用"), *map(body, BODY))).title == "滕州市推进5G AI融合应用"
    assert ex(doc(title("Smart\vCity 建设"), *map(body, BODY))).title == "Smart City 建设"


@pytest.mark.parametrize("masthead", [
    "滕州商务政务信息", "第12期", "2026年第9期", "（总第128期）", "工 作 简 报", "滕州市审计局工作简报",
    "密级：内部", "秘密★1年", "编号：2026-031", "2026年11月20日", "二〇二六年十一月二十日", "ICS 27.120.99",
    "DB37/T 4521—2026", "报送单位：滕州市审计局    签发人：李强", "签发人：李强",
    "滕州市商务局办公室编      2026年11月20日", "滕商发〔2026〕12号", "滕州市商务局文件", "附件2", "————————",
])
def test_mastheads_are_not_titles(masthead):
    d = doc(line(masthead, alignment="center", size_pt=26), title("滕州市商务局推动外贸稳中提质", 20), *map(body, BODY))
    assert ex(d).title == "滕州市商务局推动外贸稳中提质"


def test_layout_outweighs_position():
    d = doc(line("经验交流", alignment="left"), title("滨湖镇“湿地+”模式带动群众增收"), *map(body, BODY))
    assert ex(d).title == "滨湖镇“湿地+”模式带动群众增收"


def test_title_style_outweighs_position():
    d = doc(Paragraph("信息一则", style="Normal"), Paragraph("龙泉街道深化网格化治理", style="Title"),
            Paragraph(BODY[0], style="Normal"))
    assert ex(d).title == "龙泉街道深化网格化治理"


def test_vertical_banner_is_one_title():
    d = doc(*(title(ch) for ch in "情况通报"), *map(body, BODY))
    assert ex(d).title == "情况通报"


def test_letter_spaced_title_is_closed_up():
    assert ex(doc(title("通\u3000\u3000知"), *map(body, BODY))).title == "通知"


def test_no_title_line_gives_null_and_the_subject_as_fallback():
    result = ex(doc(*map(body, BODY)), subject="【工作动态】外贸稳中提质", filename="外贸.docx")
    assert (result.title, result.title_source, result.title_fallback) == (None, "subject", "外贸稳中提质")
    assert Flag.NO_TITLE in result.flags
    result = ex(doc(*map(body, BODY)), filename="【工作动态】外贸稳中提质.docx")
    assert (result.title, result.title_source, result.title_fallback) == (None, "filename", "外贸稳中提质")


def test_a_150_character_paragraph_is_never_the_title():
    long = "今年以来" + "，滨湖镇坚持把乡村振兴作为总抓手" * 10
    assert len(long) > 150
    assert ex(doc(Paragraph(long), Paragraph(BODY[1]))).title is None


def test_subtitle_is_not_part_of_the_title():
    d = doc(title("凝心聚力抓整改"), line("——滕州市审计局推动审计整改工作纪实", alignment="center"), *map(body, BODY))
    assert ex(d).title == "凝心聚力抓整改"


# --- unit and author ----------------------------------------------------------------------------

@pytest.mark.parametrize("closing, unit, author", [
    ("（滕州市审计局 赵文静）", "滕州市审计局", "赵文静"),
    ("（滕州市审计局供稿）", "滕州市审计局", None),
    ("（市审计局 赵文静）", "滕州市审计局", "赵文静"),
    ("（滕州市气象局、孙丽）", "滕州市气象局", "孙丽"),
    ("（滕州市商务局\u3000刘芳、周强）", "滕州市商务局", "刘芳、周强"),
    ("(滨湖镇 张伟 李娜)", "滨湖镇人民政府", "张伟、李娜"),
    ("（市审计局赵文静）", "滕州市审计局", "赵文静"),
])
def test_closing_parenthesis(closing, unit, author):
    result = ex(doc(title("滕州市审计局推动审计整改"), *map(body, BODY), body(closing)))
    assert (result.unit, result.author) == (unit, author)


@pytest.mark.parametrize("headline", ["审计局强化审计监督服务发展大局", "商务局构建开放发展新格局"])
def test_a_plain_first_line_ending_like_a_bureau_is_still_the_title(headline):
    # 大局 and 格局 end in 局 like a bureau's name; a headline is not a byline
    plain = [Paragraph(headline), *(Paragraph(t) for t in BODY), Paragraph("（滕州市审计局 赵文静）")]
    assert ex(doc(*plain)).title == headline


def test_sign_off_table_flattened_into_one_paragraph():
    # LibreOffice's .doc export of a sign-off table without widths runs the cells together:
    # the header labels, then the values. The labels are not part of the unit's name.
    result = ex(doc(title("滕州市审计局推动审计整改"), *map(body, BODY), line("单位作者电话滕州市审计局赵文静0632-5512345")))
    assert (result.unit, result.author) == ("滕州市审计局", "赵文静")


@pytest.mark.parametrize("label_line, unit, author", [
    ("报送单位：滕州市体育局", "滕州市体育局", None),
    ("供稿单位：市体育局  撰稿：周强、刘芳", "滕州市体育局", "周强、刘芳"),
    ("供稿：滕州市体育局", "滕州市体育局", None),
    ("供稿：周强", None, "周强"),
    ("作者：周强", None, "周强"),
    ("撰稿人：周强 刘芳", None, "周强、刘芳"),
    ("执笔：周强", None, "周强"),
    ("联系人：周强  电话：13806321234", None, "周强"),
    ("作者：滕州市体育局、周强", "滕州市体育局", "周强"),
])
def test_labelled_lines(label_line, unit, author):
    result = ex(doc(title("全民健身活动覆盖城乡"), *map(body, BODY), line(label_line)))
    assert (result.unit, result.author) == (unit, author)


@pytest.mark.parametrize("value", ["13806321234", "0632-5512345", "2026年11月20日", "tiyu-xx@example.org",
                                   "电话13806321234", "邮箱：tiyu@example.org"])
def test_phones_dates_and_mail_are_never_an_author(value):
    result = ex(doc(title("全民健身活动覆盖城乡"), *map(body, BODY), line(f"作者：{value}")))
    assert result.author is None


def test_approver_is_recorded_apart_from_the_author():
    result = ex(doc(title("全民健身活动覆盖城乡"), *map(body, BODY), line("撰稿：周强  审核：孙国强"),
                    line("签发：李明")))
    assert (result.author, result.approver) == ("周强", "孙国强")


def test_byline_under_the_title():
    result = ex(doc(title("全民健身活动火热开展"), line("市体育局\u3000周强", alignment="center"), *map(body, BODY)))
    assert (result.title, result.unit, result.author) == ("全民健身活动火热开展", "滕州市体育局", "周强")


def test_sign_off_table_header_row_and_label_value_rows():
    tables = [(("单位", "作者", "电话"), ("滕州市气象局", "孙丽", "0632-5512345"))]
    cells = [Paragraph(c, in_table=True) for row in tables[0] for c in row]
    result = ex(doc(title("寒潮预警发布及时"), *map(body, BODY), *cells, tables=tables))
    assert (result.unit, result.author, result.title) == ("滕州市气象局", "孙丽", "寒潮预警发布及时")
    tables = [(("报送单位", "滨湖镇人民政府"), ("撰稿人", "张伟"), ("签发", "张建国"))]
    result = ex(doc(title("人居环境整治"), *map(body, BODY), tables=tables))
    assert (result.unit, result.author, result.approver) == ("滨湖镇人民政府", "张伟", "张建国")


def test_gonggao_style_ending():
    result = ex(doc(title("关于开展科普宣传活动的情况报告"), *map(body, BODY),
                    line("滕州市气象局", alignment="right"), line("2026年11月20日", alignment="right")))
    assert (result.unit, result.author) == ("滕州市气象局", None)


def test_page_header_only():
    result = ex(doc(title("化解信访积案23件"), *map(body, BODY), header="滕州市信访局"))
    assert result.unit == "滕州市信访局" and result.unit_source == "document"


# --- the unit's source --------------------------------------------------------------------------

def piece(closing: str) -> DocumentText:
    return doc(title("推动外贸稳中提质"), *map(body, BODY), body(closing))


def test_unit_source_both_when_document_and_sender_agree():
    result = ex(piece("（市商务局 王芳）"), sender_unit="滕州市商务局")
    assert (result.unit, result.unit_source, result.stated_unit, result.flags) == (
        "滕州市商务局", "both", "市商务局", ())


def test_unit_source_sender_when_nothing_is_named():
    result = ex(doc(title("推动外贸稳中提质"), *map(body, BODY)), sender_unit="滕州市商务局")
    assert (result.unit, result.unit_source, result.stated_unit) == ("滕州市商务局", "sender", None)


def test_another_registered_unit_keeps_both_and_flags():
    result = ex(piece("（滨湖镇 张伟）"), sender_unit="龙泉街道办事处")
    assert (result.unit, result.unit_source) == ("滨湖镇人民政府", "document")
    assert result.flags == (Flag.UNIT_DIFFERS,)


def test_unregistered_unit_is_kept_raw_and_flagged():
    result = ex(piece("（滕州市发展和改革局 李明）"), sender_unit="滕州市商务局")
    assert (result.unit, result.unit_source, result.flags) == ("滕州市发展和改革局", "document",
                                                               (Flag.UNIT_UNREGISTERED,))


def test_ambiguous_unit_is_kept_raw_and_flagged():
    registry = UnitRegistry([("滕州市商务局", None, ()), ("滕州市教育局", None, ()),
                             ("山亭区商务局", None, ()), ("山亭区教育局", None, ())])
    result = ex(piece("（商务局 王芳）"), registry=registry, sender_unit="滕州市商务局")
    assert (result.unit, result.flags) == ("商务局", (Flag.UNIT_AMBIGUOUS,))


# --- categories ---------------------------------------------------------------------------------

ALIASES = {"动态": "工作动态", "社情": "社情民意"}


@pytest.mark.parametrize("subject, filename, category", [
    ("【工作动态】滕州", "", "工作动态"),
    ("[工作动态] 滕州", "", "工作动态"),
    ("［工作动态］滕州", "", "工作动态"),
    ("（工作动态）滕州", "", "工作动态"),
    ("(工作动态)滕州", "", "工作动态"),
    ("工作动态-滕州", "", "工作动态"),
    ("工作动态——滕州", "", "工作动态"),
    ("工作动态：滕州", "", "工作动态"),
    ("【工作动态类】滕州", "", "工作动态"),
    ("", "【问题建议】滕州.docx", "问题建议"),
    ("", "问题建议-滕州.docx", "问题建议"),
    ("【动态】滕州", "", "工作动态"),
    ("【社情】滕州", "", "社情民意"),
    ("【社情类】滕州", "", "社情民意"),
    ("【转发】滕州", "", None),
    ("【要闻】滕州", "", None),
    ("动态滕州", "", None),
    ("工作动态及问题建议", "", None),
])
def test_category_tags_and_aliases(subject, filename, category):
    result = ex(piece("（市商务局 王芳）"), subject=subject, filename=filename, category_aliases=ALIASES)
    assert result.category == category


def test_alias_without_config_is_unknown():
    assert ex(piece("（市商务局 王芳）"), subject="【动态】滕州").category is None


@pytest.mark.parametrize("subject", ["【约稿】【工作动态】滕州", "【约稿·工作动态】滕州", "[约稿]工作动态-滕州"])
def test_commission_tag(subject):
    result = ex(piece("（市商务局 王芳）"), subject=subject, category_aliases=ALIASES)
    assert (result.commissioned, result.category) == (True, "工作动态")


def test_no_commission_tag():
    assert ex(piece("（市商务局 王芳）"), subject="【工作动态】滕州").commissioned is False


# --- mail-body pieces ---------------------------------------------------------------------------

def test_body_salutation_is_neither_title_nor_counted():
    body_text = ("各位领导好！现将我镇信息报送如下：\n"
                 "滨湖镇召开秋季安全生产工作会议\n"
                 "\u3000\u300010月12日，滨湖镇召开秋季安全生产工作会议，部署下一阶段重点工作。\n"
                 "（滨湖镇 张伟）\n"
                 "\n"
                 "谢谢！\n"
                 "滨湖镇党政办 王磊\n"
                 "电话：0632-5512345\n")
    result = extract_text(body_text, subject="【工作动态】安全生产", registry=REGISTRY,
                          sender_unit="滨湖镇人民政府")
    assert (result.title, result.title_source) == ("滨湖镇召开秋季安全生产工作会议", "document")
    assert (result.unit, result.unit_source, result.author) == ("滨湖镇人民政府", "both", "张伟")
    piece_text = ("滨湖镇召开秋季安全生产工作会议\n\u3000\u300010月12日，滨湖镇召开秋季安全生产工作会议，"
                  "部署下一阶段重点工作。\n（滨湖镇 张伟）")
    assert result.word_count == word_count(piece_text)


def test_body_without_title_line_takes_the_subject():
    body_text = "各位领导：\n10月12日，滨湖镇召开秋季安全生产工作会议，部署下一阶段重点工作。\n"
    result = extract_text(body_text, subject="【工作动态】滨湖镇部署秋季安全生产")
    assert (result.title, result.title_source) == ("滨湖镇部署秋季安全生产", "subject")
    assert result.flags == ()


def test_body_salutation_is_never_the_title_even_without_subject():
    result = extract_text("各位领导好！现将我镇信息报送如下：\n10月12日，滨湖镇召开秋季安全生产工作会议，部署下一阶段重点工作。")
    assert result.title is None


# --- forms found after the fixture set was written ------------------------------------------------

def test_one_word_masthead_xinxi_is_not_the_title():
    d = doc(line("信息", alignment="center", size_pt=26), title("滕州市商务局召开外贸工作推进会议"), *map(body, BODY))
    assert ex(d).title == "滕州市商务局召开外贸工作推进会议"


def test_closing_without_brackets_with_a_phone():
    result = ex(doc(title("外贸工作推进会议召开"), *map(body, BODY), line("滕州市商务局 王芳 0632-1234567")))
    assert (result.unit, result.author) == ("滕州市商务局", "王芳")


def test_labelled_field_in_brackets():
    result = ex(doc(title("外贸工作推进会议召开"), *map(body, BODY), line("（作者单位：滕州市商务局）")))
    assert result.unit == "滕州市商务局"


def test_body_of_only_salutation_and_signature_takes_the_subject():
    text = "信息科：\n您好！\n附件是我局本周信息，请审阅。\n滕州市商务局 王芳\n13800000000"
    result = extract_text(text, subject="【工作动态】商务局外贸推进会")
    assert (result.title, result.title_source, result.word_count) == ("商务局外贸推进会", "subject", 0)


def test_a_title_naming_an_issue_of_a_course_is_still_a_title():
    d = doc(title("滕州市举办第3期青年干部培训班"), *map(body, BODY))
    assert ex(d).title == "滕州市举办第3期青年干部培训班"
    d = doc(line("滕州政务信息 第12期", alignment="center", size_pt=26), title("滕州市举办第3期青年干部培训班"),
            *map(body, BODY))
    assert ex(d).title == "滕州市举办第3期青年干部培训班"


def test_submission_form_with_the_title_in_a_table_cell():
    tables = [(("标题", "滨湖镇“湿地+”模式带动群众增收"), ("报送单位", "滨湖镇人民政府"), ("撰稿人", "张伟"),
               ("审核", "张建国"))]
    cells = [Paragraph(c, in_table=True) for row in tables[0] for c in row]
    d = doc(title("滕州市政务信息报送单"), *cells, *map(body, BODY), tables=tables)
    result = ex(d)
    assert (result.title, result.title_source) == ("滨湖镇“湿地+”模式带动群众增收", "document")
    assert (result.unit, result.author, result.approver) == ("滨湖镇人民政府", "张伟", "张建国")


@pytest.mark.parametrize("lines, unit, author, approver", [
    (["滨湖镇人民政府 张伟 审核：张建国"], "滨湖镇人民政府", "张伟", "张建国"),   # byline, then a field
    (["（滨湖镇供稿 审核：张建国）"], "滨湖镇人民政府", None, "张建国"),
    (["作者：张伟（滨湖镇党政办）"], "滨湖镇人民政府", "张伟", None),            # unit in brackets after the name
    (["（滨湖镇 张伟 供稿）"], "滨湖镇人民政府", "张伟", None),                  # 供稿 names no one
])
def test_mixed_bylines(lines, unit, author, approver):
    result = ex(doc(title("滨湖镇扎实做好秋冬季森林防火工作"), *map(body, BODY), *map(line, lines)))
    assert (result.unit, result.author, result.approver) == (unit, author, approver)


def test_author_only_byline_under_the_title():
    result = ex(doc(title("滨湖镇扎实做好秋冬季森林防火工作"), line("文/张伟", alignment="center"), *map(body, BODY)),
                sender_unit="滨湖镇人民政府")
    assert (result.title, result.unit, result.unit_source, result.author) == (
        "滨湖镇扎实做好秋冬季森林防火工作", "滨湖镇人民政府", "sender", "张伟")


def test_a_large_centred_title_with_a_stray_full_stop():
    assert ex(doc(title("滕州市气象局开展气象灾害应急演练。"), *map(body, BODY))).title == "滕州市气象局开展气象灾害应急演练"
    # running text with a full stop stays running text
    assert ex(doc(line("近日，滕州市气象局组织开展应急演练。"), *map(body, BODY))).title is None


def test_sign_off_table_with_two_label_value_pairs_in_a_row():
    tables = [(("信息标题", "全市职工乒乓球比赛开幕", "", ""), ("报送单位", "市体育局", "", ""),
               ("作者", "周强", "联系电话", "13806325678"), ("审核人", "孙国强", "", ""))]
    result = ex(doc(*map(body, BODY), tables=tables))
    assert (result.title, result.unit, result.author, result.approver) == (
        "全市职工乒乓球比赛开幕", "滕州市体育局", "周强", "孙国强")


def test_category_column_line_above_the_title_is_a_tag_not_the_title():
    d = doc(line("社情民意", alignment="center", size_pt=18, bold=True), title("群众反映城区部分路段停车难问题亟待解决"),
            *map(body, BODY))
    result = ex(d)
    assert (result.title, result.category) == ("群众反映城区部分路段停车难问题亟待解决", "社情民意")


def test_gonggao_ending_followed_by_a_contact_line():
    result = ex(doc(title("关于防震减灾工作情况的报告"), *map(body, BODY), line("滕州市气象局", alignment="right"),
                    line("2026年11月25日", alignment="right"), line("（联系人：孙丽，电话：0632-5511234）")))
    assert (result.unit, result.author) == ("滕州市气象局", "孙丽")


def test_unit_name_as_the_first_line_of_a_two_line_title():
    d = doc(title("滕州市审计局"), title("2026年审计整改工作总结"), *map(body, BODY))
    assert ex(d).title == "滕州市审计局2026年审计整改工作总结"
    # a letterhead set apart (larger) is not part of the title
    d = doc(title("滕州市审计局", 26), title("2026年审计整改工作总结"), *map(body, BODY))
    assert (ex(d).title, ex(d).unit) == ("2026年审计整改工作总结", "滕州市审计局")


@pytest.mark.parametrize("closing, author", [
    ("（滕州市商务局\u3000王\u3000芳）", "王芳"),
    ("（滕州市商务局 王 芳 李 明）", "王芳、李明"),
    ("（滕州市商务局 王 芳、刘洋）", "王芳、刘洋"),
])
def test_two_character_names_spaced_out_to_align(closing, author):
    result = ex(doc(title("推动外贸稳中提质"), *map(body, BODY), body(closing)))
    assert (result.unit, result.author) == ("滕州市商务局", author)
