"""Exactly-once delivery per recipient across a daemon killed mid-send and a temporary SMTP failure.

A real `baosong run` process sends October's notices (office + six principals) to an aiosmtpd server
that takes its time over each message; it is killed with SIGKILL in the middle, and a new one is
started. Meanwhile one of the office's two addresses answers 451 once. At the end every recipient
has exactly one copy of its notice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from conftest import wait_for, write_office_config
from sqlalchemy import select

from baosong.app import App
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.ledger.models import OutboxRecipient
from baosong.ledger.outbox import deliver_pending
from baosong.ledger.periods import Month
from baosong.processing import process

from smtpsink import SmtpSink

TZ = ZoneInfo("Asia/Shanghai")




def _start(config: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    return subprocess.Popen([sys.executable, "-m", "baosong", "--config", str(config), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)


def _notices(sink: SmtpSink) -> Counter:
    got: Counter = Counter()
    for m in sink.messages:
        subject = BytesParser(policy=policy.default).parsebytes(m.data)["Subject"]
        if "采用情况通报" in subject:  # the notices, not the catch-up alert
            for a in m.rcpt_tos:
                got[a] += 1
    return got


def test_each_recipient_gets_exactly_one_copy_across_sigkill_and_a_451(tmp_path: Path):
    with SmtpSink(delay=1.5, temporary={"xinxike@example.com": 1}) as sink:
        config = write_office_config(tmp_path / "config", smtp=sink)
        settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
        settings["schedule"] = {"poll_minutes": 60, "monthly_notice": {"day": 1, "hour": 0, "minute": 0}}
        settings["sending"] = {"per_minute": 0, "retry_minutes": 0.02}  # a 451 is retried after ~1 s
        (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        app = App.open(config)
        last_month = Month.of(datetime.now(TZ), TZ).previous()
        when = datetime(last_month.year, last_month.month, 12, 10, 0, tzinfo=TZ)
        piece = docx_bytes("滕州市商务局促进消费回暖", ["正文。"], "（滕州市商务局 王芳）")
        process(app, mail(sender="shangwu-xx@example.org", to="tzxxk@example.com", subject="【工作动态】促消费",
                          body="请审阅", when=when, attachments=[("a.docx", piece, DOCX_TYPE)]),
                mailbox="test", received_at=when)
        deliver_pending(app.sessions, app.smtp_transport())  # the receipt, out of the way
        receipts = len(sink.messages)

        first = _start(config)
        try:
            # killed while the server holds the 4th notice unanswered (3 accepted, the rest queued): the
            # server never accepted it, so it must go again; an accepted one must not. (A kill in the
            # instant between the server's 250 and the ledger's commit would repeat one mail: the
            # documented at-least-once window, not exercised here.)
            waiting_before = sink.waiting
            wait_for(lambda: sink.waiting >= waiting_before + 4, 60, "the 4th notice in the server's hands")
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=30)
        finally:
            if first.poll() is None:
                first.kill()
        partial = _notices(sink)
        assert 3 <= sum(partial.values()) < 8, partial  # really killed in the middle
        assert sink.refusals == [("xinxike@example.com", "451 4.7.1 Greylisted, please try again later")]

        # the killed process still holds the sending lease: a new one on this host sees its pid is gone
        second = _start(config)
        try:
            expected = {"leaders-office@example.com", "xinxike@example.com"} | {
                u.principal.email for u in app.config.units if u.principal}
            wait_for(lambda: set(_notices(sink)) >= expected, 90, "every recipient")
            second.send_signal(signal.SIGTERM)
            output, _ = second.communicate(timeout=30)
        finally:
            if second.poll() is None:
                second.kill()
        assert second.returncode == 0, output.decode()
        assert _notices(sink) == Counter({a: 1 for a in expected})  # exactly one copy each
        assert len(sink.messages) - receipts == 7 + 1 + 1  # 7 notices (the office copy split in two by the 451), the catch-up alert
    with app.sessions() as s:
        assert {r.status for r in s.scalars(select(OutboxRecipient))} == {"sent"}
