"""A mailbox the poll cannot reach is named with the reason in Chinese (as the SMTP side does), not only
Python's English error: a refused port, and ssl: true against a server that speaks plain IMAP (Dovecot)."""

from __future__ import annotations

import socket

import pytest

from baosong.intake.mailbox import Mailbox, MailboxError


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _box(host: str, port: int, *, ssl: bool) -> Mailbox:
    return Mailbox(name="报送邮箱", host=host, port=port, ssl=ssl, username="u", password="p", timeout=10)


def test_a_refused_connection_says_so_in_chinese():
    port = _closed_port()
    with pytest.raises(MailboxError) as info:
        _box("127.0.0.1", port, ssl=False).connect()
    assert f"无法连接邮箱服务器 127.0.0.1:{port}（拒绝连接" in str(info.value), str(info.value)


def test_ssl_against_a_plain_imap_server_names_the_settings_to_check(dovecot):
    with pytest.raises(MailboxError) as info:
        _box(dovecot.host, dovecot.port, ssl=True).connect()
    said = str(info.value)
    assert f"无法连接邮箱服务器 {dovecot.host}:{dovecot.port}（SSL/TLS 握手失败" in said, said
    assert "ssl" in said and "port" in said
