"""parse_message / parse_address on mail as Chinese clients really send it."""

from __future__ import annotations

import base64
import random
import re
from datetime import datetime, timedelta, timezone

import pytest

from baosong.intake.message import Attachment, ParsedMessage, parse_address, parse_message

import mailcorpus as mc

CST = timezone(timedelta(hours=8))
DOCX_DATA = mc.minimal_docx(["关于王喆同志先进事迹的信息", "朱镕同志参加。"])
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(40))
SENT = datetime(2024, 3, 4, 10, 15, 30, tzinfo=CST)
ARRIVED = datetime(2024, 3, 4, 10, 16, 2, tzinfo=CST)


def gbk_word(text: str, label: str = "gb2312") -> str:
    return f"=?{label}?B?{base64.b64encode(text.encode('gbk')).decode()}?="


def simple(headers: bytes, body: bytes = b"body\r\n") -> ParsedMessage:
    """Parse a hand-written header block (LF or CRLF) plus body."""
    return parse_message(headers.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + b"\r\n" + body)


# ---------------------------------------------------------------- Foxmail


def test_foxmail_fixture_really_carries_the_hard_encodings():
    """Guard the corpus itself: these are the encodings the parser must survive."""
    raw = mc.foxmail_gbk(attachments=[("政务信息（王喆）.docx", DOCX_DATA, mc.DOCX)])
    # raw 8-bit GBK filename in Content-Disposition (and name= on Content-Type)
    assert b'filename="' + "政务信息（王喆）.docx".encode("gbk") + b'"' in raw
    # quoted encoded-word display name
    assert b'From: "=?gb2312?B?' in raw
    # the subject is two encoded words and the first ends inside a character
    subject = re.search(rb"\r\nSubject: (.*?)\r\n(?! |\t)", raw, re.S).group(1)
    words = re.findall(rb"=\?gb2312\?B\?([^?]*)\?=", subject)
    assert len(words) == 2
    with pytest.raises(UnicodeDecodeError):
        base64.b64decode(words[0]).decode("gbk")
    # the body is labelled gb2312 but holds GBK-only characters
    assert b'text/plain;\r\n\tcharset="gb2312"' in raw
    with pytest.raises(UnicodeEncodeError):
        "喆镕".encode("gb2312")


def test_foxmail_gbk_every_field():
    raw = mc.foxmail_gbk(attachments=[("政务信息（王喆）.docx", DOCX_DATA, mc.DOCX)],
                         date=SENT, received_at=ARRIVED)
    m = parse_message(raw)
    assert m.message_id == "<202403041015301234567@163.com>"
    assert m.sender == "wangzhe@163.com"
    assert m.sender_name == "王喆"
    assert m.reply_to is None
    assert m.return_path == "wangzhe@163.com"
    assert m.to == ("bsb@126.com",)
    assert m.subject == "关于报送2024年一季度政务信息的函（市发改委王喆）"
    assert m.date == SENT and m.date.utcoffset() == timedelta(hours=8)
    assert m.received_at == ARRIVED and m.received_at.tzinfo is not None
    assert m.content_type == "multipart/mixed"
    assert m.text == "各位领导：\n现报送王喆、李镕同志撰写的政务信息一篇，请审阅。\n市发改委办公室\n"
    assert m.html == (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=gb2312"></head>'
        "<body><div>各位领导：</div>\n<div>现报送王喆、李镕同志撰写的政务信息一篇，请审阅。</div>\n"
        "<div>市发改委办公室</div>\n</body></html>")
    assert m.attachments == (Attachment("政务信息（王喆）.docx", mc.DOCX, DOCX_DATA, False),)
    assert m.size == len(raw)


