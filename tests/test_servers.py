"""The test servers themselves work: Dovecot and pymap (IMAP), SmtpSink (SMTP).

Everything here talks to real servers on 127.0.0.1.
"""

from __future__ import annotations

import base64
import io
import os
import smtplib
import socket
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.generator import BytesGenerator
from email.header import decode_header, make_header
from email.message import EmailMessage

import pytest
from imapclient import IMAPClient, imap_utf7

from baosong.demo.servers import PymapServer, imap_greeting

from smtpsink import SmtpSink

CST = timezone(timedelta(hours=8))
SUBJECT = "关于报送2024年第一季度政务信息的通知"
PROCESSED = "已处理"


def gbk_message(subject: str = SUBJECT) -> bytes:
    """A message as Chinese clients send it: GBK encoded words, 8-bit GBK body."""
    def word(text: str) -> str:
        return "=?GBK?B?" + base64.b64encode(text.encode("gbk")).decode("ascii") + "?="

    head = (
        f"From: {word('办公室')} <office@example.cn>\r\n"
        f"To: {word('信息科')} <info@example.cn>\r\n"
        f"Subject: {word(subject)}\r\n"
        "Date: Tue, 05 Mar 2024 09:30:15 +0800\r\n"
        "Message-ID: <gbk-1@example.cn>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=GBK\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
    )
    body = "各单位：\r\n请于本周五前报送。镕喆\r\n".encode("gbk")
    return head.encode("ascii") + body


def decoded_subject(raw: bytes) -> str:
    header = message_from_bytes(raw)["Subject"]
    return str(make_header(decode_header(header)))


def imap_flow(client: IMAPClient) -> None:
    """Shared by Dovecot and pymap: append with INTERNALDATE, fetch, UID MOVE."""
    client.normalise_times = False  # keep the server's UTC offset
    raw = gbk_message()
    msg_time = datetime(2024, 3, 5, 9, 30, 15, tzinfo=CST)

    client.create_folder(PROCESSED)
    assert PROCESSED in [name for _flags, _delim, name in client.list_folders()]

    client.append("INBOX", raw, msg_time=msg_time)
    inbox = client.select_folder("INBOX")
    uidvalidity = inbox[b"UIDVALIDITY"]
    [uid] = client.search(["ALL"])

    data = client.fetch([uid], ["BODY.PEEK[]", "INTERNALDATE", "FLAGS"])[uid]
    assert data[b"BODY[]"] == raw
    assert decoded_subject(data[b"BODY[]"]) == SUBJECT
    assert data[b"INTERNALDATE"] == msg_time  # same instant; the offset may differ
    assert b"\\Seen" not in data[b"FLAGS"]  # BODY.PEEK[] does not mark as read

    assert b"MOVE" in client.capabilities()
    client.move([uid], PROCESSED)
    assert client.search(["ALL"]) == []
    assert client.select_folder("INBOX")[b"UIDVALIDITY"] == uidvalidity

    client.select_folder(PROCESSED)
    [moved] = client.search(["ALL"])
    data = client.fetch([moved], ["BODY.PEEK[]", "INTERNALDATE"])[moved]
    assert data[b"BODY[]"] == raw
    assert data[b"INTERNALDATE"] == msg_time


# -- Dovecot -----------------------------------------------------------------


def test_dovecot_runs_unprivileged_on_loopback(dovecot):
    assert dovecot.host == "127.0.0.1"
    assert imap_greeting(dovecot.host, dovecot.port) is not None
    if os.geteuid() == 0:
        assert os.stat(f"/proc/{dovecot.process.pid}").st_uid != 0


def test_dovecot_login_and_id(imap_account):
    client = imap_account.client()
    assert client.socket().getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    assert b"ID" in client.capabilities()
    answer = client.id_({"name": "baosong-tests"})
    assert isinstance(answer, tuple)
    pairs = dict(answer)  # a tuple of (key, value) pairs, not a dict
    assert pairs[b"name"] == b"Dovecot"
    assert client.select_folder("INBOX")[b"EXISTS"] == 0


def test_dovecot_append_fetch_move(imap_account):
    client = imap_account.client()
    imap_flow(client)

    # The folder name went over the wire in modified UTF-7.
    client.folder_encode = False
    raw_names = [name for _flags, _delim, name in client.list_folders()]
    assert imap_utf7.encode(PROCESSED) in raw_names
    client.folder_encode = True

    # UIDVALIDITY is the same from a second connection; UIDs start at 1.
    other = imap_account.client()
    for folder in ("INBOX", PROCESSED):
        assert (client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"]
                == other.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])
    other.select_folder(PROCESSED)
    assert other.search(["ALL"]) == [1]


