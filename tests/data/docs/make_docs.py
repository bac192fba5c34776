"""Generate the extraction fixtures: realistic government-information documents, one layout each.

    .venv/bin/python tests/data/docs/make_docs.py          # rewrites tests/data/docs/*.docx

Each document is made with python-docx in the layout county offices use (GB/T 9704: title 二号
= 22 pt 方正小标宋简体 centred, body 三号 = 16 pt 仿宋_GB2312 with a two-character first-line
indent), with the masthead, byline and sign-off forms listed in issue 9. A few are saved again
by LibreOffice (``soffice --headless --convert-to docx``) so the reader also sees the XML that
LibreOffice and WPS write. Units are those of the shipped ``config/units.yaml``. What each
document must give is in ``expected.yaml`` beside this script, checked by
``tests/test_extract_fixtures.py`` through ``baosong extract --json``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

HERE = Path(__file__).resolve().parent

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "left": WD_ALIGN_PARAGRAPH.LEFT, "both": WD_ALIGN_PARAGRAPH.JUSTIFY}

BODIES = {
    "商务": [
        "今年以来，滕州市商务局聚焦重点企业、重点市场、重点平台，推动全市外贸稳中提质。1-10月，全市实现进出口总额135.6亿元，同比增长12.5%。",
        "一是聚焦重点企业强服务。建立重点外贸企业“白名单”，局领导班子成员分包联系企业42家，开展“一对一”帮扶，协调解决融资、物流等问题37个。",
        "二是聚焦重点市场拓渠道。组织企业参加广交会、进博会等境内外展会16场次，达成意向订单2.3亿美元。",
    ],
    "审计": [
        "近日，滕州市审计局坚持“边审边改、立审立改”，推动审计整改与审计监督同向发力，全年督促整改问题资金1.2亿元。",
        "该局建立审计整改台账，实行问题清单、责任清单、整改清单“三单”管理，对整改情况逐项跟踪、逐项销号。",
        "同时，加强审计成果运用，向有关部门移送问题线索6件，推动出台制度措施11项。",
    ],
    "体育": [
        "11月以来，滕州市体育局以全民健身为抓手，在全市组织开展“冬季健身月”系列活动，累计参与群众5.6万人次。",
        "活动涵盖健步走、乒乓球、门球、广场舞等12个项目，覆盖全市21个镇街，实现城乡全覆盖。",
        "下一步，该局将继续完善“15分钟健身圈”，新建更新健身路径30处。",
    ],
    "气象": [
        "针对近期寒潮天气过程，滕州市气象局提前研判、精准预报，及时发布寒潮蓝色预警信号3期，为全市防寒防冻提供有力支撑。",
        "该局通过“滕州气象”微信公众号、村村通广播等渠道，向社会公众推送预警信息12万人次。",
        "同时，组织专业技术人员深入设施农业大棚，指导农户做好保温增温措施。",
    ],
    "滨湖": [
        "今年以来，滨湖镇坚持把乡村振兴作为“三农”工作总抓手，聚焦产业、人才、文化、生态、组织“五大振兴”，全镇农村居民人均可支配收入同比增长7.2%。",
        "该镇依托微山湖湿地资源，发展特色水产养殖2.1万亩，培育省级农业产业化龙头企业3家。",
        "同时，深入开展人居环境整治，新建改建农村公路28公里，群众满意度持续提升。",
    ],
    "龙泉": [
        "龙泉街道坚持“网格+服务”工作模式，将辖区划分为56个网格，配备专兼职网格员112名，打通服务群众“最后一米”。",
        "今年以来，网格员累计走访群众1.8万户，收集解决民生诉求1260件，办结率达98.6%。",
        "下一步，该街道将持续深化网格化治理，推动矛盾纠纷就地化解。",
    ],
    "信访": [
        "滕州市信访局深入推进信访工作法治化，坚持依法分类处理信访诉求，全年信访事项及时受理率、按期办结率均达100%。",
        "该局建立领导干部接访下访制度，市级领导公开接访86批次，化解信访积案23件。",
        "同时，推行“阳光信访”，实现信访事项网上办理、全程留痕。",
    ],
    "地震": [
        "为切实提高群众防震减灾意识和自救互救能力，滕州市地震局在全市开展防震减灾科普宣传“进学校、进社区、进企业”活动。",
        "活动期间，共发放宣传资料1.5万份，组织应急疏散演练21场次，参与师生和群众3.2万人。",
    ],
    "果树": [
        "滕州市果树服务中心组织技术人员深入全市果园，开展冬季果树管理技术指导，帮助果农科学修剪、防病防冻。",
        "今年以来，累计举办培训班18期，培训果农2100余人次，发放技术明白纸5000余份。",
    ],
}


class Doc:
    """A python-docx document with helpers for GB/T 9704 layout."""

    def __init__(self) -> None:
        self.d = Document()

    def p(self, text: str = "", *, size: float | None = 16, font: str | None = BODY_FONT, align: str | None = None,
          bold: bool = False, indent: bool = False, style: str | None = None, color: str | None = None,
          breaks: bool = True):
        para = self.d.add_paragraph(style=style) if style else self.d.add_paragraph()
        if align:
            para.alignment = ALIGN[align]
        if indent:
            para.paragraph_format.first_line_indent = Pt(2 * (size or 16))
        pieces = text.split("\v") if breaks else [text]
        for n, piece in enumerate(pieces):
            run = para.add_run(piece)
            if n + 1 < len(pieces):
                run.add_break(WD_BREAK.LINE)
            if size:
                run.font.size = Pt(size)
            if bold:
                run.font.bold = True
            if color:
                run.font.color.rgb = RGBColor.from_string(color)
            if font:
                run.font.name = font
                run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        return para

    def title(self, text: str, **kw):
        kw.setdefault("size", 22)
        kw.setdefault("font", TITLE_FONT)
        kw.setdefault("align", "center")
        return self.p(text, **kw)

    def body(self, topic: str, n: int | None = None, *, indent: bool = True, spaces: bool = False):
        for text in BODIES[topic][:n]:
            self.p(("\u3000\u3000" if spaces else "") + text, indent=indent and not spaces)

    def table(self, rows: list[list[str]]):
        table = self.d.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        return table

    def header(self, text: str):
        self.d.sections[0].header.paragraphs[0].text = text

    def save(self, name: str) -> Path:
        path = HERE / name
        self.d.save(path)
        return path


def libreoffice_resave(path: Path) -> None:
    """Save ``path`` again with LibreOffice (its own .docx writer), in place."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not installed: cannot make the LibreOffice fixtures")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src" / path.name
        src.parent.mkdir()
        shutil.copyfile(path, src)
        odt = Path(tmp) / "odt"
        profile = Path(tmp) / "profile"
        common = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
        subprocess.run([*common, "--convert-to", "odt", "--outdir", str(odt), str(src)],
                       check=True, capture_output=True, timeout=180)
        out = Path(tmp) / "out"
        subprocess.run([*common, "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out),
                        str(odt / (path.stem + ".odt"))], check=True, capture_output=True, timeout=180)
        shutil.copyfile(out / path.name, path)