def test_foxmail_encoded_word_filename_and_unsplit_subject():
    raw = mc.foxmail_gbk(subject="镕喆", split_subject=False, filename_style="encoded_word",
                         attachments=[("镕喆.docx", DOCX_DATA, "application/octet-stream"),
                                      ("说明.txt", "说明文字".encode("gbk"), "text/plain")])
    m = parse_message(raw)
    assert m.subject == "镕喆"
    assert [(a.filename, a.content_type, a.data) for a in m.attachments] == [
        ("镕喆.docx", "application/octet-stream", DOCX_DATA),
        ("说明.txt", "text/plain", "说明文字".encode("gbk")),   # named text: attachment, not body
    ]
    assert m.text == "各位领导：\n现报送王喆、李镕同志撰写的政务信息一篇，请审阅。\n市发改委办公室\n"


# ---------------------------------------------------------------- Outlook


@pytest.mark.parametrize("style", ["rfc2231", "rfc2231_continuation", "name_only"])
def test_outlook_attachment_filename_styles(style):
    name = "2024年第一期政务信息（王喆、朱镕）.docx"
    raw = mc.outlook_utf8(attachments=[(name, DOCX_DATA, mc.DOCX)], filename_style=style)
    if style == "rfc2231_continuation":
        assert b"filename*0*=utf-8''" in raw and b"filename*1*=" in raw
    m = parse_message(raw)
    assert m.attachments == (Attachment(name, mc.DOCX, DOCX_DATA, False),)


def test_outlook_every_field_with_inline_image():
    raw = mc.outlook_utf8(attachments=[("报告.docx", DOCX_DATA, mc.DOCX)],
                          inline_images=[("image001.png", PNG, "image/png")],
                          date=SENT, received_at=ARRIVED,
                          extra_headers=[("Reply-To", '"=?utf-8?B?5L+h5oGv56eR?=" <XinXiKe@FGW.example.gov.cn>')])
    m = parse_message(raw)
    assert m.message_id == "<000001da6e0b$1a2b3c40$4e81b4c0$@fgw.example.gov.cn>"
    assert (m.sender, m.sender_name) == ("liming@fgw.example.gov.cn", "李明")
    assert m.reply_to == "xinxike@fgw.example.gov.cn"
    assert m.to == ("bsb@126.com",)                  # from "'bsb@126.com'" <bsb@126.com>
    assert m.subject == "【市发改委】2024年3月第一期政务信息报送：关于推进重点项目建设情况的报告"
    assert (m.date, m.received_at) == (SENT, ARRIVED)
    assert m.content_type == "multipart/mixed"
    assert m.text == "信息科：\n附件为本单位本期政务信息，请查收。\n李明\n"
    assert 'src="cid:image001.png@01DA6E4E.2A6B8C50"' in m.html
    assert m.attachments == (
        Attachment("image001.png", "image/png", PNG, True),     # no disposition, cid in HTML
        Attachment("报告.docx", mc.DOCX, DOCX_DATA, False),
    )


def test_outlook_multiple_recipients_and_raw_header_access():
    raw = mc.outlook_utf8(to=["bsb@126.com", "Leader@Example.GOV.cn"])
    m = parse_message(raw)
    assert m.to == ("bsb@126.com", "leader@example.gov.cn")
    assert m.header("TO") == "\"'bsb@126.com'\" <bsb@126.com>,\t\"'Leader@Example.GOV.cn'\" <Leader@Example.GOV.cn>"
    assert m.header("from") == "李明 <liming@fgw.example.gov.cn>"
    assert m.header("X-Mailer") == "Microsoft Outlook 16.0"
    assert m.header("X-Absent") is None and m.headers("X-Absent") == ()
    assert len(m.headers("received")) == 2
    assert m.headers("Received")[0].startswith("from mail.fgw.example.gov.cn (unknown [220.181.12.17])\tby mx3.126.com")
    assert ("From", b"=?utf-8?B?5p2O5piO?= <liming@fgw.example.gov.cn>") in m.raw_headers


# ---------------------------------------------------------------- QQ Mail


