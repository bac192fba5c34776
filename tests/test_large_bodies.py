"""Large base64 bodies are cut out before the stdlib parser sees them and decoded straight from the raw
bytes (a 40 MB attachment cost ~300 MB of line objects): the parsed message is the same either way."""

from __future__ import annotations

import base64
import os

import pytest

import baosong.intake.mime.walk as walk
from baosong.intake.message import parse_message

import mailcorpus as mc

DOCX = mc.minimal_docx(["关于推进重点项目建设情况的报告", "正文" * 3000])
BIG = os.urandom(300_000)


def plain(raw: bytes, monkeypatch):
    """The message as the stdlib parser alone reads it (nothing cut out)."""
    with monkeypatch.context() as m:
        m.setattr(walk, "ELIDE_MIN_BYTES", 10**12)
        return parse_message(raw)


def b64_lines(data: bytes, newline: bytes = b"\r\n") -> bytes:
    return newline.join(base64.encodebytes(data).splitlines()) + newline


CASES = {
    "foxmail": mc.foxmail_gbk(attachments=[("报告.docx", DOCX, mc.DOCX), ("大.bin", BIG, "application/octet-stream")]),
    "outlook": mc.outlook_utf8(attachments=[("报告.docx", DOCX, mc.DOCX)],
                               inline_images=[("image001.png", BIG, "image/png")]),
    "qq": mc.qq_mail(attachments=[("报告.docx", DOCX, mc.DOCX)]),
    "126": mc.netease_126(attachments=[("报告.docx", DOCX, mc.DOCX)]),
    "forwarded": mc.forwarded(mc.foxmail_gbk(attachments=[("大.bin", BIG, "application/octet-stream")])),
    # a base64 body followed by text that is not base64: the stdlib's payload, text put back
    "trailing text": (b"From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B"
                      b"\r\n\r\n--B\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                      + b64_lines(BIG) + b"not base64 at all!\r\n--B--\r\n"),
    # a plain-text body that only looks like base64 (no Content-Transfer-Encoding)
    "text lookalike": (b"From: a@example.com\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n" + b64_lines(BIG)),
    # bare LF line ends, and a base64-encoded forwarded message (against RFC 2046)
    "lf": (b"From: a@example.com\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
           b"--B\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n" + b64_lines(BIG, b"\n") + b"--B--\n"),
    "base64 message/rfc822": (
        b"From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        b"--B\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64_lines(mc.foxmail_gbk(attachments=[("报告.docx", DOCX, mc.DOCX)])) + b"--B--\r\n"),
    "truncated": mc.foxmail_gbk(attachments=[("大.bin", BIG, "application/octet-stream")])[:-5000],
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_parse_is_the_stdlib_parse(name, monkeypatch):
    raw = CASES[name]
    assert parse_message(raw) == plain(raw, monkeypatch)


def test_a_large_attachment_is_decoded_from_the_raw_bytes(monkeypatch):
    raw = CASES["foxmail"]
    skeleton, tokens = walk._elide(raw)
    assert len(tokens) == 1 and len(skeleton) < len(raw) // 10   # the parser sees a small skeleton
    m = parse_message(raw)
    assert [a.data for a in m.attachments] == [DOCX, BIG]
