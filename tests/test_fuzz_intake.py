"""Malformed MIME through the whole path — judge, record, the reply and alert built — always ends in a
verdict and a stored record, never an exception (hypothesis generates the mail)."""

from __future__ import annotations

import base64
import itertools
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baosong.app import App
from baosong.demo.config import write_office_config
from baosong.demo.samples import docx_bytes
from baosong.ledger.models import Message, OutboxMail
from baosong.processing import process
from baosong.vocabulary import Verdict

DOCX = docx_bytes("滨湖镇创新网格化治理模式", ["今年以来，滨湖镇坚持问题导向，推动各项任务落到实处。"] * 3, "（滨湖镇 张三）")
SENDERS = ["binhu-xx@example.com", "BinHu-XX@Example.com", "stranger@example.net", "", "<>", "not an address",
           "\"binhu-xx@example.com\" <x@qq.example>", "=?utf-8?B?5ruo5rmW?= <binhu-xx@example.com>"]
NASTY = ["\x85", "\u2028", "\u2029", "\x1e", "\x1b[31m", "\x00", "\r", "\n", "\t", "\ufffd", "=?", "?=", "\"", "<", ">",
         ";", "\\", "é", "滨湖", "\udcff"]
CHARSETS = ["utf-8", "gbk", "gb2312", "big5", "iso-8859-1", "iso-2022-jp", "x-unknown", "utf-7", "", "unicode_escape",
            "utf-16", "bogus\"charset"]

texts = st.lists(st.one_of(st.sampled_from(NASTY), st.characters(codec="utf-8")), max_size=30).map("".join)


@st.composite
def encoded_words(draw) -> bytes:
    charset = draw(st.sampled_from(CHARSETS))
    text = draw(texts)
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?=".encode()
    return f"=?{charset}?Q?".encode() + data.replace(b" ", b"_") + b"?="


header_values = st.one_of(
    texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    encoded_words(),
    st.binary(max_size=40),
    st.lists(encoded_words(), max_size=3).map(b" ".join),
)