def test_qq_mail_big_attachment_link_in_both_bodies():
    url = "https://wx.mail.qq.com/ftn/download?func=3&k=8a1b2c3d&key=4e5f6a7b&code=9c0d1e2f"
    raw = mc.qq_mail(big_attachments=[("2024年政务信息汇编.docx", "25.3M", url)], date=SENT,
                     received_at=ARRIVED)
    m = parse_message(raw)
    assert m.message_id == "<tencent_3F1E0A2B4C6D8E0F1A2B3C4D5E6F7A8B9C0D@qq.com>"
    assert (m.sender, m.sender_name) == ("1234567890@qq.com", "张伟")
    assert m.subject == "区教育局政务信息报送"
    assert m.content_type == "multipart/alternative"
    assert m.text == ("您好：\n文件较大，已通过超大附件发送，请下载。\n\n\n从QQ邮箱发来的超大附件\n\n"
                      f"2024年政务信息汇编.docx (25.3M, 2024年04月03日 10:15 到期)\n进入下载页面：{url}\n")
    assert f'<a href="{url}" target="_blank">2024年政务信息汇编.docx</a>' in m.html
    assert m.attachments == ()
    assert (m.date, m.received_at) == (SENT, ARRIVED)


def test_qq_mail_attachment_with_quoted_utf8_encoded_name():
    raw = mc.qq_mail(attachments=[("镇政府信息（朱镕）.docx", DOCX_DATA, mc.DOCX)])
    m = parse_message(raw)
    assert m.content_type == "multipart/mixed"
    assert m.attachments == (Attachment("镇政府信息（朱镕）.docx", mc.DOCX, DOCX_DATA, False),)
    assert m.text == "您好：\n文件较大，已通过超大附件发送，请下载。\n"


# ---------------------------------------------------------------- NetEase 126


def test_netease_126_every_field():
    raw = mc.netease_126(attachments=[("街道信息-王喆.docx", DOCX_DATA, mc.DOCX)], date=SENT,
                         received_at=ARRIVED, return_path=None)
    m = parse_message(raw)
    assert m.message_id == "<6b1f2c3d.1a2b.18e0a1b2c3d.Coremail.zhangsan@126.com>"
    assert (m.sender, m.sender_name) == ("zhangsan@126.com", "张三")
    assert m.return_path is None
    assert m.subject == "转报：街道办事处关于镕铸工作的信息"
    assert m.date == SENT                        # 'Mon, 4 Mar 2024 10:15:30 +0800 (CST)'
    assert m.received_at == ARRIVED              # Coremail 'by host (Coremail) ; date (CST)'
    assert m.text == "信息科：\n随信附上朱镕、王喆撰写的信息，请审核。\n"
    assert m.attachments == (Attachment("街道信息-王喆.docx", mc.DOCX, DOCX_DATA, False),)
    assert m.header("X-Mailer") == ("Coremail Webmail Server Version XT5.0.14 build 20230109(dcb5de15)"
                                    " Copyright (c) 2002-2024 www.mailtech.cn 126com")


def test_html_only_body_is_converted_to_text():
    m = parse_message(mc.netease_126(with_plain=False))
    assert m.text == "信息科：\n随信附上朱镕、王喆撰写的信息，请审核。"
    assert m.html == ('<div style="line-height:1.7;color:#000000;font-size:14px;font-family:Arial">'
                      "<div>信息科：</div><div>随信附上朱镕、王喆撰写的信息，请审核。</div></div>")


def test_html_to_text_renders_lines_like_a_browser():
    html = ("<html><head><title>标题</title><style>p{margin:0}</style></head><body>"
            "<script>alert(1)</script><p>第一段&nbsp;文字</p><p>第二<br>行</p>"
            "<div><br></div><table><tr><td>单位</td><td>篇数</td></tr></table>"
            "<div>甲<!-- 注释 -->乙</div></body></html>").encode("utf-8")
    m = simple(b"Content-Type: text/html; charset=utf-8\n", html)
    assert m.text == "第一段 文字\n第二\n行\n\n单位 篇数\n甲乙"