def test_dovecot_new_users_log_in_at_once(dovecot):
    # Several users created and used within one second: each is usable at once.
    for n in range(5):
        name = f"burst{n}-{os.getpid()}"
        dovecot.add_user(name, f"pw-{n}")
        client = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10)
        try:
            client.login(name, f"pw-{n}")
        finally:
            client.logout()
    client = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10)
    try:
        with pytest.raises(client.Error):
            client.login(f"burst0-{os.getpid()}", "wrong")
    finally:
        client.shutdown()
    with pytest.raises(ValueError):
        dovecot.add_user(f"burst0-{os.getpid()}", "again")


# -- SmtpSink ----------------------------------------------------------------


def utf8_message(to: str = "信息科 <info@example.cn>") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "办公室 <office@example.cn>"
    msg["To"] = to
    msg["Subject"] = SUBJECT
    msg.set_content("各单位：\n.以点开头的一行\n请于本周五前报送。\n")
    return msg


def wire_bytes(msg: EmailMessage) -> bytes:
    buf = io.BytesIO()
    BytesGenerator(buf, policy=msg.policy.clone(linesep="\r\n")).flatten(msg)
    return buf.getvalue()


def test_smtp_sink_fixture_receives_utf8(smtp_sink):
    assert smtp_sink.host == "127.0.0.1" and smtp_sink.port > 0
    msg = utf8_message()
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=10) as smtp:
        smtp.send_message(msg)
    [received] = smtp_sink.wait_for(1)
    assert received.mail_from == "office@example.cn"
    assert received.rcpt_tos == ["info@example.cn"]
    assert received.data == wire_bytes(msg)  # byte for byte, CRLF, dots unstuffed
    parsed = message_from_bytes(received.data, policy=policy.default)
    assert parsed["Subject"] == SUBJECT
    body = parsed.get_content().replace("\r\n", "\n")
    assert body == "各单位：\n.以点开头的一行\n请于本周五前报送。\n"


def test_smtp_sink_smtputf8_auth_and_outdir(tmp_path):
    outdir = tmp_path / "sent"
    with SmtpSink(outdir=outdir, username="sender", password="s3cret") as sink:
        with smtplib.SMTP(sink.host, sink.port, timeout=10) as smtp:
            ehlo = smtp.ehlo()[1]
            assert b"SMTPUTF8" in ehlo and b"8BITMIME" in ehlo
            with pytest.raises(smtplib.SMTPSenderRefused):  # 530 auth required
                smtp.send_message(utf8_message())
            smtp.login("sender", "s3cret")  # plaintext AUTH without TLS
            smtp.send_message(utf8_message())
            smtp.send_message(utf8_message(to="李四@例子.中国"))  # needs SMTPUTF8
        first, second = sink.wait_for(2)
        assert second.rcpt_tos == ["李四@例子.中国"]
        assert "李四@例子.中国".encode() in second.data  # raw UTF-8 header
        with pytest.raises(TimeoutError, match="received 2 message"):
            sink.wait_for(3, timeout=0.2)
    assert sorted(p.name for p in outdir.iterdir()) == ["0001.eml", "0002.eml"]
    assert (outdir / "0001.eml").read_bytes() == first.data
    assert (outdir / "0002.eml").read_bytes() == second.data

    with SmtpSink(username="sender", password="s3cret") as sink:
        with smtplib.SMTP(sink.host, sink.port, timeout=10) as smtp:
            with pytest.raises(smtplib.SMTPAuthenticationError):
                smtp.login("sender", "wrong")


# -- pymap -------------------------------------------------------------------


def test_pymap_server_flow():
    with PymapServer(username="pm-user", password="pm-pass") as server:
        assert server.host == "127.0.0.1"
        client = IMAPClient(server.host, port=server.port, ssl=False, timeout=10)
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            client.login(server.username, server.password)
            if b"ID" in client.capabilities():
                client.id_()  # pymap answers "ID NIL"
            imap_flow(client)
        finally:
            client.logout()
        process = server.process
    assert process.returncode is not None
    assert imap_greeting(server.host, server.port, timeout=1) is None
