"""Raw messages built the way Chinese mail clients really send them.

Every builder RETURNS the raw RFC 5322 bytes (CRLF line ends) as they arrive in
the receiving mailbox: a ``Return-Path`` and ``Received`` trace fields added by the
providers on top, then the client's own header block and MIME body. Bytes are
assembled by hand where the clients deviate from what the stdlib generator would
write (raw 8-bit GBK filenames, a GBK character split across two encoded words,
gb2312 labels on GBK text, quoted encoded-word display names ...).

Shared keyword parameters of the client builders:

* ``sender``, ``sender_name``: From address and display name;
* ``to``: one address or a sequence of addresses;
* ``subject``, ``body``: text (``\\n`` line ends; sent as CRLF);
* ``attachments``: ``[(filename, data, content_type), ...]``;
* ``date``: the Date header (tz-aware datetime);
* ``received_at``: the receiving provider's time, written into the TOPMOST
  Received header (default: ``date`` + 7 s); a second, older submission hop
  stamped with ``date`` sits below it;
* ``received``: raw Received values (topmost first) replacing those defaults;
* ``extra_headers``: ``[(name, value), ...]`` appended to the client headers,
  ``value`` as str (ASCII) or bytes (raw 8-bit);
* ``message_id``: without angle brackets; a client-styled default otherwise;
* ``return_path``: address for ``Return-Path: <...>``; '' gives ``<>``; None
  omits the field (default: the sender).
"""

from __future__ import annotations

import base64
import io
import quopri
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_from_bytes

CRLF = b"\r\n"
CST = timezone(timedelta(hours=8))
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_DATE = datetime(2024, 3, 4, 10, 15, 30, tzinfo=CST)
MAILBOX = "bsb@126.com"

AttachmentSpec = tuple[str, bytes, str]        # (filename, data, content_type)
HeaderSpec = tuple[str, "str | bytes"]

_UNSET = object()
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------- small helpers


def format_date(dt: datetime, *, zero_pad: bool = False, comment: str = "") -> str:
    """RFC 5322 date as clients write it: 'Mon, 4 Mar 2024 10:15:30 +0800'."""
    offset = dt.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    day = f"{dt.day:02d}" if zero_pad else str(dt.day)
    text = (f"{_WEEKDAYS[dt.weekday()]}, {day} {_MONTHS[dt.month - 1]} {dt.year} "
            f"{dt:%H:%M:%S} {sign}{minutes // 60:02d}{minutes % 60:02d}")
    return f"{text} {comment}" if comment else text


def received_header(by: str, when: datetime, *, from_host: str = "unknown",
                    ip: str = "127.0.0.1", via: str = "SMTP", id: str = "") -> str:
    """A Received value in the Coremail / Tencent style (folded, CRLF)."""
    ident = f" id {id}" if id else ""
    return (f"from {from_host} (unknown [{ip}])\r\n\tby {by} with {via}{ident};\r\n"
            f"\t{format_date(when)}")


def encoded_word(text: str, charset: str = "UTF-8", codec: str | None = None) -> str:
    """One RFC 2047 B encoded word."""
    data = text.encode(codec or charset)
    return f"=?{charset}?B?{base64.b64encode(data).decode('ascii')}?="


def split_encoded_words(text: str, charset: str, codec: str) -> str:
    """Two B words with the byte split INSIDE a double-byte character (mid-character)."""
    data = text.encode(codec)
    offset = 0
    cut = None
    for ch in text:
        size = len(ch.encode(codec))
        if size > 1 and offset >= len(data) // 2 - 2:
            cut = offset + 1
            break
        offset += size
    if cut is None:
        raise ValueError("text has no multibyte character to split")
    first, second = data[:cut], data[cut:]
    return (f"=?{charset}?B?{base64.b64encode(first).decode()}?=\r\n"
            f"\t=?{charset}?B?{base64.b64encode(second).decode()}?=")


def b64_body(data: bytes, width: int = 76) -> bytes:
    text = base64.b64encode(data)
    return CRLF.join(text[i:i + width] for i in range(0, len(text), width)) + CRLF