# ---------------------------------------------------------------- forwarded, bounce, auto-reply


@pytest.mark.parametrize("base64_inner", [False, True])
def test_forwarded_message_attachment_is_found(base64_inner):
    inner = mc.netease_126(attachments=[("原件-王喆.docx", DOCX_DATA, mc.DOCX)])
    raw = mc.forwarded(inner, base64_inner=base64_inner)
    m = parse_message(raw)
    assert (m.sender, m.sender_name) == ("office@jyj.example.gov.cn", "区教育局办公室")
    assert m.subject == "转发：政务信息"
    assert m.attachments == (Attachment("原件-王喆.docx", mc.DOCX, DOCX_DATA, False),)
    assert m.text == "请见转发的原邮件及附件。\n信息科：\n随信附上朱镕、王喆撰写的信息，请审核。\n"


def test_bounce_is_a_multipart_report_with_null_return_path():
    original = mc.outlook_utf8(attachments=[("退回.docx", DOCX_DATA, mc.DOCX)])
    raw = mc.bounce(original, date=SENT, received_at=ARRIVED)
    m = parse_message(raw)
    assert m.content_type == "multipart/report"
    assert m.return_path == ""
    assert (m.sender, m.sender_name) == ("mailer-daemon@126.com", "Mail Delivery Subsystem")
    assert m.subject == "系统退信"
    assert m.received_at == ARRIVED
    assert m.text == ("很抱歉您的邮件没有投递成功。\n收件人：nobody@example.gov.cn\n"
                      "原因：smtp; 550 User not found: nobody@example.gov.cn\n"
                      "信息科：\n附件为本单位本期政务信息，请查收。\n李明\n")   # + the returned text
    status = (b"Reporting-MTA: dns; m16.mail.126.com\r\nArrival-Date: Mon, 4 Mar 2024 10:15:30 +0800\r\n"
              b"\r\nFinal-Recipient: rfc822; nobody@example.gov.cn\r\nAction: failed\r\n"
              b"Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 User not found: nobody@example.gov.cn\r\n")
    assert m.attachments == (
        Attachment("", "message/delivery-status", status, False),
        Attachment("退回.docx", mc.DOCX, DOCX_DATA, False),      # inside the returned message
    )


def test_bounce_with_returned_headers_only():
    original = mc.foxmail_gbk()
    m = parse_message(mc.bounce(original, headers_only=True))
    head = original.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    assert [a.content_type for a in m.attachments] == ["message/delivery-status", "text/rfc822-headers"]
    assert m.attachments[1].data == head


def test_auto_reply_headers_and_subject():
    m = parse_message(mc.auto_reply())
    assert m.header("Auto-Submitted") == "auto-replied"
    assert m.header("x-autoreply") == "yes"
    assert m.subject == "自动回复：关于报送政务信息的通知"
    assert (m.sender, m.sender_name) == ("zhaoliu@qq.com", "赵六")
    assert m.content_type == "text/plain"
    assert m.text == "您好，我正在休假，将于3月11日返回，急事请致电。\n"
    assert m.html is None and m.attachments == ()


# ---------------------------------------------------------------- Received / Date


def test_received_at_is_the_topmost_received_not_the_date_header():
    forged_date = datetime(2024, 3, 1, 9, 0, 0, tzinfo=CST)   # sender claims an earlier time
    received = [
        "from smtp.163.com (unknown [220.181.12.15]; helo=x;y) by mx1.126.com (Coremail)\r\n"
        "\twith SMTP id AbCd; Tue, 5 Mar 2024 02:16:02 +0000",
        mc.received_header("smtp.163.com", datetime(2024, 3, 5, 10, 15, 59, tzinfo=CST)),
        "from forged.example (forged [6.6.6.6]) by forged.example; Fri, 1 Mar 2024 09:00:00 +0800",
    ]
    m = parse_message(mc.foxmail_gbk(date=forged_date, received=received))
    assert m.date == forged_date
    assert m.received_at == datetime(2024, 3, 5, 2, 16, 2, tzinfo=timezone.utc)
    assert m.received_at.utcoffset() == timedelta(0)


