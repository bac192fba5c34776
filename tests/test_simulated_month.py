"""A simulated month: an injected clock drives the daemon's scheduler (its APScheduler triggers) over
November 2026 and into December, on real Dovecot and aiosmtpd.

Submissions arrive through the month (Dovecot INTERNALDATE = simulated time), a commission with a
deadline is answered by one unit and missed by another (the deadline check tells the office once),
nothing is sent for October (``start_month: 2026-11``, and no intake), December 3rd's notice goes to
the office as a draft with a code, an office reply releases it, and every principal then gets the
notice exactly once. The interview letters (反馈函, seed 004's rule, on in this office) go in the same draft
and are released by the same reply: each reaches its unit's principal exactly once, the office in copy, and
the letter's .docx reads back with the unit's name and its rank history.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from docx import Document

from baosong.app import App
from baosong.commissions import new_commission
from baosong.daemon import Daemon
from baosong.demo.config import write_office_config  # with the regime's interview letters kept on
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.ledger.periods import Month
from baosong.notices import approved, notice_sent

TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def parsed(sink) -> list:
    return [BytesParser(policy=policy.default).parsebytes(m.data) for m in sink.messages]


def test_a_simulated_month(tmp_path: Path, smtp_sink, imap_account):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, require_approval=True, mailboxes=[{
        "name": "报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password}], interviews=True)
    path = config / "settings.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings["schedule"] = {"poll_minutes": 360, "monthly_notice": {"day": 3, "hour": 9, "minute": 0}}
    settings["notices"] = {"start_month": "2026-11", "require_approval": True}
    settings["daemon"] = {"check_minutes": 360}
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    # The demo office has three units per class: under the shipped rule (min_class_size 4, more than the
    # bottom three) no class of three has a "bottom three", and November is the ledger's first month, so
    # the group rule (two months running) cannot apply either: no letter would go out. This office opts into
    # the literal reading (every class's bottom three, min_class_size: 1) so the month still carries letters
    # through the draft, the release and delivery; the default itself is tested in tests/test_letters_rule.py.
    scoring = config / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    assert "  min_class_size: 4\n" in text
    scoring.write_text(text.replace("  min_class_size: 4\n", "  min_class_size: 1\n"), encoding="utf-8")
    app = App.open(config)
    clock = Clock(datetime(2026, 11, 1, 0, 0, tzinfo=TZ))
    daemon = Daemon(app, clock=clock, holder="simulated")
    scheduler = daemon.scheduler(blocking=False)  # built, never started: the test fires its triggers
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"poll", "period-notice", "commission-deadlines", "reminders"}
    client = imap_account.client()
    number: list[str] = []

    def submit(sender: str, subject: str, when: datetime, name: str) -> None:
        doc = docx_bytes(subject, ["正文内容。"], f"（{name}）")
        client.append("INBOX", mail(sender=sender, to="tzxxk@example.com", subject=subject, body="请审阅", when=when,
                                    attachments=[("稿件.docx", doc, DOCX_TYPE)]), msg_time=when)

    def on_day(when: datetime) -> None:  # what people do, at simulated times
        if when == datetime(2026, 11, 2, 10, 0, tzinfo=TZ):
            made = new_commission(app, topic="岁末年初安全稳定", unit_names=["商务局", "审计局"],
                                  deadline_text="2026-11-10 17:00", now=when)
            number.append(made.number)
        elif when.day in (3, 9, 16, 24) and when.hour == 11 and when.month == 11:
            submit("shangwu-xx@example.org", f"【工作动态】商务工作{when.day}日", when, "滕州市商务局 王芳")
        elif when == datetime(2026, 11, 5, 11, 0, tzinfo=TZ):
            submit("shangwu-xx@example.org", f"【约稿】{number[0]} 岁末年初安全稳定工作", when, "滕州市商务局 王芳")

    events = [datetime(2026, 11, 2, 10, 0, tzinfo=TZ), datetime(2026, 11, 5, 11, 0, tzinfo=TZ)] + [
        datetime(2026, 11, d, 11, 0, tzinfo=TZ) for d in (3, 9, 16, 24)]
    end = datetime(2026, 12, 4, 0, 0, tzinfo=TZ)
    fire = {jid: job.trigger.get_next_fire_time(None, clock.now) for jid, job in jobs.items()}
    fire["poll"] = clock.now  # every job runs once at start (next_run_time now)
    office_reply_sent = False
    fired: dict[str, int] = {jid: 0 for jid in jobs}
    while True:
        jid = min(fire, key=lambda j: fire[j])
        when = fire[jid]
        for e in sorted(events):
            if e <= when:
                clock.now = e
                on_day(e)
                events.remove(e)
        if when >= end:
            break
        clock.now = when
        jobs[jid].func()
        fired[jid] += 1
        fire[jid] = jobs[jid].trigger.get_next_fire_time(when, when + timedelta(seconds=1))
        if not office_reply_sent:
            drafts = [m for m in parsed(smtp_sink) if "送审稿" in m["Subject"]]
            if drafts:
                # nothing went to a leader or principal before the office released it: no notice, no letter
                assert not [m for m in parsed(smtp_sink) if "采用情况通报" in m["Subject"] or "反馈函" in m["Subject"]]
                in_draft = [BytesParser(policy=policy.default).parsebytes(a.get_payload(decode=True))["Subject"]
                            for a in drafts[0].iter_attachments()]
                draft_index = len(smtp_sink.messages)
                assert clock.now >= datetime(2026, 12, 3, 9, 0, tzinfo=TZ)
                code = re.search(r"审核码：([A-Z0-9]{6})", drafts[0]["Subject"]).group(1)
                reply_at = clock.now + timedelta(hours=1)
                client.append("INBOX", mail(sender="xinxike@example.com", to="tzxxk@example.com",
                                            subject=f"回复：{drafts[0]['Subject']}", body=f"同意。审核码：{code}",
                                            when=reply_at), msg_time=reply_at)
                office_reply_sent = True

    # the notice job fired on November 3rd (October: nothing, before start_month) and December 3rd
    assert fired["period-notice"] == 2 and fired["poll"] >= 4 * 33 and fired["commission-deadlines"] >= 4 * 33
    mails = parsed(smtp_sink)
    by_subject = [m["Subject"] for m in mails]
    # five submissions, each answered once
    assert sum(1 for m in mails if m["To"] == "shangwu-xx@example.org" and "受理" in m["Subject"]) == 5
    # the commission: notices to both units, and one deadline alert saying who answered and who missed
    deadline = [m for m in mails if "已到截止时间" in m["Subject"]]
    assert len(deadline) == 1 and "按时 1" in deadline[0]["Subject"] and "未报 1" in deadline[0]["Subject"]
    text = deadline[0].get_body(("plain",)).get_content()
    assert "滕州市商务局：按时报送" in text and "滕州市审计局：漏报" in text
    # October: before start_month, never sent; November: one draft, released by the office's reply
    assert not notice_sent(app, Month(2026, 10))
    assert sum("送审稿" in s for s in by_subject) == 1
    assert approved(app, Month(2026, 11))
    notices = [m for m in mails if "采用情况通报（2026年11月）" in m["Subject"]]
    assert len(notices) == 7  # the office and six principals, each once
    office = next(m for m in notices if "xinxike@example.com" in m["To"])
    assert "商务局" in office.get_body(("plain",)).get_content()
    # Interview letters (seed 004: the bottom three of each class; with min_class_size: 1 above, every class
    # of three units is its own bottom three, so each unit gets one). One letter per unit, in the same draft,
    # released by the same reply:
    # to the principal with the office in copy, exactly once, after the release (a unit without a principal:
    # to the office, who forwards it by hand).
    principals = {u.name: u.principal for u in app.config.units if u.principal is not None}
    letters = [m for m in mails if "政务信息工作反馈函" in m["Subject"]]
    assert len(letters) == len(app.config.units) == 9 and len(principals) == 6
    assert notice_sent(app, Month(2026, 11)) and approved(app, Month(2026, 11))
    assert sorted(s for s in in_draft if "反馈函" in s) == sorted(m["Subject"] for m in letters)
    assert all(i >= draft_index for i, m in enumerate(mails) if "反馈函" in m["Subject"])
    office_cc = "leaders-office@example.com, xinxike@example.com"
    for unit in app.config.units:
        (letter,) = [m for m in letters if f"（{unit.short}，2026年11月）" in m["Subject"]]
        if unit.name not in principals:
            assert letter["To"] == office_cc and letter["Cc"] is None
            continue
        assert letter["To"] == principals[unit.name].email and letter["Cc"] == office_cc
        (attachment,) = list(letter.iter_attachments())
        assert attachment.get_filename() == f"滕州市政务信息工作反馈函（{unit.short}）.docx"
        document = Document(io.BytesIO(attachment.get_content()))
        text = "\n".join(p.text for p in document.paragraphs)
        assert f"{unit.name}{principals[unit.name].name}同志：" in text and "滕政办信函〔2026〕" in text
        ranks = [[c.text for c in row.cells] for row in document.tables[0].rows]
        assert ranks[0][0] == "月份" and [r[0] for r in ranks[1:]] == ["2026年11月"]  # October: no intake yet
        assert re.fullmatch(r"第\d名（共\d个单位）", ranks[1][1])
    audit = next(m for m in letters if "（审计局，" in m["Subject"])
    audit_doc = Document(io.BytesIO(next(audit.iter_attachments()).get_content()))
    # the commission 审计局 missed is in its letter
    assert any("岁末年初安全稳定" in c.text and "漏报" in "".join(x.text for x in r.cells)
               for t in audit_doc.tables for r in t.rows for c in r.cells)
    # letters keep their own keys (letter:2026-11:<unit>): `notify letters` for the month queues nothing again
    from baosong.letters import send_letters

    again = send_letters(app, Month(2026, 11), transport=app.smtp_transport())
    assert again.queued == 0 and again.skipped == 9 and len(parsed(smtp_sink)) == len(mails)
