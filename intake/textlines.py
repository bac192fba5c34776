"""Line-level tests shared by the field finders: what a line of a government document is.

Pure string tests, no layout. Layout evidence is weighed in ``titles.py``.
"""

from __future__ import annotations

import re

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WS = re.compile(r"\s+")
_CJK_GAP = re.compile(rf"(?<=[{CJK}，。、：；！？（）《》“”])\s+(?=[{CJK}，。、：；！？（）《》“”])")


def clean(text: str) -> str:
    """Strip and collapse every whitespace run (incl. '\\t', '\\v', U+3000) to one space."""
    return " ".join(text.split())


def join_cjk(text: str) -> str:
    """Whitespace removed between two Chinese characters, kept (as one space) elsewhere."""
    return _CJK_GAP.sub("", clean(text))


def letter_spaced(text: str) -> bool:
    """'通　知', '简 报': single Chinese characters separated by spaces."""
    tokens = clean(text).split(" ")
    return len(tokens) >= 2 and all(len(t) == 1 and re.match(f"[{CJK}]", t) for t in tokens)


# --- dates, phones, mail -------------------------------------------------------------------

_CN_NUM = "〇零一二三四五六七八九十○Ｏ"
DATE = re.compile(
    rf"(?:\d{{4}}|[{_CN_NUM}]{{4}})\s*年\s*(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*月"
    rf"(?:\s*(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*[日号])?"
    r"|\d{4}[-./]\d{1,2}[-./]\d{1,2}"
)
_DATE_LINE = re.compile(rf"^[（(]?\s*(?:{DATE.pattern})\s*[）)]?$")
PHONE = re.compile(r"(?:\+?86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8}|\d{7,8})")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def is_date_line(line: str) -> bool:
    return bool(_DATE_LINE.match(clean(line)))


# --- mastheads and cover lines ---------------------------------------------------------------

_MASTHEAD = [
    re.compile(r"^.{0,20}第\s*[\d一二三四五六七八九十百〇零]+\s*期\s*(?:[（(].{0,12}[）)])?$"),  # 滕州政务信息 第12期
    re.compile(r"[（(]\s*总第?\s*\d+\s*期\s*[）)]"),                              # （总第128期）
    re.compile(r"^\s*(?:\d{4}|[〔\[［(（]\s*\d{4}\s*[〕\]］)）])\s*年?\s*第?\s*\d+\s*[期号]\s*$"),
    re.compile(r"^.{0,14}(?:政务信息|工作简报|简报|信息专报|信息快报|快报|专报|要情|工作通讯|通讯|参阅)$"),
    re.compile(r"^.{0,8}信息$"),
    re.compile(r"^.{0,16}(?:报送单|报送表|登记表|审批表|呈批表|审签单|发稿单|稿签)$"),           # 政务信息报送单                                                    # 信息 / 商务信息
    re.compile(r"^(?:密\s*级|秘\s*密|机\s*密|绝\s*密|内部资料|内部刊物|注意保存|★|保密期限|紧急程度|特\s*急|加\s*急)"),
    re.compile(r"^(?:编\s*号|文\s*号|No\.?|份\s*号|档\s*号)\s*[:：]?", re.I),
    re.compile(r"^(?:ICS|CCS|DB\d{2}/T|GB/T|GB)\s*[\dA-Z]", re.I),
    re.compile(r"^(?:报送单位|签发人|签\s*发|主\s*办|主\s*编|编\s*印|承\s*办|责任编辑|审\s*核|联系人|联系电话)\s*[:：]"),
    re.compile(r"(?:办公室|科|室|局|中心|政府|部)\s*(?:编印|编发|主办|编|印发)\s*$"),  # 滕州市人民政府办公室编
    re.compile(r"^(?:抄\s*送|抄\s*报|主\s*送|分\s*送|送\s*[:：])"),
    re.compile(r"[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号"),                       # 滕商发〔2026〕12号
    re.compile(r"^.{2,20}文件$"),                                                    # 滕州市商务局文件
    re.compile(r"^附\s*件\s*\d*\s*[:：]?$"),                                        # 附件2
]


_MASTHEAD_ANY = re.compile("|".join(
    f"(?i:{p.pattern})" if p.flags & re.IGNORECASE else f"(?:{p.pattern})" for p in _MASTHEAD))


def is_masthead(line: str) -> bool:
    """A publication name, issue number, 密级/编号 line, cover code or 报送单位/签发人 line."""
    text = clean(line)
    if not text:
        return True
    if is_date_line(text):
        return True
    date = DATE.search(text)
    if date and len(text) <= 40 and (" " in text and date.end() >= len(text) - 1 or text.endswith(("编", "印发"))):
        return True  # "滕州市人民政府办公室        2026年11月20日"
    if not re.search(rf"[{CJK}A-Za-z0-9]", text):
        return True  # rules and ornaments: ————, ★★★
    squeezed = join_cjk(text) if letter_spaced(text) else text
    return _MASTHEAD_ANY.search(squeezed) is not None


