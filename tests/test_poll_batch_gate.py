"""A batch is judged exactly as its messages one at a time: the gate's ledger questions are asked once
per batch (``baosong.processing.BatchLookups``), and what the batch itself records counts for its later
messages. One poll on Dovecot (one batch) against the same messages processed one by one."""

from __future__ import annotations

from pathlib import Path

from conftest import write_office_config
from sqlalchemy import select
from test_end_to_end import DOCX, TZ
from test_poll_imap import ARRIVED, account_box

from baosong.app import App
from baosong.demo.samples import docx_bytes as _docx_bytes
from baosong.ledger.models import Message, Piece
from baosong.poll import poll_mailbox
from baosong.processing import process

import mailcorpus as mc


def docx_bytes(title: str, paras: list[str], closing: str) -> bytes:
    """The same document, the same bytes (python-docx stamps the time it was made)."""
    key = (title, tuple(paras), closing)
    if key not in _DOCS:
        _DOCS[key] = _docx_bytes(title, paras, closing)
    return _DOCS[key]


_DOCS: dict[tuple, bytes] = {}
PARAS = ["今年以来，滨湖镇坚持问题导向，聚焦群众关心的热点难点问题，建立健全工作机制，推动各项任务落到实处。"]


def _mail(subject: str, filename: str, data: bytes, message_id: str, sender: str = "binhu-xx@example.com",
          hop: str = "mx.example.com") -> bytes:
    return mc.foxmail_gbk(sender=sender, sender_name="信息员", to="tzxxk@example.com", subject=subject, body="请审阅。",
                          attachments=[(filename, data, DOCX)], filename_style="encoded_word", message_id=message_id,
                          extra_headers=[("Authentication-Results", f"{hop}; spf=pass smtp.mailfrom=example.com")])


def _messages() -> list[bytes]:
    first = docx_bytes("滨湖镇推进农村人居环境整治", PARAS, "（滨湖镇 张三）")
    other = docx_bytes("滨湖镇开展安全生产大检查", PARAS, "（滨湖镇 张三）")
    revised = docx_bytes("滨湖镇推进农村人居环境整治", [*PARAS, "截至十月底，已完成整治村庄十二个。"], "（滨湖镇 张三）")
    renamed = docx_bytes("滨湖镇安全生产检查情况", [*PARAS, "共排查隐患三十处。"], "（滨湖镇 张三）")
    return [
        _mail("【工作动态】人居环境整治", "人居环境.docx", first, "a1@foxmail.example"),
        _mail("【工作动态】安全生产", "安全生产.docx", other, "a2@foxmail.example"),
        _mail("【工作动态】人居环境整治", "人居环境.docx", first, "a1@foxmail.example",
              hop="mx2.example.com"),   # the same mail again, relayed by another server (other bytes)
        _mail("【工作动态】重发：人居环境", "人居环境-重发.docx", first, "a3@foxmail.example"),  # the same document
        _mail("【工作动态】人居环境整治（更新数据）", "人居环境-新.docx", revised, "a4@foxmail.example"),  # same title
        _mail("【工作动态】安全生产（修改稿）", "安全生产.docx", renamed, "a5@foxmail.example"),   # same file name
        _mail("【工作动态】安全生产", "安全生产.docx", other, "a6@foxmail.example",
              sender="shangwu-xx@example.org"),   # another unit's copy: not a duplicate of 滨湖镇's
    ]


def _ledger(config: Path) -> list[tuple]:
    """Each message in order: verdict, reason, and its pieces' titles with the title of what they revise."""
    with App.open(config).sessions() as session:
        titles = {p.id: p.title for p in session.scalars(select(Piece))}
        out = []
        for m in session.scalars(select(Message).order_by(Message.received_at, Message.id)):
            out.append((m.verdict, m.reason, tuple((p.title, titles.get(p.revises_id)) for p in m.pieces)))
        return out


def _one_at_a_time(config: Path, raws: list[bytes]) -> list[tuple]:
    """The reference: the same messages processed one by one (minute i for the i-th) into a new SQLite
    ledger, as :func:`_ledger` reads it."""
    one = App.open(write_office_config(config))
    for i, raw in enumerate(raws):
        process(one, raw, mailbox="test", received_at=ARRIVED.replace(minute=i).astimezone(TZ))
    return _ledger(config)


