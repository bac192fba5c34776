"""The poll at the speed of the protocol, on real Dovecot (and a misbehaving server on a real socket):
batches, oversize by RFC822.SIZE, UIDVALIDITY, Chinese folder names, the junk folder, the overall
deadline, a dropped connection, the last successful poll, and the exit code when every reply bounced."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import yaml
from conftest import write_office_config
from sqlalchemy import select
from test_end_to_end import BINHU, DOCX, SHANGWU, TZ, folder_count, foxmail
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.intake import mailbox as mailbox_mod
from baosong.ledger.models import MailboxPoll, Message
from baosong.poll import batches, poll_mailbox

from slowimap import SlowImapServer

runner = CliRunner()
MAILBOX = "信息科报送邮箱"
ARRIVED = datetime(2026, 10, 9, 9, 15, tzinfo=TZ)


def invoke(config: Path, *args: str):
    return runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def said(result) -> str:
    return result.output.replace("\n", "")


def account_box(imap_account, **extra) -> dict:
    return {"name": MAILBOX, "host": imap_account.host, "port": imap_account.port, "ssl": False,
            "username": imap_account.username, "password": imap_account.password, **extra}


def edit_settings(config: Path, **changes) -> None:
    path = config / "settings.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    settings.update(changes)
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")


def submission(i: int, sender: str = "binhu-xx@example.com") -> bytes:
    return foxmail(sender, f"【工作动态】第{i}篇", f"请审阅第{i}篇。", [(f"稿件{i}.docx", BINHU + str(i).encode(), DOCX)])


class Spy:
    """Counts the calls of a Mailbox method and lets each one through to the real server."""

    def __init__(self, monkeypatch, name: str):
        self.calls: list[tuple] = []
        real = getattr(mailbox_mod.Mailbox, name)

        def spy(box, *args, **kwargs):
            self.calls.append((args, kwargs))
            return real(box, *args, **kwargs)

        monkeypatch.setattr(mailbox_mod.Mailbox, name, spy)


def test_batches_respect_count_and_bytes():
    sizes = {uid: 10 for uid in range(1, 8)} | {8: 1000, 9: 10}
    assert list(batches(list(range(1, 10)), sizes, max_messages=3, max_bytes=100)) == [
        [1, 2, 3], [4, 5, 6], [7], [8], [9]]


def test_messages_are_fetched_and_moved_in_batches(tmp_path: Path, office_database: str | None, imap_account,
                                                   smtp_sink, monkeypatch):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database,
                                 mailboxes=[account_box(imap_account)])
    client = imap_account.client()
    n = 120
    client.multiappend("INBOX", [{"msg": submission(i), "date": ARRIVED} for i in range(n)])
    fetches, moves = Spy(monkeypatch, "fetch"), Spy(monkeypatch, "file")
    result = invoke(config, "poll", "--once")
    assert result.exit_code == 0, result.output
    assert f"取到 {n} 封，新登记 {n} 封（受理 {n}）" in said(result)
    assert folder_count(client, "INBOX") == 0 and folder_count(client, "已处理") == n
    # 50 + 50 + 20: one FETCH and one UID MOVE per batch, not per message
    assert [len(args[0]) for args, _ in fetches.calls if args[0]] == [50, 50, 20]
    assert [len(args[0]) for args, _ in moves.calls] == [50, 50, 20]
    application = App.open(config)
    with application.sessions() as session:
        messages = list(session.scalars(select(Message)))
        assert len(messages) == n and all(m.filed_at is not None for m in messages)
        assert all(Path(m.archive_path).read_bytes().startswith(b"From:") or Path(m.archive_path).exists()
                   for m in messages)
    assert len(smtp_sink.wait_for(n)) == n


def test_oversize_is_judged_from_its_header_without_downloading_it(tmp_path: Path, imap_account, smtp_sink,
                                                                   monkeypatch):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, mailboxes=[account_box(imap_account)])
    edit_settings(config, limits={"max_message_mb": 0.2})
    big = foxmail("shangwu-xx@example.org", "【工作动态】超大附件", "请审阅。",
                  [("大.docx", SHANGWU + os.urandom(400_000), DOCX)])
    small = submission(1)
    client = imap_account.client()
    client.append("INBOX", big, msg_time=ARRIVED)
    client.append("INBOX", small, msg_time=ARRIVED)
    fetches = Spy(monkeypatch, "fetch")
    result = invoke(config, "poll", "--once")
    assert result.exit_code == 0, result.output
    assert "1 封超过大小限制未下载" in said(result)
    # the big one was asked for its header only; the small one whole
    whole = [uid for args, kw in fetches.calls if not kw.get("headers_only") for uid in args[0]]
    heads = [uid for args, kw in fetches.calls if kw.get("headers_only") for uid in args[0]]
    assert len(whole) == 1 and len(heads) == 1
    assert folder_count(client, "INBOX") == 0 and folder_count(client, "已退回") == 1
    assert folder_count(client, "已处理") == 1
    application = App.open(config)
    with application.sessions() as session:
        rejected = session.scalar(select(Message).where(Message.verdict == "rejected"))
        assert rejected is not None and rejected.reason == "oversize" and rejected.size == len(big)
        assert rejected.subject == "【工作动态】超大附件" and rejected.sender == "shangwu-xx@example.org"
        assert rejected.filed_at is not None
        kept = Path(rejected.archive_path).read_bytes()    # the header, kept: nothing is lost
        assert b"Subject:" in kept and len(kept) < 10_000
    replies = {tuple(r.rcpt_tos): r for r in smtp_sink.wait_for(2)}
    reply = BytesParser(policy=policy.default).parsebytes(replies[("shangwu-xx@example.org",)].data)
    assert "MB" in reply.get_body(("plain",)).get_content()


def test_uidvalidity_change_and_chinese_folder_names(tmp_path: Path, office_database: str | None, imap_account,
                                                     smtp_sink):
    """The submission folder is deleted and recreated (Dovecot gives it a new UIDVALIDITY): a message
    recorded before is known by its content, not recorded twice; folder names are Chinese (modified UTF-7)."""
    folder = "报送收件箱"
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database, mailboxes=[account_box(
        imap_account, folder=folder, processed_folder="已处理二〇二六", rejected_folder="已退回", quarantine_folder="隔离")])
    client = imap_account.client()
    client.create_folder(folder)
    first = submission(1)
    client.append(folder, first, msg_time=ARRIVED)
    old_validity = client.select_folder(folder)[b"UIDVALIDITY"]
    [uid] = client.search(["ALL"])
    result = invoke(config, "poll", "--once")   # records UIDVALIDITY; files the message
    assert result.exit_code == 0, result.output
    application = App.open(config)
    # the folder is recreated and the message comes back (restored by the provider) under a new UIDVALIDITY
    client.select_folder("INBOX")
    client.delete_folder(folder)
    time.sleep(1.1)   # Dovecot's UIDVALIDITY is a timestamp: a new second gives a new one
    client.create_folder(folder)
    client.append(folder, first, msg_time=ARRIVED)
    client.append(folder, submission(2), msg_time=ARRIVED)
    new_validity = client.select_folder(folder)[b"UIDVALIDITY"]
    assert new_validity != old_validity
    result = invoke(config, "poll", "--once")
    assert result.exit_code == 0, result.output
    assert f"UIDVALIDITY 由 {old_validity} 变为 {new_validity}" in said(result)
    assert "新登记 1 封" in said(result) and "此前已登记 1 封" in said(result)
    assert folder_count(client, folder) == 0 and folder_count(client, "已处理二〇二六") == 3
    assert "已处理二〇二六" in [f[2] for f in client.list_folders()]
    with application.sessions() as session:
        assert session.scalar(select(Message.id).where(Message.uid == uid)) is not None
        assert len(list(session.scalars(select(Message)))) == 2
        [state] = session.scalars(select(MailboxPoll))
        assert (state.mailbox, state.uidvalidity, state.last_error) == (MAILBOX, new_validity, None)
        assert state.last_success_at is not None


def test_junk_folder_is_polled_too(tmp_path: Path, imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, mailboxes=[account_box(
        imap_account, junk_folder="垃圾邮件")])
    client = imap_account.client()
    client.create_folder("垃圾邮件")
    client.append("INBOX", submission(1), msg_time=ARRIVED)
    client.append("垃圾邮件", submission(2), msg_time=ARRIVED)   # the provider's filter caught a unit's piece
    result = invoke(config, "poll", "--once")
    assert result.exit_code == 0, result.output
    assert "取到 2 封，新登记 2 封（受理 2）" in said(result)
    assert folder_count(client, "INBOX") == 0 and folder_count(client, "垃圾邮件") == 0
    assert folder_count(client, "已处理") == 2
    with App.open(config).sessions() as session:
        assert sorted(m.mailbox for m in session.scalars(select(Message))) == [MAILBOX, f"{MAILBOX}#垃圾邮件"]
    # polled again: both folders empty, nothing twice
    result = invoke(config, "poll", "--once")
    assert "取到 0 封" in said(result)


def test_junk_folder_must_not_be_a_filing_folder(tmp_path: Path, imap_account):
    config = write_office_config(tmp_path / "config", mailboxes=[account_box(imap_account, junk_folder="已处理")])
    result = invoke(config, "check-config")
    assert result.exit_code == 1 and "junk_folder" in said(result) and "Traceback" not in result.output


def run_poll(config: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="400")
    return subprocess.run([sys.executable, "-m", "baosong", "--config", str(config), "poll", "--once"],
                          capture_output=True, text=True, env=env, timeout=120)


def slow_config(tmp_path: Path, server: SlowImapServer, **extra) -> Path:
    return write_office_config(tmp_path / "config", mailboxes=[{
        "name": MAILBOX, "host": server.host, "port": server.port, "ssl": False, "username": "u",
        "password": "p", **extra}])


@pytest.mark.timeout(60)
def test_a_dripping_server_is_cut_off_at_the_deadline_and_nothing_is_lost(tmp_path: Path):
    with SlowImapServer("drip", interval=0.2) as server:
        # each read gets a byte within 0.2 s, far inside the 2 s read timeout: only the deadline ends it
        config = slow_config(tmp_path, server, timeout=2, deadline=3)
        application = App.open(config)
        started = time.monotonic()
        report = poll_mailbox(application, application.config.settings.mailboxes[0])
        took = time.monotonic() - started
    assert took < 30, "the deadline did not stop the poll"   # a bound for a hung test, not a speed target
    assert not report.ok and report.fetched == 0
    assert any("总时限 3 秒" in e for e in report.errors), report.errors
    assert not any(c.upper().startswith(("UID MOVE", "UID COPY", "UID STORE", "UID EXPUNGE", "EXPUNGE"))
                   for c in server.commands), server.commands
    with application.sessions() as session:
        assert list(session.scalars(select(Message))) == []
        [state] = session.scalars(select(MailboxPoll))
        assert state.last_success_at is None and "总时限" in (state.last_error or "")
    assert "上次成功收信：从未成功" in report.summary()


@pytest.mark.timeout(60)
def test_a_dropped_connection_is_one_clear_message_without_a_traceback(tmp_path: Path):
    with SlowImapServer("drop") as server:
        config = slow_config(tmp_path, server, timeout=5)
        done = run_poll(config)
    assert done.returncode == 1
    both = done.stdout + done.stderr
    assert "Traceback" not in both, both
    assert "收信中断" in both and "已登记的邮件不受影响" in both.replace("\n", "")
    assert not any(c.upper().startswith(("UID MOVE", "UID COPY", "UID STORE")) for c in server.commands)


def test_poll_exits_non_zero_when_every_reply_was_refused_for_good(tmp_path: Path, imap_account):
    from smtpsink import SmtpSink

    with SmtpSink(refuse={"binhu-xx@example.com"}) as sink:
        config = write_office_config(tmp_path / "config", smtp=sink, mailboxes=[account_box(imap_account)])
        client = imap_account.client()
        client.append("INBOX", submission(1), msg_time=ARRIVED)
        result = invoke(config, "poll", "--once")
    assert result.exit_code == 1, result.output
    assert "被收信服务器拒收" in said(result)
    assert folder_count(client, "已处理") == 1   # the submission itself went through


def test_last_successful_poll_is_recorded_and_shown_when_a_poll_fails(tmp_path: Path, imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, mailboxes=[account_box(imap_account)])
    assert invoke(config, "poll", "--once").exit_code == 0
    application = App.open(config)
    with application.sessions() as session:
        [state] = session.scalars(select(MailboxPoll))
        good = state.last_success_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    settings["mailboxes"][0]["password"] = "wrong"
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    result = invoke(config, "poll", "--once")
    assert result.exit_code == 1
    assert f"上次成功收信：{good}" in said(result)
    # it never got in: no "无新邮件" (nothing was looked at), and it says so
    assert "无新邮件" not in said(result) and "取到 0 封" not in said(result)
    assert f"邮箱“{application.config.settings.mailboxes[0].name}”：未能连接或登录，本次没有收信" in said(result)


@pytest.mark.timeout(240)
def test_two_pollers_at_once_on_one_mailbox_and_one_new_database(tmp_path: Path, office_database: str | None,
                                                                 imap_account, smtp_sink):
    """Two `poll --once` processes start together on a new ledger (an SQLite file that does not exist yet,
    or an empty PostgreSQL database) and the same Dovecot mailbox: the schema is created once, every
    message is recorded once and filed (what the other moved meanwhile, Dovecot's EXPUNGEISSUED, is
    skipped), no traceback, no crash."""
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database,
                                 mailboxes=[account_box(imap_account)])
    client = imap_account.client()
    n = 160
    client.multiappend("INBOX", [{"msg": submission(i), "date": ARRIVED} for i in range(n)])
    env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="400")
    cmd = [sys.executable, "-m", "baosong", "--config", str(config), "poll", "--once"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=200) for p in procs]
    for p, (stdout, stderr) in zip(procs, outs, strict=True):
        assert "Traceback" not in stdout + stderr, stdout + stderr
        assert p.returncode == 0, stdout + stderr
    new = sum(int(s.split("新登记 ")[1].split(" 封")[0]) for s, _ in outs)
    assert new == n, outs
    assert folder_count(client, "INBOX") == 0 and folder_count(client, "已处理") == n
    application = App.open(config)
    with application.sessions() as session:
        messages = list(session.scalars(select(Message)))
        assert len(messages) == n and len({m.uid for m in messages}) == n
        assert all(m.filed_at is not None for m in messages)
        shas = {hashlib.sha256(Path(m.archive_path).read_bytes()).hexdigest() for m in messages}
        assert shas == {m.sha256 for m in messages}


def test_judged_on_every_core_and_still_a_duplicate_is_a_duplicate(tmp_path: Path, imap_account, smtp_sink):
    """A folder of 100+ new messages is judged by worker processes, which do not see the ledger: a piece
    recorded in an earlier poll is still found (and answered) as a duplicate."""
    from baosong.poll import POOL_MIN_MESSAGES

    config = write_office_config(tmp_path / "config", smtp=smtp_sink, mailboxes=[account_box(imap_account)])
    client = imap_account.client()
    client.append("INBOX", submission(0), msg_time=ARRIVED)
    assert invoke(config, "poll", "--once").exit_code == 0
    again = foxmail("binhu-xx@example.com", "【工作动态】再报一次", "再次报送。", [("稿件0.docx", BINHU + b"0", DOCX)])
    last = POOL_MIN_MESSAGES + 4    # its piece comes twice in the last batch
    twice = foxmail("binhu-xx@example.com", "【工作动态】同一批又报一次", "又报一次。",
                    [(f"稿件{last}.docx", BINHU + str(last).encode(), DOCX)])
    client.multiappend("INBOX", [{"msg": submission(i), "date": ARRIVED} for i in range(1, last + 1)]
                       + [{"msg": again, "date": ARRIVED}, {"msg": twice, "date": ARRIVED}])
    result = invoke(config, "poll", "--once")
    assert result.exit_code == 0, result.output
    assert f"新登记 {last + 2} 封（受理 {last}，退回 2）" in said(result)
    with App.open(config).sessions() as session:
        for subject in ("【工作动态】再报一次", "【工作动态】同一批又报一次"):
            dup = session.scalar(select(Message).where(Message.subject == subject))
            assert dup is not None and (dup.verdict, dup.reason) == ("rejected", "duplicate")


def test_a_password_env_that_is_not_set_is_named(tmp_path: Path, imap_account, monkeypatch):
    variable = "BAOSONG_TEST_IMAP_PASSWORD_UNSET"
    monkeypatch.delenv(variable, raising=False)
    box = {"name": MAILBOX, "host": imap_account.host, "port": imap_account.port, "ssl": False,
           "username": imap_account.username, "password_env": variable}
    config = write_office_config(tmp_path / "config", mailboxes=[box])
    result = invoke(config, "poll", "--once")
    assert result.exit_code == 1
    text = said(result).replace("\n", "")
    assert f"环境变量 {variable} 未设置" in text and "请在 settings.yaml 中设置 password 或 password_env" not in text
    monkeypatch.setenv(variable, imap_account.password)  # set, the same config polls
    assert invoke(config, "poll", "--once").exit_code == 0