def qp_body(data: bytes) -> bytes:
    return quopri.encodestring(data.replace(b"\r\n", b"\n")).replace(b"\n", CRLF)


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def minimal_docx(paragraphs: Sequence[str] = ("测试文档",)) -> bytes:
    """A small but valid .docx (deterministic bytes) holding ``paragraphs``."""
    from xml.sax.saxutils import escape

    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(p)}</w:t></w:r></w:p>"
                   for p in paragraphs)
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:body>{body}</w:body></w:document>'),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 4, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


# ---------------------------------------------------------------- assembly


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("ascii")


def _header(name: str, value: str | bytes) -> bytes:
    return name.encode("ascii") + b": " + _bytes(value) + CRLF


def _addresses(to: str | Sequence[str]) -> list[str]:
    return [to] if isinstance(to, str) else list(to)


def _trace(*, sender: str, return_path, received, received_at, date: datetime,
           top_by: str, submit_by: str, submit_from: str, ip: str) -> bytes:
    out = b""
    rp = sender if return_path is _UNSET else return_path
    if rp is not None:
        out += _header("Return-Path", f"<{rp}>")
    if received is None:
        top = received_at or (date + timedelta(seconds=7))
        received = [
            received_header(top_by, top, from_host=submit_by.split(" ")[0], ip="220.181.12.17",
                            via="SMTP", id="_____wD3_0A1B2C3D4E5F6A7B8C9D.1"),
            received_header(submit_by, date, from_host=submit_from, ip=ip, via="HTTP"),
        ]
    for value in received:
        out += _header("Received", value)
    return out


def _extra(extra_headers: Sequence[HeaderSpec]) -> bytes:
    return b"".join(_header(name, value) for name, value in extra_headers)


def _multipart(ctype: str, boundary: str, parts: Sequence[bytes], preamble: bytes = b"") -> tuple[bytes, bytes]:
    """(Content-Type header bytes, body bytes) of a multipart entity."""
    head = _header("Content-Type", f'{ctype};\r\n\tboundary="{boundary}"')
    body = preamble
    for part in parts:
        body += b"--" + boundary.encode() + CRLF + part + CRLF
    body += b"--" + boundary.encode() + b"--" + CRLF
    return head, body


def _entity(headers: Sequence[tuple[str, str | bytes]], body: bytes) -> bytes:
    return b"".join(_header(n, v) for n, v in headers) + CRLF + body


def _mp_entity(ctype: str, boundary: str, parts: Sequence[bytes]) -> bytes:
    head, body = _multipart(ctype, boundary, parts)
    return head + CRLF + body


# ---------------------------------------------------------------- Foxmail (GBK)


