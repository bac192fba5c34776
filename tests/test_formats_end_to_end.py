"""The formats units send, end to end on real servers (Dovecot, aiosmtpd on 127.0.0.1): a .doc
from Foxmail, a Windows zip holding a .docx and a .wps, an Outlook winmail.dat, a .rar; polled by
the real command, followed into the ledger and the replies on the SMTP server."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import write_office_config
from sqlalchemy import select
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.ledger.models import Message, Piece

import mailcorpus as mc
from formats import TITLE, article_docx, as_wps, libreoffice_convert, windows_zip, winmail_dat

TZ = ZoneInfo("Asia/Shanghai")
SENDER = "shangwu-xx@example.org"   # registered to 滕州市商务局 in the test office config


def test_formats_polled_recorded_and_answered(tmp_path: Path, imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, mailboxes=[{
        "name": "信息科报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password,
    }])
    docx = article_docx()
    doc = libreoffice_convert({"a.docx": article_docx("滕州市商务局优化营商环境见实效")}, "doc")["a"]
    wps = as_wps(libreoffice_convert({"b.docx": article_docx("滕州市商务局推进外贸稳增长")}, "doc")["b"])
    mails = {
        "doc": mc.foxmail_gbk(sender=SENDER, subject="【工作动态】营商环境", message_id="doc@e2e",
                              attachments=[("营商环境.doc", doc, "application/msword")]),
        "zip": mc.outlook_utf8(sender=SENDER, subject="【工作动态】两篇信息", message_id="zip@e2e",
                               attachments=[("两篇.zip", windows_zip({"一.docx": docx, "二.wps": wps}),
                                             "application/x-zip-compressed"),
                                            ("旧稿.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\0" * 64,
                                             "application/octet-stream")]),
        "tnef": mc.outlook_utf8(sender=SENDER, subject="【工作动态】外贸", message_id="tnef@e2e",
                                attachments=[("winmail.dat", winmail_dat([("外贸.docx", article_docx(
                                    "滕州市商务局外贸新业态发展迅速"))]), "application/ms-tnef")]),
        "rar": mc.qq_mail(sender=SENDER, subject="【工作动态】压缩包", message_id="rar@e2e",
                          attachments=[("材料.rar", b"Rar!\x1a\x07\x01\x00" + b"\0" * 200,
                                        "application/octet-stream")]),
    }
    client = imap_account.client()
    for i, raw in enumerate(mails.values()):
        client.append("INBOX", raw, msg_time=datetime(2026, 11, 3 + i, 9, 0, tzinfo=TZ))

    result = CliRunner().invoke(cli, ["--config", str(config), "poll", "--once"], catch_exceptions=False)
    assert result.exit_code == 0, result.output

    with App.open(config).sessions() as session:
        verdicts = sorted((m.subject, m.verdict, m.reason) for m in session.scalars(select(Message)))
        assert verdicts == [
            ("【工作动态】两篇信息", "accepted", None), ("【工作动态】压缩包", "rejected", "unsupported_archive"),
            ("【工作动态】外贸", "accepted", None), ("【工作动态】营商环境", "accepted", None),
        ]
        pieces = sorted((p.source, p.title) for p in session.scalars(select(Piece)))
        assert pieces == [
            ("winmail.dat/外贸.docx", "滕州市商务局外贸新业态发展迅速"),
            ("两篇.zip/一.docx", TITLE),
            ("两篇.zip/二.wps", "滕州市商务局推进外贸稳增长"),
            ("营商环境.doc", "滕州市商务局优化营商环境见实效"),
        ]

    replies = smtp_sink.wait_for(4)
    texts = {}
    for r in replies:
        msg = BytesParser(policy=policy.default).parsebytes(r.data)
        texts[str(msg["Subject"])] = msg.get_body(("plain",)).get_content()
    receipt = next(t for s, t in texts.items() if "营商环境" in s)
    assert "营商环境.doc" in receipt and "读取方式：经 LibreOffice 转换后读取" in receipt
    zipped = next(t for s, t in texts.items() if "两篇信息" in s)
    assert "登记稿件 2 篇" in zipped and "两篇.zip/二.wps" in zipped
    assert "以下附件没有登记" in zipped and "旧稿.7z：压缩包无法解开" in zipped  # named, never silently dropped
    refused = next(t for s, t in texts.items() if "压缩包" in s)
    assert "不解开 .rar、.7z 压缩包" in refused and "改用 .zip" in refused