def test_received_at_does_not_fall_back_to_lower_hops_or_date():
    received = ["from a by mx1.126.com with SMTP id 1",        # no date: malformed topmost hop
                mc.received_header("smtp.163.com", ARRIVED)]
    assert parse_message(mc.foxmail_gbk(received=received)).received_at is None
    assert parse_message(mc.foxmail_gbk(received=[])).received_at is None


@pytest.mark.parametrize("value, expected", [
    ("Mon, 4 Mar 2024 10:15:30 +0800", SENT),
    ("Mon, 04 Mar 2024 10:15:30 +0800 (GMT+08:00)", SENT),
    ("4 Mar 2024 02:15:30 -0000", datetime(2024, 3, 4, 2, 15, 30, tzinfo=timezone.utc)),
    ("Mon, 4 Mar 2024 02:15:30", datetime(2024, 3, 4, 2, 15, 30, tzinfo=timezone.utc)),
    ("2024年3月4日 10:15", None),
    ("", None),
])
def test_date_header_is_tz_aware_or_none(value, expected):
    m = simple(f"Date: {value}\n".encode("utf-8"))
    assert m.date == expected
    if expected is not None:
        assert m.date.tzinfo is not None


# ---------------------------------------------------------------- headers and addresses


def test_split_multibyte_character_across_encoded_words_utf8_and_gbk():
    utf8 = "王喆".encode("utf-8")
    gbk = "镕铸".encode("gbk")
    subject = (f"=?UTF-8?B?{base64.b64encode(utf8[:4]).decode()}?=\n"
               f" =?utf-8?B?{base64.b64encode(utf8[4:]).decode()}?= - "
               f"=?GBK?B?{base64.b64encode(gbk[:1]).decode()}?= =?gbk?Q?{''.join(f'={b:02X}' for b in gbk[1:])}?=")
    m = simple(f"Subject: {subject}\n".encode())
    assert m.subject == "王喆 - 镕铸"


def test_raw_8bit_headers_are_recovered_utf8_then_gb18030():
    m = simple("Subject: 关于报送王喆信息\nFrom: 王喆 <WangZhe@163.com>\n".encode("gbk")
               + "To: 信息科 <bsb@126.com>\n".encode("utf-8"))
    assert m.subject == "关于报送王喆信息"
    assert (m.sender, m.sender_name) == ("wangzhe@163.com", "王喆")
    assert m.header("To") == "信息科 <bsb@126.com>"


def test_whitespace_between_encoded_words_dropped_but_kept_next_to_text():
    m = simple(b"Subject: Re:  =?utf-8?B?5pS/5Yqh?=   =?gbk?B?0MXPog==?=\t(\xe7\xac\xac2\xe6\x9c\x9f)\n")
    assert m.subject == "Re: 政务信息 (第2期)"


@pytest.mark.parametrize("value, expected", [
    ('"=?GBK?B?1cXI/Q==?=" <Zhang@Example.COM>', ("张三", "zhang@example.com")),
    ("=?gb2312?B?zfWGtA==?= <a@b.cn>", ("王喆", "a@b.cn")),             # GBK-only char, gb2312 label
    ("=?utf-8?B?5p2O?=\r\n =?utf-8?B?5piO?= <LM@x.cn>", ("李明", "lm@x.cn")),
    ("'李明' <LM@x.cn>", ("李明", "lm@x.cn")),
    ('"\'bsb@126.com\'" <bsb@126.com>', ("bsb@126.com", "bsb@126.com")),
    ("zhang@example.com", ("", "zhang@example.com")),
    ("=?utf-8?B?" + base64.b64encode("张三 <ZS@example.cn>".encode()).decode() + "?=", ("张三", "zs@example.cn")),
    ("=?x-unknown?B?" + base64.b64encode("张三".encode()).decode() + "?= <a@b.cn>", ("张三", "a@b.cn")),
    ("=?GBK?B?1cXI/Q==?=", ("张三", "")),                                # name without address
    ("MAILER-DAEMON", ("MAILER-DAEMON", "")),
    ("<>", ("", "")),
    ("", ("", "")),
])
def test_parse_address(value, expected):
    assert parse_address(value) == expected