def foxmail_gbk(*, sender: str = "wangzhe@163.com", sender_name: str = "王喆",
                to: str | Sequence[str] = MAILBOX,
                subject: str = "关于报送2024年一季度政务信息的函（市发改委王喆）",
                body: str = "各位领导：\n现报送王喆、李镕同志撰写的政务信息一篇，请审阅。\n市发改委办公室\n",
                attachments: Sequence[AttachmentSpec] = (),
                date: datetime = DEFAULT_DATE, received_at: datetime | None = None,
                received: Sequence[str] | None = None,
                extra_headers: Sequence[HeaderSpec] = (), message_id: str | None = None,
                return_path=_UNSET, split_subject: bool = True,
                filename_style: str = "raw_gbk", charset: str = "gb2312") -> bytes:
    """Foxmail 7.2 on Chinese Windows.

    Labels everything ``charset`` (gb2312) while really writing GBK (so 喆 and 镕,
    GBK-only, appear under a gb2312 label); the display name is a QUOTED encoded
    word; the subject is B-encoded and, with ``split_subject``, cut into two words
    in the middle of a double-byte character; plain text and HTML alternatives.
    ``filename_style``: 'raw_gbk' (raw 8-bit GBK ``name=``/``filename=``, as older
    Foxmail and many Windows tools send) or 'encoded_word' (``"=?gb2312?B?...?="``).
    """
    label = charset
    subject_value = (split_encoded_words(subject, label, "gbk") if split_subject
                     else encoded_word(subject, label, "gbk"))
    head = _trace(sender=sender, return_path=return_path, received=received,
                  received_at=received_at, date=date, top_by="mx1.126.com (Coremail)",
                  submit_by="smtp.163.com (Coremail)", submit_from="DESKTOP-FGW01", ip="36.112.20.5")
    head += _header("Date", format_date(date))
    head += _header("From", f'"{encoded_word(sender_name, label, "gbk")}" <{sender}>')
    head += _header("To", ",\r\n\t".join(f'"{a}" <{a}>' for a in _addresses(to)))
    head += _header("Subject", subject_value)
    head += _header("X-Priority", "3")
    head += _header("X-GUID", "7A3C1E5B-2D4F-4E6A-9B8C-0D1E2F3A4B5C")
    head += _header("X-Has-Attach", "yes" if attachments else "no")
    head += _header("X-Mailer", "Foxmail 7.2.25.228[cn]")
    head += _header("Mime-Version", "1.0")
    head += _header("Message-ID", f"<{message_id or '202403041015301234567@163.com'}>")
    head += _extra(extra_headers)

    text = body.replace("\r\n", "\n")
    html = "<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=" + label + \
        "\"></head><body>" + "".join(f"<div>{line}</div>\n" for line in text.split("\n") if line) + \
        "</body></html>"
    alternative = _mp_entity("multipart/alternative", "----=_002_NextPart572182624333_=----", [
        _entity([("Content-Type", f'text/plain;\r\n\tcharset="{label}"'),
                 ("Content-Transfer-Encoding", "base64")], b64_body(crlf(text).encode("gbk"))),
        _entity([("Content-Type", f'text/html;\r\n\tcharset="{label}"'),
                 ("Content-Transfer-Encoding", "quoted-printable")], qp_body(html.encode("gbk"))),
    ])
    if not attachments:
        ctype, mbody = alternative.split(CRLF + CRLF, 1)
        return head + ctype + CRLF + CRLF + mbody
    parts = [alternative]
    for filename, data, content_type in attachments:
        if filename_style == "raw_gbk":
            name = b'"' + filename.encode("gbk") + b'"'
        elif filename_style == "encoded_word":
            name = f'"{encoded_word(filename, label, "gbk")}"'.encode()
        else:
            raise ValueError(filename_style)
        parts.append(_entity([
            ("Content-Type", _bytes(f"{content_type};\r\n\tname=") + name),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", b"attachment;\r\n\tfilename=" + name),
        ], b64_body(data)))
    mhead, mbody = _multipart("multipart/mixed", "----=_001_NextPart572182624333_=----", parts,
                              preamble=b"This is a multi-part message in MIME format." + CRLF + CRLF)
    return head + mhead + CRLF + mbody


# ---------------------------------------------------------------- Outlook (UTF-8)


def _rfc2231(filename: str, *, continuation: bool) -> bytes:
    data = filename.encode("utf-8")
    if not continuation:
        return f"attachment;\r\n\tfilename*=utf-8''{quote_from_bytes(data, safe='')}".encode()
    # Two sections cut INSIDE a multi-octet character near the middle.
    offset, cut = 0, None
    for ch in filename:
        size = len(ch.encode("utf-8"))
        if size > 1 and offset >= len(data) // 2 - 3:
            cut = offset + 1
            break
        offset += size
    if cut is None:
        raise ValueError("filename has no multibyte character to split")
    first, second = quote_from_bytes(data[:cut], safe=""), quote_from_bytes(data[cut:], safe="")
    return f"attachment;\r\n\tfilename*0*=utf-8''{first};\r\n\tfilename*1*={second}".encode()


