"""The daemon: catch-up of an overdue notice, a real `baosong run` process polling Dovecot, clean SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from conftest import wait_for, write_office_config

from baosong.app import App
from baosong.daemon import notice_due
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.ledger.periods import Month
from baosong.notices import send_notice
from baosong.notify.send import FolderTransport
from baosong.processing import process

TZ = ZoneInfo("Asia/Shanghai")


def test_notice_due_only_after_the_configured_time_and_only_once(office_config: Path, tmp_path: Path):
    app = App.open(office_config)  # notice on day 3 at 09:00 (settings default)
    assert notice_due(app, datetime(2026, 11, 3, 8, 59, tzinfo=TZ)) is None
    assert notice_due(app, datetime(2026, 11, 3, 9, 0, tzinfo=TZ)) == Month(2026, 10)
    assert notice_due(app, datetime(2026, 11, 30, 23, 0, tzinfo=TZ)) == Month(2026, 10)  # a daemon down on the day
    assert notice_due(app, datetime(2027, 1, 5, 12, 0, tzinfo=TZ)) == Month(2026, 12)
    # no intake recorded for October (a first start before any mail was polled): nothing is sent
    empty = send_notice(app, Month(2026, 10), transport=FolderTransport(tmp_path / "out"))
    assert empty.refused and "没有收到任何邮件" in empty.refused and not (tmp_path / "out").exists()
    assert notice_due(app, datetime(2026, 11, 30, 23, 0, tzinfo=TZ)) == Month(2026, 10)
    process(app, mail(sender="shangwu-xx@example.org", to="tzxxk@example.com", subject="【工作动态】x", body="正文",
                      when=datetime(2026, 10, 9, 9, 0, tzinfo=TZ)), mailbox="test",
            received_at=datetime(2026, 10, 9, 9, 0, tzinfo=TZ))
    run = send_notice(app, Month(2026, 10), transport=FolderTransport(tmp_path / "out"))
    assert run.queued == 7 and run.delivery.sent == 7
    assert notice_due(app, datetime(2026, 11, 30, 23, 0, tzinfo=TZ)) is None




def test_run_polls_sends_overdue_notice_and_stops_cleanly(tmp_path: Path, office_database: str | None, imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database, mailboxes=[{
        "name": "报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password}])
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    # due since the first minute of this month: the first cycle must catch up on last month's notice
    settings["schedule"] = {"poll_minutes": 60, "monthly_notice": {"day": 1, "hour": 0, "minute": 0}}
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")

    piece = docx_bytes("滕州市商务局促进消费回暖", ["正文。"], "（滕州市商务局 王芳）")
    client = imap_account.client()
    client.append("INBOX", mail(sender="shangwu-xx@example.org", to="tzxxk@example.com", subject="【工作动态】促消费",
                                body="请审阅", when=datetime.now(TZ), attachments=[("a.docx", piece, DOCX_TYPE)]))
    # last month had intake too (received then: its INTERNALDATE), so last month's notice is due
    last_month = Month.of(datetime.now(TZ), TZ).previous()
    then = datetime(last_month.year, last_month.month, 10, 10, 0, tzinfo=TZ)
    client.append("INBOX", mail(sender="shangwu-xx@example.org", to="tzxxk@example.com", subject="【工作动态】上月",
                                body="请审阅", when=then, attachments=[("b.docx", piece + b"", DOCX_TYPE)]),
                  msg_time=then)

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "baosong", "--config", str(config), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        # the receipts for the two messages, then last month's notice (office + six principals)
        # a bound for a hung daemon, not a speed target: on a loaded 2-core CI box the first cycle took ~80 s
        got = wait_for(lambda: len(smtp_sink.messages) >= 10 and smtp_sink.messages, 240, "receipts and notices", every=0.1)
        assert got[0].rcpt_tos == ["shangwu-xx@example.org"]
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    text = output.decode("utf-8")
    assert proc.returncode == 0, text
    assert "baosong 已启动" in text and "新登记 2 封" in text and "通报已排队发送（7 封）" in text
    # 2 receipts, 7 notices, and the catch-up alert: due since the 1st, so this is a catch-up, said so
    assert "发出邮件 10 封" in text and "补发" in text
    assert "event=\"message\"" in text and "verdict=\"accepted\"" in text  # one structured line per message
    assert "baosong 已停止" in text
    subjects = [BytesParser(policy=policy.default).parsebytes(m.data)["Subject"] for m in smtp_sink.messages]
    assert len(subjects) == 10  # nothing sent twice
    assert sum("只补发最近一期" in s for s in subjects) == 1