def test_one_batch_judges_as_one_message_at_a_time(tmp_path: Path, office_database: str | None, imap_account):
    """The polled ledger on SQLite or PostgreSQL, the one-at-a-time reference on SQLite."""
    raws = _messages()
    polled = write_office_config(tmp_path / "polled", database=office_database, mailboxes=[account_box(imap_account)])
    client = imap_account.client()
    for i, raw in enumerate(raws):   # distinct arrival times: the ledger's order is the mailbox's
        client.append("INBOX", raw, msg_time=ARRIVED.replace(minute=i))
    app = App.open(polled)
    report = poll_mailbox(app, app.config.settings.mailboxes[0])
    assert report.ok and report.new == len(raws)

    # a second poll: its batch's questions are answered by the ledger's pieces of the first (one query)
    later = [_mail("【工作动态】人居环境整治（终稿）", "人居环境-终稿.docx", docx_bytes(
                 "滨湖镇推进农村人居环境整治", [*PARAS, "终稿。"], "（滨湖镇 张三）"), "b1@foxmail.example"),
             _mail("【工作动态】安全生产", "安全生产-补发.docx", docx_bytes("滨湖镇开展安全生产大检查", PARAS, "（滨湖镇 张三）"),
                   "b2@foxmail.example")]
    for i, raw in enumerate(later, start=len(raws)):
        client.append("INBOX", raw, msg_time=ARRIVED.replace(minute=i))
    assert poll_mailbox(app, app.config.settings.mailboxes[0]).new == len(later)
    raws += later

    batch, alone = _ledger(polled), _one_at_a_time(tmp_path / "single", raws)
    assert batch == alone
    assert [(v, r) for v, r, _ in batch[:4]] == [("accepted", None)] * 2 + [("rejected", "duplicate")] * 2
    assert batch[4][2] == (("滨湖镇推进农村人居环境整治", "滨湖镇推进农村人居环境整治"),)   # linked to what it revises
    assert batch[5][2][0][1] == "滨湖镇开展安全生产大检查"                                # by its file name
    assert batch[6][0] == "accepted"
    assert batch[7][2][0][1] == "滨湖镇推进农村人居环境整治"    # the newest version of that title
    assert batch[8][:2] == ("rejected", "duplicate")


def test_batches_of_one_poll_judge_as_one_message_at_a_time(tmp_path: Path, imap_account, monkeypatch):
    """One poll in batches of two, judged on the pool with the next batch fetched ahead: duplicates and
    revisions across batches (the units' recent pieces kept from batch to batch) as one at a time."""
    import baosong.poll as poll

    whole = poll.batches
    monkeypatch.setattr(poll, "batches", lambda uids, sizes: whole(uids, sizes, max_messages=2))
    monkeypatch.setattr(poll, "POOL_MIN_MESSAGES", 1)
    raws = [*_messages(),
            _mail("【工作动态】人居环境整治（终稿）", "人居环境-终稿.docx", docx_bytes(
                "滨湖镇推进农村人居环境整治", [*PARAS, "终稿。"], "（滨湖镇 张三）"), "b1@foxmail.example"),
            _mail("【工作动态】安全生产", "安全生产-补发.docx", docx_bytes("滨湖镇开展安全生产大检查", PARAS, "（滨湖镇 张三）"),
                  "b2@foxmail.example")]
    polled = write_office_config(tmp_path / "polled", mailboxes=[account_box(imap_account)])
    client = imap_account.client()
    for i, raw in enumerate(raws):
        client.append("INBOX", raw, msg_time=ARRIVED.replace(minute=i))
    app = App.open(polled)
    report = poll_mailbox(app, app.config.settings.mailboxes[0])
    assert report.ok and report.new == len(raws), report.errors
    assert client.select_folder("INBOX")[b"EXISTS"] == 0   # every batch filed

    batch, alone = _ledger(polled), _one_at_a_time(tmp_path / "single", raws)
    assert batch == alone
    assert batch[7][2][0][1] == "滨湖镇推进农村人居环境整治"    # revision of a piece two batches back
    assert batch[8][:2] == ("rejected", "duplicate")           # duplicate of a piece three batches back