def test_parse_address_accepts_raw_gbk_bytes():
    assert parse_address('"王喆" <WZ@163.com>'.encode("gbk")) == ("王喆", "wz@163.com")


@pytest.mark.parametrize("header, expected", [
    (b"Return-Path: <>\n", ""),
    (b"Return-Path: <MAILER-DAEMON>\n", "mailer-daemon"),
    (b"Return-Path: <Bounce+X@Mail.Example.cn>\n", "bounce+x@mail.example.cn"),
    (b"", None),
])
def test_return_path(header, expected):
    assert simple(header + b"Subject: x\n").return_path == expected


def test_message_id_absent_and_folded():
    assert simple(b"Subject: x\n").message_id is None
    assert simple(b"Message-ID:\n <abc.123@qq.com>\n").message_id == "<abc.123@qq.com>"


# ---------------------------------------------------------------- MIME parameters and bodies


@pytest.mark.parametrize("params, expected", [
    (b"attachment; filename*=gb2312'zh-cn'%CD%F5%86%B4.docx", "王喆.docx"),
    (b"attachment; filename*=''%E7%8E%8B%E5%96%86.docx", "王喆.docx"),
    (b"attachment; filename*=x-unknown''%CD%F5%86%B4.docx", "王喆.docx"),
    (b"attachment;\n\tfilename*0*=utf-8''%E7%8E%8B%E5;\n\tfilename*1*=%96%86;\n\tfilename*2=\".docx\"", "王喆.docx"),
    (b"attachment; filename*1*=%96%86.docx; filename*0*=UTF-8''%E7%8E%8B%E5", "王喆.docx"),
    (b'attachment; filename="=?gbk?B?zfU=?=\n =?gbk?B?hrQ=?=.docx"', "王喆.docx"),
    (b'attachment; filename="ignored.docx"; filename*=utf-8\'\'%E7%8E%8B%E5%96%86.docx', "王喆.docx"),
    (b"attachment; filename=\"" + "王喆.docx".encode("utf-8") + b"\"", "王喆.docx"),
    (b"attachment; filename=" + "王喆.docx".encode("gbk"), "王喆.docx"),
    (b'attachment; filename="a\\"b.docx"', 'a"b.docx'),
    (b"attachment; filename=\"utf-8''%E7%8E%8B%E5%96%86.docx\"", "王喆.docx"),   # 2231 without the '*'
])
def test_filename_parameters(params, expected):
    m = simple(b"Content-Type: application/octet-stream; name=\"fallback.bin\"\n"
               b"Content-Transfer-Encoding: base64\nContent-Disposition: " + params + b"\n",
               base64.b64encode(b"DATA") + b"\r\n")
    assert m.attachments == (Attachment(expected, "application/octet-stream", b"DATA", False),)


def test_content_type_name_is_the_fallback_and_disposition_wins():
    m = simple(b'Content-Type: application/msword; name="=?utf-8?B?5pen?=.doc"\n'
               b"Content-Disposition: attachment\n", b"x")
    assert m.attachments[0].filename == "旧.doc"
    m = simple(b'Content-Type: application/msword; name="ct.doc"\n'
               b'Content-Disposition: inline; filename="cd.doc"\n', b"x")
    assert (m.attachments[0].filename, m.attachments[0].inline) == ("cd.doc", True)


@pytest.mark.parametrize("label", ["gb2312", "GB2312", "gbk", "GBK", "x-gbk", "cp936", "GB_2312-80",
                                   "gb18030", "euc-cn"])