def outlook_utf8(*, sender: str = "liming@fgw.example.gov.cn", sender_name: str = "李明",
                 to: str | Sequence[str] = MAILBOX,
                 subject: str = "【市发改委】2024年3月第一期政务信息报送：关于推进重点项目建设情况的报告",
                 body: str = "信息科：\n附件为本单位本期政务信息，请查收。\n李明\n",
                 attachments: Sequence[AttachmentSpec] = (),
                 inline_images: Sequence[AttachmentSpec] = (),
                 date: datetime = DEFAULT_DATE, received_at: datetime | None = None,
                 received: Sequence[str] | None = None,
                 extra_headers: Sequence[HeaderSpec] = (), message_id: str | None = None,
                 return_path=_UNSET, filename_style: str = "rfc2231") -> bytes:
    """Microsoft Outlook 16 (Office 2016+/365).

    UNQUOTED encoded-word display name; recipients as ``"'addr'" <addr>``; a long
    subject in several UTF-8 B words split at character boundaries; text + HTML;
    ``inline_images`` go in a multipart/related referenced by ``cid:`` with NO
    Content-Disposition. ``filename_style``:
    'rfc2231' (``name="=?utf-8?B?..?="`` plus ``filename*=utf-8''...``),
    'rfc2231_continuation' (``filename*0*=``/``filename*1*=`` cut mid-character, no
    ``name``), 'name_only' (only ``name=`` on Content-Type, disposition without
    filename).
    """
    head = _trace(sender=sender, return_path=return_path, received=received,
                  received_at=received_at, date=date, top_by="mx3.126.com (Coremail)",
                  submit_by="mail.fgw.example.gov.cn (Microsoft SMTP Server)",
                  submit_from="PC-LIMING", ip="10.12.1.33")
    words = [subject[i:i + 12] for i in range(0, len(subject), 12)]
    head += _header("From", f"{encoded_word(sender_name, 'utf-8')} <{sender}>")
    head += _header("To", ",\r\n\t".join(f"\"'{a}'\" <{a}>" for a in _addresses(to)))
    head += _header("Subject", "\r\n\t".join(encoded_word(w, "utf-8") for w in words))
    head += _header("Date", format_date(date))
    head += _header("Message-ID", f"<{message_id or '000001da6e0b$1a2b3c40$4e81b4c0$@fgw.example.gov.cn'}>")
    head += _header("MIME-Version", "1.0")
    head += _header("X-Mailer", "Microsoft Outlook 16.0")
    head += _header("Thread-Index", "AQHabgsZ2f3bq1T8QkS0m9n0d3a6xA==")
    head += _header("Content-Language", "zh-cn")
    head += _extra(extra_headers)

    text = body.replace("\r\n", "\n")
    cids = [f"image{i + 1:03d}.png@01DA6E4E.2A6B8C50" for i in range(len(inline_images))]
    html = ("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head>"
            "<meta http-equiv=Content-Type content=\"text/html; charset=utf-8\">"
            "<style><!-- p.MsoNormal {margin:0cm;} --></style></head><body lang=ZH-CN>"
            + "".join(f"<p class=MsoNormal><span lang=EN-US>{line}</span></p>" for line in text.split("\n") if line)
            + "".join(f"<p class=MsoNormal><img src=\"cid:{cid}\"></p>" for cid in cids)
            + "</body></html>")
    alternative = _mp_entity("multipart/alternative", "----=_NextPart_001_0002_01DA6E4E.2A6B8C50", [
        _entity([("Content-Type", 'text/plain;\r\n\tcharset="utf-8"'),
                 ("Content-Transfer-Encoding", "base64")], b64_body(crlf(text).encode("utf-8"))),
        _entity([("Content-Type", 'text/html;\r\n\tcharset="utf-8"'),
                 ("Content-Transfer-Encoding", "base64")], b64_body(html.encode("utf-8"))),
    ])
    content = alternative
    if inline_images:
        related = [alternative]
        for cid, (filename, data, content_type) in zip(cids, inline_images, strict=True):
            related.append(_entity([
                ("Content-Type", f'{content_type};\r\n\tname="{filename}"'),
                ("Content-Transfer-Encoding", "base64"),
                ("Content-ID", f"<{cid}>"),
            ], b64_body(data)))
        content = _mp_entity("multipart/related", "----=_NextPart_002_0003_01DA6E4E.2A6B8C50", related)
    if not attachments:
        return head + content
    parts = [content]
    for filename, data, content_type in attachments:
        headers: list[tuple[str, str | bytes]]
        if filename_style == "rfc2231":
            headers = [("Content-Type", f'{content_type};\r\n\tname="{encoded_word(filename, "utf-8")}"'),
                       ("Content-Disposition", _rfc2231(filename, continuation=False))]
        elif filename_style == "rfc2231_continuation":
            headers = [("Content-Type", content_type),
                       ("Content-Disposition", _rfc2231(filename, continuation=True))]
        elif filename_style == "name_only":
            headers = [("Content-Type", f'{content_type};\r\n\tname="{encoded_word(filename, "utf-8")}"'),
                       ("Content-Disposition", "attachment")]
        else:
            raise ValueError(filename_style)
        headers.insert(1, ("Content-Transfer-Encoding", "base64"))
        parts.append(_entity(headers, b64_body(data)))
    mhead, mbody = _multipart("multipart/mixed", "----=_NextPart_000_0001_01DA6E4E.2A6B8C50", parts,
                              preamble=b"This is a multipart message in MIME format." + CRLF + CRLF)
    return head + mhead + CRLF + mbody


