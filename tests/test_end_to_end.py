"""End to end on real servers: Dovecot (IMAP) and aiosmtpd (SMTP) on 127.0.0.1.

Registered, unregistered, photo-only and bounce mail with GBK-encoded Chinese
subjects and attachment names is appended to a real mailbox, polled by the real
command, and followed into the ledger, the SMTP server and the IMAP folders;
then two adoptions are recorded, the month scored and the notice sent.
"""

from __future__ import annotations

import json
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
from baosong.demo.samples import docx_bytes, png_bytes
from baosong.ledger.models import Message, OutboxMail, Piece

import mailcorpus as mc

TZ = ZoneInfo("Asia/Shanghai")
runner = CliRunner()


def foxmail(sender: str, subject: str, body: str, attachments: list[tuple[str, bytes, str]]) -> bytes:
    """A unit's submission the way Foxmail on a GBK Windows desktop writes it (tests/mailcorpus.py); the
    receiving server verified the sender's domain (SPF), so even an unregistered sender gets a reply."""
    domain = sender.rpartition("@")[2].lower()
    return mc.foxmail_gbk(sender=sender, sender_name="信息员", to="tzxxk@example.com", subject=subject, body=body,
                          attachments=attachments, filename_style="encoded_word",
                          message_id=f"{abs(hash((sender, subject)))}@foxmail.example",
                          extra_headers=[("Authentication-Results",
                                          f"mx.example.com; spf=pass smtp.mailfrom={domain}")])


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHANGWU = docx_bytes("滕州市商务局多措并举促进消费回暖",
                     ["今年以来，商务局围绕促消费推出一系列举措。", "社会消费品零售总额同比增长5.2%。"],
                     "（滕州市商务局 王芳）")
BINHU = docx_bytes("滨湖镇创新“网格+”模式提升基层治理效能",
                   ["滨湖镇把网格作为服务群众的最小单元。", "全镇划分网格120个，配备网格员156名。"],
                   "（滨湖镇人民政府 张建国）")


def bounce() -> bytes:
    return (
        "From: MAILER-DAEMON@example.com\r\nTo: tzxxk@example.com\r\nReturn-Path: <>\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nDate: Tue, 14 Oct 2026 10:00:00 +0800\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; example.com\r\n\r\n"
        "Final-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n"
    ).encode()


def invoke(config: Path, *args: str):
    result = runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)
    return result


def folder_count(client, folder: str) -> int:
    return client.select_folder(folder, readonly=True)[b"EXISTS"]