def test_gb_labels_decode_as_gb18030(label):
    body = "王喆、朱镕基同志\r\n".encode("gb18030")
    m = simple(f'Content-Type: text/plain; charset="{label}"\n'.encode(), body)
    assert m.text == "王喆、朱镕基同志\n"


def test_gb2312_label_keeps_gbk_characters_even_around_damaged_bytes():
    # A truncated message ends in a lone lead byte: nothing decodes strictly, and the
    # replacement pass must still run as GB18030, not as the narrower gb2312 codec.
    m = simple(b'Subject: =?gb2312?B?' + base64.b64encode("王喆".encode("gbk") + b"\x81") + b'?=\n'
               b'Content-Type: text/plain; charset="gb2312"\n', "朱镕\r\n".encode("gbk") + b"\x81")
    assert m.subject == "王喆\ufffd"
    assert m.text == "朱镕\n\ufffd"


@pytest.mark.parametrize("label, text", [("big5", "香港特區政府"), ("iso-8859-1", "café"),
                                         ("utf-16", "王喆"), ("koi8-r", "Привет")])
def test_other_charset_labels_are_honoured(label, text):
    m = simple(f"Content-Type: text/plain; charset={label}\n".encode(), text.encode(label))
    assert m.text == text


@pytest.mark.parametrize("body", ["王喆\r\n".encode("utf-8"), "王喆\r\n".encode("gbk")])
def test_unknown_or_wrong_charset_label_falls_back_to_utf8_then_gb18030(body):
    assert simple(b"Content-Type: text/plain; charset=x-unknown\n", body).text == "王喆\n"
    assert simple(b"Content-Type: text/plain; charset=us-ascii\n", body).text == "王喆\n"


def test_body_parts_concatenated_and_inline_text_without_name_is_body():
    raw = (b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain; charset=utf-8\n\n"
           + "第一部分".encode() + b"\n--B\nContent-Type: image/jpeg\nContent-Disposition: inline\n\nJPEG"
           + b"\n--B\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: inline\n\n"
           + "第二部分\n".encode() + b"\n--B--\n")
    m = parse_message(raw.replace(b"\n", b"\r\n"))
    assert m.text == "第一部分\n第二部分\n"
    assert m.attachments == (Attachment("", "image/jpeg", b"JPEG", True),)


# ---------------------------------------------------------------- never raise


def test_empty_bytes():
    m = parse_message(b"")
    assert m == ParsedMessage(message_id=None, sender="", sender_name="", reply_to=None,
                              return_path=None, to=(), subject="", date=None, received_at=None,
                              content_type="text/plain", text="", html=None, attachments=(),
                              size=0, raw_headers=())


def test_truncated_inside_the_attachment_keeps_headers_body_and_a_prefix():
    raw = mc.foxmail_gbk(attachments=[("政务信息（王喆）.docx", DOCX_DATA, mc.DOCX)])
    start = raw.index(b"UEsDB")                         # the docx's base64 starts here
    for cut in range(start + 1, start + 400, 7):
        m = parse_message(raw[:cut])
        assert m.subject == "关于报送2024年一季度政务信息的函（市发改委王喆）"
        assert m.text == "各位领导：\n现报送王喆、李镕同志撰写的政务信息一篇，请审阅。\n市发改委办公室\n"
        (att,) = m.attachments
        assert att.filename == "政务信息（王喆）.docx"
        assert DOCX_DATA.startswith(att.data) and len(att.data) < len(DOCX_DATA)
        assert m.size == cut


def test_bad_base64_is_decoded_leniently():
    m = simple(b"Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n",
               b"QUJD\r\n!!! not base64 !!!\r\nREVG\r\nRw\r\n")
    assert m.attachments == (Attachment("", "application/pdf", b"ABCDEFG", False),)


