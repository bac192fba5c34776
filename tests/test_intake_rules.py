"""Issue 8's gate rules through the whole processing path (real SQLite ledger, replies queued):
correspondence by our own Message-IDs, revisions linked to what they replace, duplicates by
Message-ID, Precedence never discarding a piece, backscatter (authentication, rate limit, short
quotes), and the pure helpers they rest on (charset evidence, Authentication-Results)."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.parser import BytesParser
from zoneinfo import ZoneInfo

from sqlalchemy import select

from baosong.app import App
from baosong.demo.samples import docx_bytes
from baosong.intake.authentication import sender_authenticated
from baosong.intake.message import parse_message
from baosong.intake.mime.guess import guess
from baosong.intake.textcheck import looks_like_text
from baosong.ledger.models import Message, OutboxMail, Piece
from baosong.notify.compose import compose
from baosong.processing import process
from baosong.vocabulary import MailKind, Reason, Verdict

import mailcorpus as mc

TZ = ZoneInfo("Asia/Shanghai")
WHEN = datetime(2026, 10, 9, 9, 15, tzinfo=TZ)
PIECE = docx_bytes("滕州市商务局多措并举促进消费回暖", ["今年以来，商务局围绕促消费推出一系列举措。"] * 3, "（滕州市商务局 王芳）")
_uid = iter(range(1, 10_000))


def submit(app: App, **kwargs):
    kwargs.setdefault("sender", "shangwu-xx@example.org")
    kwargs.setdefault("subject", "【工作动态】促消费")
    kwargs.setdefault("attachments", [("促消费.docx", PIECE, mc.DOCX)])
    return process(app, mc.outlook_utf8(**kwargs), mailbox="test", uidvalidity=1, uid=next(_uid), received_at=WHEN)


def outbox(app: App, ledger_id: int) -> dict[str, OutboxMail]:
    with app.sessions() as session:
        mails = {m.kind: m for m in session.scalars(select(OutboxMail).where(OutboxMail.message_ref == ledger_id))}
        session.expunge_all()
    return mails


def body_of(mail: OutboxMail) -> str:
    return BytesParser(policy=policy.default).parsebytes(mail.raw).get_body(("plain",)).get_content()


def test_a_reply_to_our_receipt_is_correspondence_held_for_the_office(office_config):
    app = App.open(office_config)
    first = submit(app, message_id="orig-1@example.org")
    receipt = outbox(app, first.ledger_id)[MailKind.REPLY]
    assert receipt.rfc_message_id and receipt.rfc_message_id.startswith("<")
    # the unit answers the receipt (a subject our pattern does not know: only the ledger can tell)
    answer = submit(app, subject="关于标题的说明", message_id="answer-2@example.org",
                    extra_headers=[("In-Reply-To", receipt.rfc_message_id), ("References", receipt.rfc_message_id)])
    assert (answer.verdict, answer.reason, answer.pieces) == (Verdict.QUARANTINED, Reason.CORRESPONDENCE, 0)
    mails = outbox(app, answer.ledger_id)
    assert MailKind.ALERT in mails and "回复系统邮件" in body_of(mails[MailKind.ALERT])


def test_a_revision_is_linked_to_the_piece_it_replaces_and_both_stay(office_config):
    app = App.open(office_config)
    original = submit(app, message_id="r-1@example.org")
    revised_doc = docx_bytes("滕州市商务局多措并举促进消费回暖", ["今年以来，商务局围绕促消费推出一系列举措，成效明显。"] * 3,
                             "（滕州市商务局 王芳）")
    revision = submit(app, subject="【工作动态】促消费（修改稿）", message_id="r-2@example.org",
                      attachments=[("促消费（第二稿）.docx", revised_doc, mc.DOCX)])
    assert (revision.verdict, revision.pieces) == (Verdict.ACCEPTED, 1)
    with app.sessions() as session:
        pieces = {p.message_id: p for p in session.scalars(select(Piece))}
        new = pieces[revision.ledger_id]
        assert new.revises_id == pieces[original.ledger_id].id
        hits = session.get(Message, revision.ledger_id).rule_hits
    assert [h["rule"] for h in hits] == ["revision"]


def test_the_same_message_id_again_is_a_duplicate_answered_already_received(office_config):
    app = App.open(office_config)
    submit(app, message_id="same@example.org")
    again = submit(app, message_id="same@example.org", subject="【工作动态】促消费（重发）",
                   attachments=[("促消费.docx", PIECE + b"", mc.DOCX)], received_at=WHEN.replace(hour=10))
    assert (again.verdict, again.reason, again.pieces) == (Verdict.REJECTED, Reason.DUPLICATE, 0)
    assert "此前已经收到并登记" in body_of(outbox(app, again.ledger_id)[MailKind.REPLY])


def test_precedence_bulk_records_the_piece_and_only_stops_the_reply(office_config):
    app = App.open(office_config)
    bulk = submit(app, extra_headers=[("Precedence", "bulk")])
    assert (bulk.verdict, bulk.pieces) == (Verdict.ACCEPTED, 1)
    assert outbox(app, bulk.ledger_id) == {}


def test_backscatter_unauthenticated_strangers_get_no_reply_authenticated_ones_a_limited_number(office_config):
    app = App.open(office_config)
    forged = submit(app, sender="victim@elsewhere.example")
    assert forged.verdict == Verdict.REJECTED and outbox(app, forged.ledger_id) == {}
    auth = [("Authentication-Results", "mx.example.gov.cn; spf=pass smtp.mailfrom=stranger@example.net")]
    long_subject = "【工作动态】" + "很长的主题" * 30
    replies = []
    for i in range(5):
        outcome = submit(app, sender="stranger@example.net", subject=long_subject, message_id=f"s{i}@example.net",
                         extra_headers=auth, attachments=[(f"稿{i}.docx", PIECE + bytes([i]), mc.DOCX)])
        replies.append(outbox(app, outcome.ledger_id).get(MailKind.REPLY))
    sent = [r for r in replies if r is not None]
    assert len(sent) == 3 == app.config.settings.replies.max_rejections_per_day
    quoted = BytesParser(policy=policy.default).parsebytes(sent[0].raw)["Subject"]
    assert "很长的主题" * 8 not in quoted and quoted.endswith("…")
    assert "很长的主题" * 8 not in body_of(sent[0])


def test_the_office_can_turn_the_authentication_check_off(office_config):
    settings = office_config / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nreplies:\n  require_authentication: false\n",
                        encoding="utf-8")
    app = App.open(office_config)
    outcome = submit(app, sender="stranger@example.net")
    assert MailKind.REPLY in outbox(app, outcome.ledger_id)


def test_authentication_results_only_the_topmost_and_only_for_the_from_domain():
    def msg(*results: str, sender: str = "a@example.net") -> bytes:
        head = "".join(f"Authentication-Results: {r}\r\n" for r in results)
        return f"{head}From: {sender}\r\nSubject: x\r\n\r\nbody".encode()

    assert sender_authenticated(parse_message(msg("mx; spf=pass smtp.mailfrom=a@example.net"))) == "spf"
    assert sender_authenticated(parse_message(msg("mx; dkim=pass header.d=mail.example.net"))) == "dkim"
    assert sender_authenticated(parse_message(msg("mx; spf=pass smtp.mailfrom=other.example"))) is None
    assert sender_authenticated(parse_message(msg("mx; spf=softfail", "forged; spf=pass"))) is None
    assert sender_authenticated(parse_message(msg())) is None


def test_charset_evidence_for_undeclared_bytes():
    assert guess("通知".encode("gbk")) == ("通知", "gb18030")
    assert guess("通知".encode("big5")) == ("通知", "big5")
    assert guess("會議紀錄.docx".encode("big5")) == ("會議紀錄.docx", "big5")
    assert guess("Señor García.docx".encode("latin-1")) == ("Señor García.docx", "latin-1")
    assert guess("关于报送2024年一季度政务信息的函".encode("gb18030"))[1] == "gb18030"
    raw = b"From: a@b.example\r\nSubject: " + "會議紀錄".encode("big5") + b"\r\n\r\n"
    parsed = parse_message(raw)
    assert parsed.subject == "會議紀錄" and parsed.guessed_charsets == ("big5: 會議紀錄",)


def test_no_control_character_or_escape_survives_into_a_subject():
    raw = (b"From: =?utf-8?B?" + __import__("base64").b64encode("王\u2028芳".encode()) + b"?= <a@b.example>\r\n"
           b"Subject: =?iso-8859-1?Q?Monthly_report=85_draft?= \x1b$B$3$s\x1b(B \x1b[31mred\r\n\r\n")
    m = parse_message(raw)
    assert m.subject.isprintable() and "Monthly report" in m.subject and "こん" in m.subject and "red" in m.subject
    assert m.sender_name.isprintable()
    built = compose(sender="o@x.example", to=["a@b.example"], subject="a\x85b\u2028c\x1ed", text="t\x85u",
                    in_reply_to="<x\x85y@z>")
    assert built["Subject"] == "a b c d" and "In-Reply-To" not in built


def test_text_that_is_not_text():
    assert looks_like_text("滕州市商务局多措并举促进消费回暖。\n第二段。")
    assert not looks_like_text(bytes(range(256)).decode("latin-1"))
    assert not looks_like_text("abc\x00def")


def test_eight_bit_bytes_inside_an_encoded_word_use_the_words_charset():
    raw = (b"From: a@b.example\r\nSubject: =?GBK?Q?" + "【工作动态】信访局".encode("gbk") + b"?= =?UTF-8?B?"
           + __import__("base64").b64encode("（续）".encode()) + b"?=\r\n\r\n")
    m = parse_message(raw)
    assert m.subject == "【工作动态】信访局（续）"
    iso = parse_message(b"From: a@b.example\r\nSubject: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=\r\n\r\n")
    assert iso.subject == "こんにちは"


def test_a_reader_that_raises_anything_is_judged_not_a_crash(monkeypatch):
    """A reader's surprise (zipfile's NotImplementedError for an unknown compression version, a bug in a
    new reader) makes the document unreadable: the message is judged, never left to crash the cycle."""
    from baosong.intake import documents
    from baosong.intake.judge import judge
    from baosong.intake.readers.docx import DocxReader

    class Surprised(DocxReader):
        def read(self, data: bytes):
            raise NotImplementedError("zip file version 9.9")

    monkeypatch.setattr(documents, "reader_for", lambda data: Surprised())
    raw = mc.outlook_utf8(sender="shangwu-xx@example.org", attachments=[("促消费.docx", PIECE, mc.DOCX)])
    verdict = judge(raw, unit_for=lambda a: "滕州市商务局")
    assert (verdict.verdict, verdict.reason) == (Verdict.REJECTED, Reason.CORRUPT_DOCUMENT)
    assert "NotImplementedError" in (verdict.detail or "")