# ---------------------------------------------------------------- QQ Mail


def qq_mail(*, sender: str = "1234567890@qq.com", sender_name: str = "张伟",
            to: str | Sequence[str] = MAILBOX,
            subject: str = "区教育局政务信息报送",
            body: str = "您好：\n文件较大，已通过超大附件发送，请下载。\n",
            attachments: Sequence[AttachmentSpec] = (),
            big_attachments: Sequence[tuple[str, str, str]] = (),
            date: datetime = DEFAULT_DATE, received_at: datetime | None = None,
            received: Sequence[str] | None = None,
            extra_headers: Sequence[HeaderSpec] = (), message_id: str | None = None,
            return_path=_UNSET) -> bytes:
    """QQ Mail web (wx.mail.qq.com): gb18030-labelled text/HTML, quoted UTF-8 names.

    ``big_attachments``: ``[(filename, size text, download URL), ...]`` rendered as
    QQ's 超大附件 block in both bodies (the file itself is NOT attached).
    """
    text = body.replace("\r\n", "\n")
    html_body = "".join(f"<div>{line}</div>" for line in text.split("\n") if line)
    if big_attachments:
        text += "\n\n从QQ邮箱发来的超大附件\n\n"
        html_body += ("<div style=\"padding:2px 0 2px 0;\"><div style=\"font:12px;\">"
                      "从QQ邮箱发来的超大附件</div>")
        for filename, size, url in big_attachments:
            text += f"{filename} ({size}, 2024年04月03日 10:15 到期)\n进入下载页面：{url}\n"
            html_body += (f"<div><a href=\"{url}\" target=\"_blank\">{filename}</a>"
                          f"<span>({size}, 2024年04月03日 10:15 到期)</span></div>")
        html_body += "</div>"
    html = ("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB18030\">"
            + html_body)
    head = _trace(sender=sender, return_path=return_path, received=received,
                  received_at=received_at, date=date, top_by="mx2.126.com (Coremail)",
                  submit_by="xmbgsz5.mail.qq.com (NewEsmtp)", submit_from="xmbgsz5", ip="113.108.11.53")
    head += _header("X-QQ-FEAT", "3C1A2Bs9Rk0HtdbLY4pHVOKEuTq0HBWZ0kkLbHKOIr8=")
    head += _header("X-QQ-SSF", "00000000000000F0")
    head += _header("X-HAS-ATTACH", "no" if not attachments else "yes")
    head += _header("X-QQ-BUSINESS-ORIGIN", "2")
    head += _header("X-Originating-IP", "123.114.33.7")
    head += _header("X-QQ-STYLE", "")
    head += _header("X-QQ-mid", "xmsezb9-0t1709518530t7h2k8e3f")
    head += _header("From", f'"{encoded_word(sender_name, "utf-8")}" <{sender}>')
    head += _header("To", ", ".join(f'"{encoded_word("报送", "utf-8")}" <{a}>' for a in _addresses(to)))
    head += _header("Subject", encoded_word(subject, "utf-8"))
    head += _header("Mime-Version", "1.0")
    head += _header("Date", format_date(date))
    head += _header("X-Priority", "3")
    head += _header("Message-ID", f"<{message_id or 'tencent_3F1E0A2B4C6D8E0F1A2B3C4D5E6F7A8B9C0D@qq.com'}>")
    head += _header("X-QQ-MIME", "TCMime 1.0 by Tencent")
    head += _header("X-Mailer", "QQMail 2.x")
    head += _header("X-QQ-Mailer", "QQMail 2.x")
    head += _extra(extra_headers)
    alternative_parts = [
        _entity([("Content-Type", 'text/plain;\r\n\tcharset="gb18030"'),
                 ("Content-Transfer-Encoding", "base64")], b64_body(crlf(text).encode("gb18030"))),
        _entity([("Content-Type", 'text/html;\r\n\tcharset="gb18030"'),
                 ("Content-Transfer-Encoding", "base64")], b64_body(html.encode("gb18030"))),
    ]
    boundary = "----=_NextPart_65E52F1A_0D3C2B80_4A1E3C2D"
    if not attachments:
        mhead, mbody = _multipart("multipart/alternative", boundary, alternative_parts)
        return head + mhead + _header("Content-Transfer-Encoding", "8Bit") + CRLF + mbody
    parts = [_mp_entity("multipart/alternative", boundary, alternative_parts)]
    for filename, data, content_type in attachments:
        ew = encoded_word(filename, "utf-8")
        parts.append(_entity([
            ("Content-Type", f'{content_type};\r\n\tcharset="utf-8";\r\n\tname="{ew}"'),
            ("Content-Disposition", f'attachment; filename="{ew}"'),
            ("Content-Transfer-Encoding", "base64"),
        ], b64_body(data)))
    mhead, mbody = _multipart("multipart/mixed", "----=_NextPart_65E52F1A_0D3C2B80_1B2C3D4E", parts)
    return head + mhead + _header("Content-Transfer-Encoding", "8Bit") + CRLF + mbody