def test_garbled_header_decodes_with_replacement_characters():
    m = simple(b"Subject: =?utf-8?B?" + base64.b64encode(b"\xff\xfe ok") + b"?= =?x-unknown?Q?=FF=FF?= \xff\xff\n"
               b"From: =?nonsense?Q?=ZZ?= <a@b.cn>\n")
    assert m.subject.count("\ufffd") >= 3 and " ok" in m.subject
    assert m.sender == "a@b.cn"


@pytest.mark.parametrize("raw", [
    b"\x00\x01\x02\xff\xfe",
    b"Subject: no body",
    b"Content-Type: multipart/mixed\r\n\r\n--x\r\n",                        # no boundary
    b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n",
    b": empty name\r\nX\xff\xfe: 8bit name\r\nno colon line\r\n\r\nbody",
    b"Content-Type: text/plain; charset=\"unicode_escape\"\r\n\r\n\\N{DIGIT ONE}\xff",
    b"Content-Type: text/plain; charset=idna\r\n\r\nxn--\xff",
    b"Content-Type: application/x; name*0*=utf-8''%ZZ; name*x=1\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 a\r\n",
    b"Date: Mon, 99 Foo 99999 99:99:99 +9999\r\nReceived: ; Mon, 99 Foo 1 0:0:0\r\n\r\n",
])
def test_junk_never_raises(raw):
    m = parse_message(raw)
    assert isinstance(m, ParsedMessage) and m.size == len(raw)


def test_unsafe_charset_labels_are_not_interpreted():
    m = simple(b'Content-Type: text/plain; charset="unicode_escape"\n', b"\\u738b\xe7\x8e\x8b")
    assert m.text == "\\u738b王"


def test_absurdly_deep_nesting_keeps_the_headers():
    depth = 3000
    body = b"".join(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
                    for i in range(depth))
    m = parse_message(b"Subject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + body)
    assert m.subject == "deep" and m.content_type == "multipart/mixed"


def test_mutated_corpus_messages_never_raise():
    rng = random.Random(20240304)
    corpus = [mc.foxmail_gbk(attachments=[("王喆.docx", DOCX_DATA, mc.DOCX)]),
              mc.outlook_utf8(attachments=[("报告.docx", DOCX_DATA, mc.DOCX)],
                              inline_images=[("image001.png", PNG, "image/png")]),
              mc.forwarded(mc.netease_126(attachments=[("a.docx", DOCX_DATA, mc.DOCX)])),
              mc.bounce(mc.qq_mail())]
    for _ in range(300):
        raw = bytearray(rng.choice(corpus))
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(raw))
            op = rng.randrange(3)
            if op == 0:
                raw[i] = rng.randrange(256)
            elif op == 1:
                del raw[i:i + rng.randint(1, 50)]
            else:
                raw[i:i] = rng.choice([b"=?", b"?=", b"\r\n", b'"', b";", b"--", b"\xff", b"=?gbk?B?"])
        m = parse_message(bytes(raw))
        assert m.size == len(raw)


# ---------------------------------------------------------------- speed


def test_received_time_reads_the_header_block_like_parse_message():
    from baosong.intake.message import received_time

    for raw in (mc.foxmail_gbk(), mc.qq_mail(), mc.netease_126(), mc.outlook_utf8(),
                mc.bounce(mc.foxmail_gbk())):
        expected = parse_message(raw).received_at
        assert expected is not None and received_time(raw) == expected
    assert received_time(b"") is None and received_time(b"\xff\xfe junk") is None


def test_skipped_parts_are_recorded_as_defects():
    depth = 150  # parsed by the stdlib, deeper than the walk follows
    body = b"".join(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (i, i + 1)
                    for i in range(depth))
    m = parse_message(b"Subject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + body)
    assert m.defects and "nested deeper" in m.defects[0]
    clean = parse_message(mc.foxmail_gbk(attachments=[("王喆.docx", DOCX_DATA, mc.DOCX)]))
    assert clean.defects == ()
