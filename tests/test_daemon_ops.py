"""The daemon unattended: the sending lease, config reload (an invalid edit keeps the last good config
and tells the office), a failing mailbox alerted once, and `baosong status` for monitoring."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from conftest import write_office_config
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.daemon import Daemon
from baosong.demo.servers import free_port
from baosong.ledger.outbox import enqueue
from baosong.notify.compose import compose

TZ = ZoneInfo("Asia/Shanghai")


def subjects(sink) -> list[str]:
    return [BytesParser(policy=policy.default).parsebytes(m.data)["Subject"] for m in sink.messages]


def edit_settings(config: Path, change) -> None:
    path = config / "settings.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(settings)
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later edit, whatever the clock


def test_two_daemons_on_one_ledger_never_both_send(office_config: Path, smtp_sink):
    app_a, app_b = App.open(office_config), App.open(office_config)
    a = Daemon(app_a, holder="host-a:1:a")
    b = Daemon(app_b, holder="host-b:2:b")
    assert a.has_lease() and not b.has_lease()
    with app_a.sessions() as s:
        raw = compose(sender="x@example.com", to=["u@example.org"], subject="待发", text="x").as_bytes()
        enqueue(s, key="test:1", kind="alert", recipients=["u@example.org"], subject="待发", raw=raw)
        s.commit()
    b.cycle()
    assert smtp_sink.messages == []  # b does not hold the lease: it sends nothing
    a.cycle()
    assert len(smtp_sink.messages) == 1
    a.release()
    assert b.has_lease()  # released (or expired): the other takes over


def test_config_edits_are_picked_up_and_an_invalid_one_is_reported_and_ignored(office_config: Path, smtp_sink):
    app = App.open(office_config)
    daemon = Daemon(app, holder="test")
    edit_settings(office_config, lambda s: s.setdefault("schedule", {}).update(poll_minutes=7))
    daemon.cycle()
    assert app.config.settings.schedule.poll_minutes == 7
    edit_settings(office_config, lambda s: s["schedule"].update(poll_minutes=0, bogus_key=1))
    daemon.cycle()
    assert app.config.settings.schedule.poll_minutes == 7  # the last good config stays in force
    alerts = [s for s in subjects(smtp_sink) if "配置文件有误" in s]
    assert len(alerts) == 1
    body = BytesParser(policy=policy.default).parsebytes(smtp_sink.messages[-1].data).get_body(("plain",))
    assert "poll_minutes" in body.get_content() and "bogus_key" in body.get_content()
    daemon.cycle()
    assert len([s for s in subjects(smtp_sink) if "配置文件有误" in s]) == 1  # told once per bad edit


def test_a_failing_mailbox_is_alerted_once_and_status_exits_non_zero(tmp_path: Path, smtp_sink, imap_account):
    dead = {"name": "旧邮箱", "host": "127.0.0.1", "port": free_port(), "ssl": False, "username": "x",
            "password": "expired-授权码", "timeout": 2}
    good = {"name": "报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
            "username": imap_account.username, "password": imap_account.password}
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, mailboxes=[good, dead])
    edit_settings(config, lambda s: s.update(daemon={"mailbox_failure_alert": 2, "stale_minutes": 30}))
    app = App.open(config)
    daemon = Daemon(app, holder="test")
    runner = CliRunner()
    before = runner.invoke(cli, ["--config", str(config), "status", "--json"])
    assert before.exit_code == 1  # never polled: not healthy
    for _ in range(3):
        daemon.cycle()
    alerts = [s for s in subjects(smtp_sink) if "连续" in s and "旧邮箱" in s]
    assert alerts == ["【报送系统提醒】邮箱“旧邮箱”连续 2 次收信失败"]
    result = runner.invoke(cli, ["--config", str(config), "status", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    boxes = {m["name"]: m for m in report["mailboxes"]}
    assert boxes["报送邮箱"]["stale"] is False and boxes["报送邮箱"]["last_error"] is None
    assert boxes["旧邮箱"]["stale"] is True and boxes["旧邮箱"]["consecutive_failures"] == 3
    assert "expired-授权码" not in result.output  # secrets never shown
    assert report["outbox"]["pending"] == 0 and {j["job"] for j in report["next_jobs"]} >= {"poll", "period-notice"}
    assert report["lease"]["holder"] == "test"
    text = runner.invoke(cli, ["--config", str(config), "status"])
    assert text.exit_code == 1 and "旧邮箱" in text.output and "超时未成功收信" in text.output

    edit_settings(config, lambda s: s.update(mailboxes=[good]))
    daemon.cycle()
    healthy = runner.invoke(cli, ["--config", str(config), "status", "--json"])
    assert healthy.exit_code == 0 and json.loads(healthy.output)["ok"] is True
    assert json.loads(healthy.output)["today"]["received"] == 0
    assert datetime.fromisoformat(json.loads(healthy.output)["now"]).tzinfo is not None


def test_status_text_separates_each_mailbox_result_from_its_last_success():
    from baosong.status import status_lines

    def box(name, error, attempt="2026-11-30T10:24:00+08:00", success="2026-11-30T09:00:00+08:00"):
        return {"name": name, "last_attempt": attempt, "last_success": success, "last_error": error,
                "consecutive_failures": 2 if error else 0, "stale": bool(error)}

    report = {"ok": False, "now": "2026-11-30T10:30:00+08:00",
              "mailboxes": [box("旧邮箱", "无法连接收信服务器 / cannot connect"), box("报送邮箱", None),
                            box("新邮箱", None, attempt=None, success=None)],
              "today": {"received": 0, "by_verdict": {}},
              "outbox": {"pending": 0, "failed": 0, "pending_recipients": 0, "failed_recipients": 0, "failures": []},
              "failed_messages": 0, "next_jobs": [], "lease": None}
    lines = status_lines(report)
    assert ("邮箱“旧邮箱”：最近收信 2026-11-30 10:24，失败（连续 2 次）：无法连接收信服务器 / cannot connect；"
            "最近成功 2026-11-30 09:00  ← 超时未成功收信") in lines
    assert "邮箱“报送邮箱”：最近收信 2026-11-30 10:24，成功；最近成功 2026-11-30 09:00" in lines
    assert "邮箱“新邮箱”：最近收信 从未，最近成功 从未" in lines


def test_status_after_a_one_off_poll_says_no_daemon_runs_and_shows_times_as_people_read_them(
        tmp_path: Path, imap_account):
    good = {"name": "报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
            "username": imap_account.username, "password": imap_account.password}
    config = write_office_config(tmp_path / "config", mailboxes=[good])
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(config), "poll", "--once"]).exit_code == 0
    text = runner.invoke(cli, ["--config", str(config), "status"])
    assert text.exit_code == 0, text.output  # polled in time: ok, as the JSON contract says
    assert "状态：正常" not in text.output and "守护进程未运行" in text.output
    assert "下次收信" not in text.output and "守护进程：未运行" in text.output
    assert "+08:00" not in text.output
    report = json.loads(runner.invoke(cli, ["--config", str(config), "status", "--json"]).output)
    assert report["daemon_running"] is False and report["lease"] is None
    assert re.search(r"最近收信 \d{4}-\d\d-\d\d \d\d:\d\d，成功；最近成功 \d{4}-\d\d-\d\d \d\d:\d\d\n", text.output)

    daemon = Daemon(App.open(config), holder="test")  # a daemon that ran a job holds the lease: it runs
    daemon.cycle()
    running = runner.invoke(cli, ["--config", str(config), "status"])
    assert "状态：正常" in running.output and "下次收信：" in running.output and "守护进程：未运行" not in running.output
    daemon.release()  # stopped cleanly: no daemon again
    assert "守护进程：未运行" in runner.invoke(cli, ["--config", str(config), "status"]).output