# ---------------------------------------------------------------- NetEase 126/163 web mail


def netease_126(*, sender: str = "zhangsan@126.com", sender_name: str = "张三",
                to: str | Sequence[str] = MAILBOX,
                subject: str = "转报：街道办事处关于镕铸工作的信息",
                body: str = "信息科：\n随信附上朱镕、王喆撰写的信息，请审核。\n",
                attachments: Sequence[AttachmentSpec] = (),
                date: datetime = DEFAULT_DATE, received_at: datetime | None = None,
                received: Sequence[str] | None = None,
                extra_headers: Sequence[HeaderSpec] = (), message_id: str | None = None,
                return_path=_UNSET, with_plain: bool = True) -> bytes:
    """Coremail web mail of 126.com / 163.com.

    UNQUOTED GBK encoded-word display name, GBK-labelled base64 bodies, UTF-8
    encoded-word attachment names, Date with a '(CST)' comment, Received lines in
    the Coremail 'by host (Coremail) ;' form. ``with_plain=False``: HTML only.
    """
    if received is None:
        top = received_at or (date + timedelta(seconds=7))
        received = [
            "from zhangsan$126.com ( [36.112.1.2] ) by ajax-webmail-wmsvr-40-101\r\n"
            f"\t(Coremail) ; {format_date(top, comment='(CST)')}",
        ]
    head = _trace(sender=sender, return_path=return_path, received=received,
                  received_at=received_at, date=date, top_by="", submit_by="", submit_from="", ip="")
    head += _header("X-Originating-IP", "[36.112.1.2]")
    head += _header("Date", format_date(date, comment="(CST)"))
    head += _header("From", f"{encoded_word(sender_name, 'GBK')} <{sender}>")
    head += _header("To", ", ".join(_addresses(to)))
    head += _header("Subject", encoded_word(subject, "GBK"))
    head += _header("X-Priority", "3")
    head += _header("X-Mailer", "Coremail Webmail Server Version XT5.0.14 build 20230109(dcb5de15)\r\n"
                                " Copyright (c) 2002-2024 www.mailtech.cn 126com")
    head += _header("X-NTES-SC", "AL_Qu2bA/2fvUwp4iSbYOkXn0kXhec2W8K3u/kk3YdSO5k0jSvVw6Q6YEO5u2Xz")
    head += _extra(extra_headers)
    text = body.replace("\r\n", "\n")
    html = "<div style=\"line-height:1.7;color:#000000;font-size:14px;font-family:Arial\">" + \
        "".join(f"<div>{line}</div>" for line in text.split("\n") if line) + "</div>"
    bodies = []
    if with_plain:
        bodies.append(_entity([("Content-Type", "text/plain; charset=GBK"),
                               ("Content-Transfer-Encoding", "base64")],
                              b64_body(crlf(text).encode("gbk"))))
    bodies.append(_entity([("Content-Type", "text/html; charset=GBK"),
                           ("Content-Transfer-Encoding", "base64")], b64_body(html.encode("gbk"))))
    boundary = "----=_Part_123456_7890123.1709518530123"
    tail = (_header("MIME-Version", "1.0")
            + _header("Message-ID", f"<{message_id or '6b1f2c3d.1a2b.18e0a1b2c3d.Coremail.zhangsan@126.com'}>")
            + _header("X-Coremail-Locale", "zh_CN")
            + _header("X-CM-TRANSID", "ZSgvCgD3HyUiT+VlMxYBAA--.29416W")
            + _header("X-Coremail-Antispam", "1U5529EdanIXcx71UUUUU7vcSsGvfC2KfnxnUU=="))
    alt_head, alt_body = _multipart("multipart/alternative", boundary, bodies)
    if not attachments:
        return head + alt_head + tail + CRLF + alt_body
    parts = [alt_head + CRLF + alt_body]
    for filename, data, content_type in attachments:
        ew = encoded_word(filename, "UTF-8")
        parts.append(_entity([
            ("Content-Type", f'{content_type}; name="{ew}"'),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", f'attachment; filename="{ew}"'),
        ], b64_body(data)))
    mhead, mbody = _multipart("multipart/mixed", "----=_Part_123455_7890122.1709518530122", parts)
    return head + mhead + tail + CRLF + mbody