# --- salutations and sign-offs of mail bodies ------------------------------------------------

_SALUTATION = [
    re.compile(r"^[^，。,.!！?？]{1,15}[：:]$"),                                   # 信息科：
    re.compile(r"^(?:尊敬的|各位|您好|你好|领导好|老师好|.{0,6}(?:领导|老师|同志|科长)(?:们)?(?:好|您好))"),
    re.compile(r"(?:现将|现报送|报送如下|请审阅|请查收|请审核|请批评指正|如下[：:]$)"),
]
_SIGN_OFF = re.compile(
    r"^(?:谢谢|此致|敬礼|顺颂|祝好|祝工作顺利|以上|发自我的|来自|Sent from|--\s*$|—{2,}\s*$|"
    r"联系人|联系电话|电话|手机|邮箱|E-?mail|地址|传真)", re.I)


def is_salutation(line: str) -> bool:
    text = clean(line)
    return len(text) <= 60 and any(p.search(text) for p in _SALUTATION)


def is_sign_off(line: str) -> bool:
    text = clean(line)
    if _SIGN_OFF.match(text) or is_date_line(text):
        return True
    rest = DATE.sub("", EMAIL.sub("", PHONE.sub("", text)))
    return bool(text) and not re.search(rf"[{CJK}A-Za-z]", rest)  # only a phone, an address or a date


# --- sentences, persons, units ---------------------------------------------------------------

SENTENCE_END = ("。", "！", "？", "；", ".", "!", "?", ";", "：", ":")


def is_sentence(line: str) -> bool:
    return clean(line).endswith(SENTENCE_END)


# Common surnames (single and compound): a personal name starts with one. Keeps "稳外贸",
# "多措并举" and other short phrases from passing for names.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪"
    "梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简"
    "车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄"
    "丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区"
    "郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣"
    "信展阴昝智幸奉植衡富尧闭由"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "长孙",
                      "宇文", "夏侯", "端木", "百里", "呼延", "司徒", "澹台", "轩辕", "南宫", "万俟", "闻人")
_PERSON = re.compile(rf"^[{CJK}]{{2,4}}$|^[{CJK}]{{1,6}}·[{CJK}]{{1,8}}$")
_NOT_NAME = re.compile(r"(?:局|镇|乡|街道|政府|办事处|中心|委员会|公司|医院|学校|供稿|报送|提供|信息|"
                       r"同志|领导|电话|手机|邮箱|单位|作者|撰稿|执笔|审核|签发|年|月|日)$")


def is_person(token: str) -> bool:
    """A Chinese personal name (2–4 characters, or a name with a middle dot)."""
    token = token.strip()
    if not _PERSON.match(token) or _NOT_NAME.search(token):
        return False
    if "·" in token:
        return True
    if token.startswith(_COMPOUND_SURNAMES):
        return len(token) in (3, 4)
    return token[0] in _SURNAMES and len(token) <= 3


UNIT_SUFFIX = (
    r"(?:人民政府|办事处|管理委员会|管委会|委员会|街道办|街道|局|镇|乡|委|办公室|办|中心|院|所|站|"
    r"公司|集团|学校|医院|大队|支队|队|厅|处|馆|社|协会|联合会|商会|总工会|工会|团委|妇联|科协|残联|"
    r"法院|检察院|分行|支行|银行|研究室|党校|部)"
)
_UNIT_LIKE = re.compile(rf"^[{CJK}（）()]{{1,30}}{UNIT_SUFFIX}(?:供稿|报送|提供)?$")
_UNIT_THEN_PERSON = re.compile(rf"^([{CJK}（）()]{{1,30}}?{UNIT_SUFFIX})([{CJK}]{{2,3}})$")


# Words of a headline, never of an organisation's name ("…活动覆盖城乡" ends in 乡 but is no township;
# "…服务发展大局" ends in 局 but is no bureau).
_HEADLINE_WORDS = re.compile(r"推进|推动|开展|做好|加强|强化|实现|打造|全面|助力|持续|深化|提升|覆盖|落实|完善|多措|聚焦|"
                             r"扎实|着力|积极|创新|有序|稳步|见效|成效|取得|召开|举办|启动|"
                             r"大局|全局|格局|布局|开局|变局|破局|新局")


def is_unit_like(token: str) -> bool:
    """Reads like an organisation's name (ends like one, and is not a bare suffix or a headline)."""
    token = token.strip()
    return (3 <= len(token) <= 20 and bool(_UNIT_LIKE.match(token)) and not is_person(token)
            and not _HEADLINE_WORDS.search(token))


def split_unit_person(token: str) -> tuple[str, str] | None:
    """'滕州市审计局赵文静' → ('滕州市审计局', '赵文静') when the two are written together."""
    m = _UNIT_THEN_PERSON.match(token.strip())
    if m and is_person(m.group(2)) and len(m.group(1)) >= 3:
        return m.group(1), m.group(2)
    return None