# --- the documents -----------------------------------------------------------------------------

def build() -> list[Path]:
    made: list[Path] = []

    def keep(doc: Doc, name: str) -> Path:
        path = doc.save(name)
        made.append(path)
        return path

    # 01 GB/T 9704 piece: centred 22 pt title, indented body, closing （单位 作者）
    d = Doc()
    d.title("滕州市商务局“三个聚焦”推动外贸稳中提质")
    d.body("商务")
    d.p("（滕州市商务局 王芳）", indent=True)
    keep(d, "01_gbt9704_closing.docx")

    # 02 title over two centred 22 pt paragraphs
    d = Doc()
    d.title("滨湖镇聚焦“五大振兴”")
    d.title("全面推进乡村振兴见行见效")
    d.body("滨湖")
    d.p("（滨湖镇 张伟）", indent=True)
    keep(d, "02_two_paragraph_title.docx")

    # 03 title split by a manual line break
    d = Doc()
    d.title("滕州市信访局\v深入推进信访工作法治化")
    d.body("信访")
    d.p("（滕州市信访局供稿）", indent=True)
    keep(d, "03_line_break_title.docx")

    # 04 bulletin masthead: publication name, issue, editor and date, rule
    d = Doc()
    d.p("滕州商务政务信息", size=36, font=TITLE_FONT, align="center", color="FF0000")
    d.p("第12期", align="center")
    d.p("滕州市商务局办公室编\u3000\u3000\u3000\u3000\u3000\u30002026年11月20日", size=14)
    d.p("————————————————————————", color="FF0000")
    d.title("滕州市商务局多措并举促进消费回暖", size=20)
    d.body("商务", 2)
    d.p("（市商务局 刘芳）", indent=True)
    keep(d, "04_masthead_bulletin.docx")

    # 05 工作简报 with 总第N期
    d = Doc()
    d.p("工 作 简 报", size=36, font=TITLE_FONT, align="center", color="FF0000")
    d.p("（总第128期）", align="center")
    d.p("滕州市体育局\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u30002026年11月18日", size=14)
    d.title("市体育局开展“冬季健身月”系列活动")
    d.body("体育")
    d.p("（市体育局 周强）", indent=True)
    keep(d, "05_work_bulletin.docx")

    # 06 密级 and 编号 lines above the title
    d = Doc()
    d.p("密级：内部", size=14, font="黑体")
    d.p("编号：2026-031", size=14, font="黑体")
    d.title("滕州市审计局推动审计整改提质增效")
    d.body("审计")
    d.p("（滕州市审计局 赵文静）", indent=True)
    keep(d, "06_secret_and_number_lines.docx")

    # 07 a date line before the title
    d = Doc()
    d.p("2026年11月21日", align="right")
    d.title("龙泉街道“网格+服务”打通服务群众“最后一米”")
    d.body("龙泉")
    d.p("（龙泉街道 李娜）", indent=True)
    keep(d, "07_date_before_title.docx")

    # 08 cover codes (ICS, standard number) before the title
    d = Doc()
    d.p("ICS 27.120.99", size=10.5, font="黑体")
    d.p("DB37/T 4521—2026", size=10.5, font="黑体", align="right")
    d.title("滕州市地震局开展防震减灾科普宣传“三进”活动")
    d.body("地震")
    d.p("（滕州市地震局 钱峰）", indent=True)
    keep(d, "08_cover_codes.docx")

    # 09 报送单位 / 签发人 masthead line; the approver is 签发人
    d = Doc()
    d.p("报送单位：滕州市审计局\u3000\u3000\u3000\u3000签发人：李强", size=14)
    d.title("滕州市审计局“三单”管理推动问题整改见底清零")
    d.body("审计")
    keep(d, "09_reporting_unit_signer.docx")

    # 10 Word's Title style, body without indent
    d = Doc()
    d.p("滕州市果树服务中心开展冬季果树管理技术指导", style="Title", size=None, font=None)
    d.body("果树", indent=False)
    d.p("（市果树站 马丽）")
    keep(d, "10_title_style.docx")

    # 11 Heading 1 style title
    d = Doc()
    d.p("滕州市气象局精准做好寒潮天气气象服务", style="Heading 1", size=None, font=None)
    d.body("气象")
    d.p("（滕州市气象局 孙丽）")
    keep(d, "11_heading1_title.docx")

    # 12 bold 16 pt left-aligned title, then body indented
    d = Doc()
    d.p("滕州市体育局完善“15分钟健身圈”", bold=True, font="黑体")
    d.body("体育")
    d.p("撰稿：周强\u3000\u3000审核：孙国强")
    keep(d, "12_bold_left_title.docx")

    # 13 plain python-docx: no layout at all, title is the first line
    d = Doc()
    d.p("滕州市信访局建立领导干部接访下访制度", size=None, font=None)
    for text in BODIES["信访"]:
        d.p("\u3000\u3000" + text, size=None, font=None)
    d.p("（滕州市信访局 陈静）", size=None, font=None)
    keep(d, "13_plain_no_layout.docx")

    # 14 vertical banner: the title one character per paragraph
    d = Doc()
    for ch in "情况通报":
        d.title(ch)
    d.body("地震")
    d.p("滕州市地震局", align="right")
    d.p("2026年11月20日", align="right")
    keep(d, "14_vertical_banner.docx")

    # 15 letter-spaced title 通　知
    d = Doc()
    d.title("通\u3000\u3000知")
    d.p("各镇人民政府、街道办事处：")
    d.p("为切实做好今冬明春防震减灾工作，现就有关事项通知如下：请各单位于12月5日前报送本单位应急疏散演练开展情况。", indent=True)
    d.p("滕州市地震局", align="right")
    d.p("2026年11月22日", align="right")
    keep(d, "15_letter_spaced_title.docx")

    # 16 no title line: body paragraphs only (title from the subject as a fallback)
    d = Doc()
    d.body("气象")
    d.p("（滕州市气象局 孙丽）", indent=True)
    keep(d, "16_no_title_subject_fallback.docx")

    # 17 no title line and no subject: the file name is the fallback
    d = Doc()
    d.body("果树")
    keep(d, "17_滕州市果树服务中心冬季技术指导.docx")

    # 18 a 150-character first paragraph is never a title
    d = Doc()
    d.p(BODIES["滨湖"][0] + BODIES["滨湖"][1] + BODIES["滨湖"][2], size=None, font=None)
    d.p("（滨湖镇人民政府 张伟）", size=None, font=None)
    keep(d, "18_long_first_paragraph.docx")

    # 19 closing （单位供稿）: unit only
    d = Doc()
    d.title("滕州市审计局加强审计成果运用")
    d.body("审计")
    d.p("（滕州市审计局供稿）", indent=True)
    keep(d, "【调研分析】19 审计成果运用.docx")

    # 20 closing with the city prefix dropped
    d = Doc()
    d.title("市审计局实行问题清单、责任清单、整改清单管理")
    d.body("审计")
    d.p("（市审计局 赵文静）", indent=True)
    keep(d, "20_closing_shi_prefix.docx")

    # 21 labelled lines under the title: 报送单位 / 撰稿 (two authors) / 审核
    d = Doc()
    d.title("滕州市体育局全民健身活动覆盖城乡")
    d.p("报送单位：滕州市体育局\u3000撰稿：周强、刘芳\u3000审核：孙国强", size=14, align="center")
    d.body("体育")
    keep(d, "21_labelled_lines_top.docx")

    # 22 labelled lines at the end, nothing names the unit: the sender's unit
    d = Doc()
    d.title("寒潮来袭 气象服务“不打烊”")
    d.body("气象")
    d.p("撰稿人：孙丽\u3000\u3000联系电话：0632-5512345")
    d.p("审核：周海燕")
    keep(d, "22_labelled_end_sender_unit.docx")

    # 23 执笔 and 联系人 with a mobile number
    d = Doc()
    d.title("滕州市信访局推行“阳光信访”")
    d.body("信访")
    d.p("供稿单位：市信访局\u3000\u3000执笔：陈静")
    d.p("联系人：王磊\u3000\u300013806321234")
    keep(d, "工作动态-23 阳光信访.docx")

    # 24 byline under the title
    d = Doc()
    d.title("全民健身“冬季健身月”活动火热开展")
    d.p("市体育局\u3000周强", align="center", size=16, font="楷体_GB2312")
    d.body("体育")
    keep(d, "24_byline_under_title.docx")

    # 25 bracketed byline under the title, town without 人民政府
    d = Doc()
    d.title("滨湖镇发展特色水产养殖助农增收")
    d.p("（滨湖镇\u3000张伟）", align="center", font="楷体_GB2312")
    d.body("滨湖")
    keep(d, "25_bracketed_byline.docx")

    # 26 sign-off table at the end: header row 单位 | 作者 | 电话
    d = Doc()
    d.title("滕州市气象局多渠道发布寒潮预警信息")
    d.body("气象")
    d.table([["单位", "作者", "电话"], ["滕州市气象局", "孙丽", "0632-5512345"]])
    keep(d, "26_signoff_table_header_row.docx")

    # 27 sign-off table: label | value rows, with 签发
    d = Doc()
    d.title("滨湖镇深入开展人居环境整治")
    d.body("滨湖")
    d.table([["报送单位", "滨湖镇人民政府"], ["撰稿人", "张伟"], ["签发", "张建国"]])
    keep(d, "27_signoff_table_label_value.docx")

    # 28 公告-style ending: unit and date right-aligned
    d = Doc()
    d.title("关于开展防震减灾科普宣传活动的情况报告")
    d.body("地震")
    d.p("滕州市地震局", align="right")
    d.p("2026年11月20日", align="right")
    keep(d, "28_gonggao_ending.docx")

    # 29 unit and author joined by 、
    d = Doc()
    d.title("滕州市气象局指导设施农业防寒保暖")
    d.body("气象")
    d.p("（滕州市气象局、孙丽）", indent=True)
    keep(d, "29_unit_dun_author.docx")

    # 30 several authors in the closing line
    d = Doc()
    d.title("滕州市商务局组织企业参加境内外展会拓市场")
    d.body("商务")
    d.p("（滕州市商务局\u3000刘芳、周强）", indent=True)
    keep(d, "30_several_authors.docx")

    # 31 the page header is the only place the unit is named
    d = Doc()
    d.header("滕州市信访局")
    d.title("滕州市信访局化解信访积案23件")
    d.body("信访")
    keep(d, "31_header_only.docx")

    # 32 a unit that is not registered: kept as written, flagged
    d = Doc()
    d.title("滕州市发展和改革局推进重点项目建设")
    d.body("商务", 2)
    d.p("（滕州市发展和改革局 李明）", indent=True)
    keep(d, "32_unregistered_unit.docx")

    # 33 a piece sent for another unit (代报)
    d = Doc()
    d.title("滨湖镇农村公路建设提速增效")
    d.body("滨湖", 2)
    d.p("（滨湖镇 张伟）", indent=True)
    keep(d, "33_sent_for_another_unit.docx")

    # 34 the document names the sender's own unit by its short form: both agree
    d = Doc()
    d.title("商务局开展“一对一”帮扶外贸企业")
    d.body("商务", 2)
    d.p("（市商务局 王芳）", indent=True)
    keep(d, "34_sender_and_document_agree.docx")

    # 35 subtitle under the title
    d = Doc()
    d.title("凝心聚力抓整改 立审立改见实效")
    d.p("——滕州市审计局推动审计整改工作纪实", align="center", font="楷体_GB2312")
    d.body("审计")
    d.p("（滕州市审计局 赵文静）", indent=True)
    keep(d, "35_subtitle.docx")

    # 36 a 公文: 发文机关标志, 文号, title, 主送, body, unit and date
    d = Doc()
    d.p("滕州市商务局文件", size=40, font=TITLE_FONT, align="center", color="FF0000")
    d.p("滕商发〔2026〕12号", align="center")
    d.title("关于做好2026年度外贸企业“白名单”\v推荐工作的通知")
    d.p("各镇人民政府、街道办事处，市直有关部门：")
    d.body("商务", 2)
    d.p("滕州市商务局", align="right")
    d.p("2026年11月19日", align="right")
    keep(d, "36_official_document.docx")

    # 37 附件 label above the title
    d = Doc()
    d.p("附件2", font="黑体")
    d.title("滕州市果树服务中心冬季果树管理技术要点")
    d.body("果树")
    d.p("（滕州市果树服务中心 马丽）", indent=True)
    keep(d, "37_attachment_label.docx")

    # 38 labelled 标题 line (an information form)
    d = Doc()
    d.p("标题：龙泉街道网格员走访群众1.8万户")
    d.p("报送单位：龙泉街道办事处\u3000\u3000作者：李娜")
    d.body("龙泉", indent=False)
    keep(d, "38_labelled_title_form.docx")

    # 39 phone numbers and mail addresses never become the author
    d = Doc()
    d.title("滕州市体育局新建更新健身路径30处")
    d.body("体育")
    d.p("作者：13806325678")
    d.p("邮箱：tiyu-xx@example.org")
    keep(d, "39_[问题建议]健身路径建设.docx")

    # 40 unit letterhead line above the title
    d = Doc()
    d.p("滕州市气象局", size=26, font=TITLE_FONT, align="center", color="FF0000")
    d.title("寒潮蓝色预警信号发布及时准确", size=18)
    d.body("气象")
    keep(d, "40_unit_letterhead.docx")

    # 41 title set with leading full-width spaces instead of centring (no alignment)
    d = Doc()
    d.p("\u3000\u3000\u3000\u3000龙泉街道推动矛盾纠纷就地化解", size=None, font=None)
    for text in BODIES["龙泉"]:
        d.p("\u3000\u3000" + text, size=None, font=None)
    d.p("（龙泉街道办事处 李娜）", size=None, font=None)
    keep(d, "41_space_centred_title.docx")

    # 42 letter-spaced title written with ordinary spaces, several authors in a byline
    d = Doc()
    d.title("简 报")
    d.title("市信访局开展“阳光信访”宣传", size=18)
    d.p("滕州市信访局\u3000陈静\u3000王磊", align="center", font="楷体_GB2312")
    d.body("信访")
    keep(d, "42_masthead_then_byline.docx")

    # 43 category tag inside the document's first line; the subject carries none
    d = Doc()
    d.title("【经验亮点】滨湖镇“湿地+”模式带动群众增收")
    d.body("滨湖")
    d.p("（滨湖镇人民政府 张伟）", indent=True)
    keep(d, "43_tag_in_first_line.docx")

    # 44 LibreOffice-saved: two-line title and closing line
    d = Doc()
    d.title("滕州市审计局建立审计整改台账")
    d.title("实行“三单”管理")
    d.body("审计")
    d.p("（滕州市审计局 赵文静）", indent=True)
    libreoffice_resave(keep(d, "44_libreoffice_two_line_title.docx"))

    # 45 LibreOffice-saved: masthead bulletin with sign-off table
    d = Doc()
    d.p("龙泉政务信息", size=36, font=TITLE_FONT, align="center", color="FF0000")
    d.p("2026年第9期", align="center")
    d.title("龙泉街道深化网格化治理")
    d.body("龙泉")
    d.table([["单位", "作者", "电话"], ["龙泉街道办事处", "李娜", "13806327788"]])
    libreoffice_resave(keep(d, "45_libreoffice_masthead_table.docx"))

    # 46 LibreOffice-saved: byline under the title, page header
    d = Doc()
    d.header("滕州市体育局信息")
    d.title("市体育局组织群众健步走活动")
    d.p("体育局\u3000刘芳", align="center", font="楷体_GB2312")
    d.body("体育")
    libreoffice_resave(keep(d, "46_libreoffice_byline_header.docx"))

    # 47 a submission form (信息报送单): the title, unit, author and approver in table cells
    d = Doc()
    d.title("滕州市政务信息报送单", size=18)
    d.table([["标题", "滕州市果树服务中心举办果农培训班18期"], ["报送单位", "滕州市果树服务中心"],
             ["撰稿人", "马丽"], ["审核", "刘强"]])
    d.body("果树")
    keep(d, "47_submission_form_table.docx")

    return made


def main() -> int:
    for old in HERE.glob("*.docx"):
        old.unlink()
    made = build()
    print(f"{len(made)} documents in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