def test_mail_in_to_notice_out(tmp_path: Path, office_database: str | None, imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database, mailboxes=[{
        "name": "信息科报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password,
    }])
    arrivals = {
        "shangwu": datetime(2026, 10, 9, 9, 15, tzinfo=TZ),
        "binhu": datetime(2026, 10, 10, 16, 40, tzinfo=TZ),
        "stranger": datetime(2026, 10, 11, 8, 0, tzinfo=TZ),
        "photo": datetime(2026, 10, 12, 11, 5, tzinfo=TZ),
        "bounce": datetime(2026, 10, 14, 10, 0, tzinfo=TZ),
    }
    mails = {
        "shangwu": foxmail("shangwu-xx@example.org", "【工作动态】商务局多措并举促进消费回暖", "信息科：请审阅。",
                           [("商务局促消费信息.docx", SHANGWU, DOCX)]),
        "binhu": foxmail("BinHu-XX@Example.com", "【经验亮点】滨湖镇网格化治理", "请审阅。",
                         [("滨湖镇网格化治理经验.docx", BINHU, DOCX)]),
        "stranger": foxmail("zhangsan@example.net", "【工作动态】我单位近期工作", "投稿。",
                            [("近期工作.docx", SHANGWU, DOCX)]),
        "photo": foxmail("shangwu-xx@example.org", "【工作动态】纸质稿照片", "纸质稿拍照发来。",
                         [("扫描件一.png", png_bytes(), "image/png")]),
        "bounce": bounce(),
    }
    client = imap_account.client()
    for key, raw in mails.items():
        client.append("INBOX", raw, msg_time=arrivals[key])

    result = invoke(config, "poll", "--once")
    assert result.exit_code == 0, result.output
    assert "取到 5 封，新登记 5 封" in result.output

    # ---- the ledger
    application = App.open(config)
    with application.sessions() as session:
        messages = list(session.scalars(select(Message)))
        pieces = list(session.scalars(select(Piece).order_by(Piece.received_at)))
        assert sorted((m.sender, m.verdict, m.reason) for m in messages) == [
            ("binhu-xx@example.com", "accepted", None),
            ("mailer-daemon@example.com", "ignored", "bounce"),
            ("shangwu-xx@example.org", "accepted", None),
            ("shangwu-xx@example.org", "rejected", "non_electronic"),
            ("zhangsan@example.net", "rejected", "unregistered_sender"),
        ]
        assert [(p.unit.name, p.source, p.title, p.category, p.author) for p in pieces] == [
            ("滕州市商务局", "商务局促消费信息.docx", "滕州市商务局多措并举促进消费回暖", "工作动态", "王芳"),
            ("滨湖镇人民政府", "滨湖镇网格化治理经验.docx", "滨湖镇创新“网格+”模式提升基层治理效能", "经验亮点", "张建国"),
        ]
        assert all(p.word_count > 40 for p in pieces)
        # the provider's INTERNALDATE decides, not the (2025) Date header
        assert [p.received_at for p in pieces] == [arrivals["shangwu"], arrivals["binhu"]]
        # every message archived byte for byte, and filed only after it was recorded
        assert {Path(m.archive_path).read_bytes() for m in messages} == set(mails.values())
        assert all(m.filed_at is not None and m.filed_at >= m.recorded_at for m in messages)

    # ---- replies on the SMTP server: two receipts, two reasons, nothing to the bounce
    replies = smtp_sink.wait_for(4)
    assert len(replies) == 4
    by_rcpt: dict[str, list[str]] = {}
    for r in replies:
        msg = BytesParser(policy=policy.default).parsebytes(r.data)
        assert msg["Auto-Submitted"] == "auto-replied"
        by_rcpt.setdefault(r.rcpt_tos[0], []).append(msg.get_body(("plain",)).get_content())
    assert {k: len(v) for k, v in by_rcpt.items()} == {
        "binhu-xx@example.com": 1, "shangwu-xx@example.org": 2, "zhangsan@example.net": 1}
    assert "不是已登记的报送邮箱" in by_rcpt["zhangsan@example.net"][0]
    shangwu_texts = " ".join(by_rcpt["shangwu-xx@example.org"])
    assert "纸质文档（包括照片、扫描件）不计入报送数量" in shangwu_texts
    assert "登记稿件 1 篇" in shangwu_texts and "扫描件一.png" in shangwu_texts

    # ---- folders: the inbox is empty, everything filed where it belongs
    assert folder_count(client, "INBOX") == 0
    assert folder_count(client, "已处理") == 2
    assert folder_count(client, "已退回") == 3

    # ---- a crash after the commit but before the move: the message is back in the inbox
    client.select_folder("已处理")
    uid = client.search(["ALL"])[0]
    raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    client.append("INBOX", raw, msg_time=arrivals["shangwu"])
    again = invoke(config, "poll", "--once")
    assert again.exit_code == 0, again.output
    assert "新登记 0 封" in again.output and "此前已登记 1 封" in again.output
    assert folder_count(client, "INBOX") == 0
    with application.sessions() as session:
        assert len(list(session.scalars(select(Piece)))) == 2
        assert len(list(session.scalars(select(Message)))) == 5

    # ---- adopt two pieces, score, notify
    listing = json.loads(invoke(config, "ledger", "list", "--month", "2026-10", "--json").stdout)
    ids = {p["unit"]: p["id"] for p in listing}
    assert invoke(config, "adopt", str(ids["滕州市商务局"]), "枣庄普刊", "--date", "2026-10-20").exit_code == 0
    assert invoke(config, "adopt", str(ids["滨湖镇人民政府"]), "政情专报", "--instruction", "滕州市政府领导",
                  "--date", "2026-10-22").exit_code == 0
    scores = json.loads(invoke(config, "score", "--month", "2026-10", "--json").stdout)
    top = [(s["unit"], s["submitted"], s["adopted"], s["score"], s["rank"]) for s in scores if s["class"] == "A"]
    # class A's monthly task is 10 pieces; one sent, 9 missing at −1 each, down to 0 (扣完为止):
    # 滨湖镇 政情专报 20 + 滕州市政府领导 20 − 9 = 31; 商务局 枣庄普刊 15 − 9 = 6
    assert top == [("滨湖镇人民政府", 1, 1, 20 + 20 - 9, 1), ("滕州市商务局", 1, 1, 15 - 9, 2),
                   ("龙泉街道办事处", 0, 0, 0, 3)]

    smtp_sink.clear()
    result = invoke(config, "notify", "monthly", "--month", "2026-10")
    assert result.exit_code == 0, result.output
    notices = smtp_sink.wait_for(7)
    recipients = sorted(tuple(r.rcpt_tos) for r in notices)
    assert ("leaders-office@example.com", "xinxike@example.com") in recipients
    assert ("binhu-leader@example.com",) in recipients and ("shangwu-leader@example.org",) in recipients
    assert len(recipients) == 7  # the office + six principals; units without one get none
    office = next(r for r in notices if len(r.rcpt_tos) == 2)
    msg = BytesParser(policy=policy.default).parsebytes(office.data)
    assert msg["Subject"] == "滕州市人民政府办公室政务信息采用情况通报（2026年10月）"
    text = msg.get_body(("plain",)).get_content()
    a_rows = text.split("A类单位")[1].split("B类单位")[0]
    assert a_rows.index("1　滨湖镇　1　1　31") < a_rows.index("2　商务局　1　1　6")
    html = msg.get_body(("html",)).get_content()
    row = html.split('<td class="unit">滨湖镇</td>')[1].split("</tr>")[0]
    assert row.startswith("<td>1</td><td>1</td><td>1/10</td>") and row.endswith("<td><strong>31</strong></td>")
    binhu = next(r for r in notices if r.rcpt_tos == ["binhu-leader@example.com"])
    own = BytesParser(policy=policy.default).parsebytes(binhu.data).get_body(("plain",)).get_content()
    assert "张建国同志" in own and "滨湖镇人民政府本月报送 1 篇，采用 1 篇，得分 31，在A类单位中排第 1 名" in own

    # the outbox recorded every mail as sent, once
    with application.sessions() as session:
        statuses = [m.status for m in session.scalars(select(OutboxMail))]
    assert statuses == ["sent"] * (4 + 7)