# ---------------------------------------------------------------- forwarded / bounce / auto-reply


def forwarded(inner: bytes, *, sender: str = "office@jyj.example.gov.cn", sender_name: str = "区教育局办公室",
              to: str | Sequence[str] = MAILBOX, subject: str = "转发：政务信息",
              body: str = "请见转发的原邮件及附件。\n",
              inner_filename: str = "政务信息.eml",
              date: datetime = DEFAULT_DATE, received_at: datetime | None = None,
              received: Sequence[str] | None = None,
              extra_headers: Sequence[HeaderSpec] = (), message_id: str | None = None,
              return_path=_UNSET, base64_inner: bool = False) -> bytes:
    """Foxmail 'forward as attachment': ``inner`` (raw bytes) in a message/rfc822 part.

    ``base64_inner`` base64-encodes the message/rfc822 part, which RFC 2046 forbids
    but some clients do anyway.
    """
    head = _trace(sender=sender, return_path=return_path, received=received,
                  received_at=received_at, date=date, top_by="mx1.126.com (Coremail)",
                  submit_by="mail.jyj.example.gov.cn (Coremail)", submit_from="PC-OFFICE", ip="10.3.2.1")
    head += _header("Date", format_date(date))
    head += _header("From", f'"{encoded_word(sender_name, "gb2312", "gbk")}" <{sender}>')
    head += _header("To", ", ".join(_addresses(to)))
    head += _header("Subject", encoded_word(subject, "gb2312", "gbk"))
    head += _header("X-Mailer", "Foxmail 7.2.25.228[cn]")
    head += _header("Mime-Version", "1.0")
    head += _header("Message-ID", f"<{message_id or '202403041120457654321@jyj.example.gov.cn'}>")
    head += _extra(extra_headers)
    name = encoded_word(inner_filename, "gb2312", "gbk")
    if base64_inner:
        cte, payload = "base64", b64_body(inner)
    else:
        cte, payload = ("7bit" if inner.isascii() else "8bit"), inner
    parts = [
        _entity([("Content-Type", 'text/plain;\r\n\tcharset="gb2312"'),
                 ("Content-Transfer-Encoding", "base64")], b64_body(crlf(body).encode("gbk"))),
        _entity([("Content-Type", f'message/rfc822;\r\n\tname="{name}"'),
                 ("Content-Transfer-Encoding", cte),
                 ("Content-Disposition", f'attachment;\r\n\tfilename="{name}"')], payload),
    ]
    mhead, mbody = _multipart("multipart/mixed", "----=_001_NextPart813427635182_=----", parts)
    return head + mhead + CRLF + mbody