@st.composite
def parts(draw, depth: int = 0) -> bytes:
    kind = draw(st.sampled_from(["text", "docx", "binary", "multipart", "rfc822", "truncated"] if depth < 3
                                else ["text", "binary", "docx"]))
    ctype_params = draw(st.sampled_from([b"", b"; charset=" + draw(st.sampled_from(CHARSETS)).encode(),
                                         b"; name=" + draw(header_values), b"; name*=utf-8''%E6%BB%A8%ZZ.docx"]))
    cte = draw(st.sampled_from([b"base64", b"quoted-printable", b"8bit", b"7bit", b"x-uuencode", b"BASE64 "]))
    if kind == "text":
        body = draw(st.binary(max_size=200))
        head = b"Content-Type: text/plain" + ctype_params
    elif kind == "docx":
        data = DOCX if draw(st.booleans()) else DOCX[: draw(st.integers(0, len(DOCX)))]
        body = base64.b64encode(data)
        cte = b"base64"
        head = (b"Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                + ctype_params + b"\r\nContent-Disposition: attachment; filename=" + draw(header_values))
    elif kind == "binary":
        body = draw(st.binary(max_size=300))
        head = b"Content-Type: " + draw(st.sampled_from([b"application/octet-stream", b"image/png", b"message/delivery-status",
                                                         b"message/disposition-notification", b"text/html"])) + ctype_params
    elif kind == "rfc822":
        body = draw(messages(depth + 1))
        head = b"Content-Type: message/rfc822"
    elif kind == "truncated":
        body = b"--unterminated\r\nContent-Type: text/plain\r\n\r\nabc"
        head = b"Content-Type: multipart/mixed; boundary=unterminated"
    else:
        boundary = draw(st.sampled_from([b"b1", b"=_weird boundary", b"", b"a" * 80]))
        children = draw(st.lists(parts(depth + 1), max_size=3))
        body = b"".join(b"--" + boundary + b"\r\n" + c + b"\r\n" for c in children)
        if draw(st.booleans()):
            body += b"--" + boundary + b"--\r\n"
        sub = draw(st.sampled_from([b"mixed", b"alternative", b"related", b"report; report-type=delivery-status",
                                    b"report; report-type=disposition-notification"]))
        head = b"Content-Type: multipart/" + sub + b"; boundary=\"" + boundary + b"\""
        cte = b"7bit"
    return head + b"\r\nContent-Transfer-Encoding: " + cte + b"\r\n\r\n" + body


@st.composite
def messages(draw, depth: int = 0) -> bytes:
    headers = [
        b"From: " + draw(st.one_of(st.sampled_from(SENDERS).map(str.encode), header_values)),
        b"Subject: " + draw(header_values),
        b"Message-ID: " + draw(st.one_of(st.just(b"<a@b>"), header_values)),
    ]
    for name in draw(st.lists(st.sampled_from([b"Precedence", b"Auto-Submitted", b"In-Reply-To", b"References",
                                               b"Authentication-Results", b"Return-Path", b"Received", b"Date",
                                               b"Content-Type"]), max_size=4)):
        headers.append(name + b": " + draw(header_values))
    return b"\r\n".join(headers) + b"\r\nMIME-Version: 1.0\r\n" + draw(parts(depth))


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> App:
    class Smtp:   # replies and alerts are rendered and queued; nothing is sent
        host, port = "127.0.0.1", 9

    directory = tmp_path_factory.mktemp("fuzz")
    return App.open(write_office_config(directory / "config", smtp=Smtp()))


_uid = itertools.count(1)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow, HealthCheck.data_too_large])
@given(raw=messages())
def test_malformed_mail_always_ends_in_a_verdict_and_a_record(app: App, raw: bytes):
    outcome = process(app, raw, mailbox="fuzz", uidvalidity=1, uid=next(_uid))
    assert outcome.verdict in {v.value for v in Verdict}
    with app.sessions() as session:
        message = session.get(Message, outcome.ledger_id)
        assert message is not None and message.verdict == outcome.verdict
        for mail in session.query(OutboxMail).filter(OutboxMail.message_ref == message.id):
            assert mail.raw and b"\r\n\r\n" in mail.raw
            head = mail.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")   # headers always encodable, never broken
            assert all(line and (line[0] in " \t" or ":" in line) for line in head.split("\r\n"))


def test_the_strategy_reaches_the_interesting_paths(tmp_path):
    """The fuzzer is not only producing mail that fails early: each verdict family is reachable."""
    class Smtp:
        host, port = "127.0.0.1", 9

    # a ledger of its own: the fuzzed mail may already hold the same document from the same unit
    app = App.open(write_office_config(tmp_path / "config", smtp=Smtp()))
    examples = [
        b"From: binhu-xx@example.com\r\nSubject: =?iso-8859-1?Q?Monthly_report=85_draft?=\r\nMessage-ID: <x\x85@y>\r\n"
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/vnd.openxmlformats-"
        b"officedocument.wordprocessingml.document\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(DOCX) + b"\r\n--b--\r\n",
        b"From: <>\r\nSubject: \x1e\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=z\r\n\r\n",
    ]
    verdicts = {process(app, raw, mailbox="fuzz-fixed", uidvalidity=1, uid=i).verdict
                for i, raw in enumerate(examples, 1)}
    assert verdicts == {Verdict.ACCEPTED.value, Verdict.IGNORED.value}
    assert Path(app.config.archive_dir).exists()


def readable(text: str) -> bool:
    """No control, format-breaking, unassigned or surrogate character (U+3000 and the like are fine)."""
    return all(c == " " or unicodedata.category(c) not in ("Cc", "Cs", "Cn", "Zl", "Zp") for c in text)


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.binary(max_size=600), messages().map(lambda m: m[: len(m) // 2])))
def test_judge_is_total_on_any_bytes(raw: bytes):
    from baosong.intake.judge import judge

    verdict = judge(raw, unit_for=lambda address: "滨湖镇人民政府" if address == "binhu-xx@example.com" else None)
    assert verdict.verdict in Verdict
    assert readable(verdict.message.subject) and readable(verdict.message.sender_name)