def test_wrong_password_is_reported_and_nothing_is_lost(tmp_path: Path, office_database: str | None, imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database, mailboxes=[{
        "name": "信息科报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": "wrong-password",
    }])
    client = imap_account.client()
    client.append("INBOX", foxmail("shangwu-xx@example.org", "【工作动态】促消费", "请审阅。",
                                   [("促消费.docx", SHANGWU, DOCX)]))
    result = invoke(config, "poll", "--once")
    assert result.exit_code == 1
    assert "登录或打开文件夹失败" in result.output and "Traceback" not in result.output
    assert folder_count(client, "INBOX") == 1
    assert smtp_sink.messages == []


def test_ingest_takes_the_newest_received_header(tmp_path: Path, office_database: str | None, smtp_sink):
    import mailcorpus as mc

    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database)
    provider_time = datetime(2026, 10, 31, 23, 59, 30, tzinfo=TZ)  # still October in Tengzhou
    raw = mc.netease_126(sender="shangwu-xx@example.org", subject="【工作动态】促消费",
                         attachments=[("促消费.docx", SHANGWU, DOCX)],
                         date=datetime(2026, 11, 2, 8, 0, tzinfo=TZ), received_at=provider_time)
    path = tmp_path / "m.eml"
    path.write_bytes(raw)
    assert invoke(config, "ingest", str(path)).exit_code == 0
    rows = json.loads(invoke(config, "ledger", "list", "--month", "2026-10", "--json").stdout)
    assert [r["received_at"] for r in rows] == ["2026-10-31T23:59:30+08:00"]


def test_classified_mail_is_quarantined_and_the_office_alerted(tmp_path: Path, office_database: str | None, imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database, mailboxes=[{
        "name": "信息科报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password,
    }])
    secret = docx_bytes("秘密★1年", ["关于某重点项目的情况报告", "正文略。"], "（滕州市商务局 王芳）")
    client = imap_account.client()
    client.append("INBOX", foxmail("shangwu-xx@example.org", "情况报告", "请审阅。", [("情况报告.docx", secret, DOCX)]),
                  msg_time=datetime(2026, 10, 9, 9, 15, tzinfo=TZ))
    assert invoke(config, "poll", "--once").exit_code == 0
    assert folder_count(client, "INBOX") == 0 and folder_count(client, "隔离") == 1
    mails = {tuple(r.rcpt_tos): BytesParser(policy=policy.default).parsebytes(r.data) for r in smtp_sink.wait_for(2)}
    alert = mails[("leaders-office@example.com", "xinxike@example.com")]
    assert alert["Subject"].startswith("【需人工处理】疑似涉密邮件")
    assert "秘密★" in alert.get_body(("plain",)).get_content()
    reply = mails[("shangwu-xx@example.org",)].get_body(("plain",)).get_content()
    assert "涉密信息不得通过电子邮件报送" in reply
    application = App.open(config)
    with application.sessions() as session:
        assert [(m.verdict, m.reason) for m in session.scalars(select(Message))] == [("quarantined", "classified")]
        assert list(session.scalars(select(Piece))) == []


def test_recorded_but_unmoved_message_is_filed_without_downloading_again(tmp_path: Path, office_database: str | None, imap_account, smtp_sink):
    from baosong.processing import process

    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database, mailboxes=[{
        "name": "信息科报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password,
    }])
    raw = foxmail("shangwu-xx@example.org", "【工作动态】促消费", "请审阅。", [("促消费.docx", SHANGWU, DOCX)])
    client = imap_account.client()
    client.append("INBOX", raw, msg_time=datetime(2026, 10, 9, 9, 15, tzinfo=TZ))
    uidvalidity = client.select_folder("INBOX")[b"UIDVALIDITY"]
    [uid] = client.search(["ALL"])
    # a cycle that recorded the message and then died before the IMAP move
    application = App.open(config)
    first = process(application, raw, mailbox="信息科报送邮箱", uidvalidity=uidvalidity, uid=uid,
                    received_at=datetime(2026, 10, 9, 9, 15, tzinfo=TZ))
    assert first.new

    result = invoke(config, "poll", "--once")
    assert result.exit_code == 0, result.output
    assert "取到 0 封，新登记 0 封" in result.output and "此前已登记 1 封" in result.output
    assert folder_count(client, "INBOX") == 0 and folder_count(client, "已处理") == 1
    with application.sessions() as session:
        [message] = session.scalars(select(Message))
        assert message.filed_at is not None