def bounce(original: bytes, *, sender: str = "MAILER-DAEMON@126.com",
           sender_name: str = "Mail Delivery Subsystem", to: str | Sequence[str] = MAILBOX,
           subject: str = "系统退信", recipient: str = "nobody@example.gov.cn",
           status: str = "5.1.1", diagnostic: str = "smtp; 550 User not found: nobody@example.gov.cn",
           reporting_mta: str = "m16.mail.126.com",
           date: datetime = DEFAULT_DATE, received_at: datetime | None = None,
           received: Sequence[str] | None = None,
           extra_headers: Sequence[HeaderSpec] = (), message_id: str | None = None,
           return_path: str | None = "", headers_only: bool = False) -> bytes:
    """A DSN (RFC 3464): multipart/report from MAILER-DAEMON with ``Return-Path: <>``.

    Parts: a Chinese explanation, message/delivery-status, and the returned
    ``original`` as message/rfc822 (``headers_only``: its header block as
    text/rfc822-headers).
    """
    head = _trace(sender=sender, return_path=return_path, received=received,
                  received_at=received_at, date=date, top_by="mx1.126.com (Coremail)",
                  submit_by=reporting_mta, submit_from="localhost", ip="127.0.0.1")
    head += _header("Date", format_date(date))
    head += _header("From", f'"{sender_name}" <{sender}>')
    head += _header("To", ", ".join(_addresses(to)))
    head += _header("Subject", encoded_word(subject, "UTF-8"))
    head += _header("Message-ID", f"<{message_id or 'bounce.1709518530.123@m16.mail.126.com'}>")
    head += _header("Auto-Submitted", "auto-replied")
    head += _header("MIME-Version", "1.0")
    head += _extra(extra_headers)
    explanation = (f"很抱歉您的邮件没有投递成功。\n收件人：{recipient}\n"
                   f"原因：{diagnostic}\n")
    status_body = (f"Reporting-MTA: dns; {reporting_mta}\r\n"
                   f"Arrival-Date: {format_date(date)}\r\n\r\n"
                   f"Final-Recipient: rfc822; {recipient}\r\n"
                   f"Action: failed\r\n"
                   f"Status: {status}\r\n"
                   f"Diagnostic-Code: {diagnostic}\r\n").encode("ascii")
    if headers_only:
        returned = _entity([("Content-Type", "text/rfc822-headers")],
                           original.split(CRLF + CRLF, 1)[0] + CRLF)
    else:
        returned = _entity([("Content-Type", "message/rfc822"),
                            ("Content-Transfer-Encoding", "7bit" if original.isascii() else "8bit")],
                           original)
    parts = [
        _entity([("Content-Type", "text/plain; charset=UTF-8"),
                 ("Content-Transfer-Encoding", "base64")], b64_body(crlf(explanation).encode())),
        _entity([("Content-Type", "message/delivery-status")], status_body),
        returned,
    ]
    mhead, mbody = _multipart("multipart/report; report-type=delivery-status",
                              "----=_Part_Bounce_1709518530", parts)
    return head + mhead + CRLF + mbody


def auto_reply(*, sender: str = "zhaoliu@qq.com", sender_name: str = "赵六",
               to: str | Sequence[str] = MAILBOX,
               original_subject: str = "关于报送政务信息的通知",
               body: str = "您好，我正在休假，将于3月11日返回，急事请致电。\n",
               date: datetime = DEFAULT_DATE, received_at: datetime | None = None,
               received: Sequence[str] | None = None,
               extra_headers: Sequence[HeaderSpec] = (), message_id: str | None = None,
               return_path=_UNSET) -> bytes:
    """QQ Mail vacation auto-reply: subject '自动回复：<original>', Auto-Submitted, X-Autoreply."""
    head = _trace(sender=sender, return_path=return_path, received=received,
                  received_at=received_at, date=date, top_by="mx2.126.com (Coremail)",
                  submit_by="xmbgsz5.mail.qq.com (NewEsmtp)", submit_from="xmbgsz5", ip="113.108.11.53")
    head += _header("From", f'"{encoded_word(sender_name, "utf-8")}" <{sender}>')
    head += _header("To", ", ".join(_addresses(to)))
    head += _header("Subject", encoded_word("自动回复：" + original_subject, "utf-8"))
    head += _header("Date", format_date(date))
    head += _header("Message-ID", f"<{message_id or 'tencent_AUTOREPLY0A1B2C3D4E5F@qq.com'}>")
    head += _header("Auto-Submitted", "auto-replied")
    head += _header("X-Autoreply", "yes")
    head += _header("Mime-Version", "1.0")
    head += _extra(extra_headers)
    head += _header("Content-Type", 'text/plain;\r\n\tcharset="utf-8"')
    head += _header("Content-Transfer-Encoding", "base64")
    return head + CRLF + b64_body(crlf(body).encode("utf-8"))
