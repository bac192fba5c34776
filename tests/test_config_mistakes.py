"""An admin's mistakes get an answer, not a traceback: check-config and every command say what is
wrong (file, line, key) for settings a machine cannot use, and never print a password."""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from baosong.cli import app
from baosong.config.checks import MaskingFilter, database_problem, directory_problem, mask_secrets

runner = CliRunner()
SHIPPED = Path(__file__).resolve().parents[1] / "config"


def invoke(config: Path, *args: str):
    return runner.invoke(app, ["--config", str(config), *args], catch_exceptions=False)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def set_key(config: Path, key: str, value: str) -> None:
    path = config / "settings.yaml"
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(rf"^{key}:.*$", f"{key}: {value}", text, count=1, flags=re.M)
    assert n == 1
    path.write_text(text, encoding="utf-8")


def no_traceback(result) -> None:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


PG8000_MISSING = importlib.util.find_spec("pg8000") is None
PSYCOPG_MISSING = importlib.util.find_spec("psycopg") is None
# nothing listens on port 1: the connection is refused at once
UNREACHABLE = "postgresql+psycopg://u:Secr3t-pw@127.0.0.1:1/db"


@pytest.mark.parametrize("key,value,expected", [
    ("database", "just some text", "不是数据库 URL"),
    ("database", "mysql://u:p@h/db", "不支持的数据库类型"),
    ("data_dir", "/proc/baosong", "位于系统目录 /proc 下"),
    ("data_dir", "/etc/hostname", "是一个文件，不是目录"),
    ("data_dir", "/etc/hostname/sub", "是一个文件，无法在其下建立目录"),
])
@pytest.mark.parametrize("command", [("check-config",), ("ledger", "list"), ("poll", "--once"),
                                     ("score", "--month", "2026-10")])
def test_unusable_settings_are_refused_by_every_command(config_dir: Path, key, value, expected, command):
    set_key(config_dir, key, value)
    result = invoke(config_dir, *command)
    no_traceback(result)
    assert result.exit_code == 1
    assert expected in result.output and "配置正确" not in result.output
    assert f"[{key}]" in result.output and "settings.yaml 第" in result.output


@pytest.mark.skipif(not PG8000_MISSING, reason="the pg8000 PostgreSQL driver is installed here")
def test_postgresql_without_its_driver_is_a_clear_message_with_the_password_masked(config_dir: Path):
    set_key(config_dir, "database", "postgresql+pg8000://baosong:s3cret-pw@127.0.0.1/baosong")
    for command in (("check-config",), ("ledger", "list"), ("run",)):
        result = invoke(config_dir, *command)
        no_traceback(result)
        assert result.exit_code == 1
        assert "数据库驱动 pg8000 没有安装" in result.output
        assert "s3cret-pw" not in result.output


@pytest.mark.skipif(PSYCOPG_MISSING, reason="the psycopg PostgreSQL driver is not installed here")
@pytest.mark.parametrize("command", [("check-config",), ("status",), ("score", "--month", "2026-10"),
                                     ("ledger", "list"), ("poll", "--once")])
def test_an_unreachable_database_is_one_clear_message(config_dir: Path, command):
    set_key(config_dir, "database", f'"{UNREACHABLE}"')
    result = invoke(config_dir, *command)
    no_traceback(result)
    assert result.exit_code == 1
    assert "无法连接数据库 127.0.0.1:1（拒绝连接）" in result.output
    assert "cannot connect to the database" in result.output
    assert "Secr3t-pw" not in result.output and "sqlalche.me" not in result.output
    assert "OperationalError" not in result.output and "配置正确" not in result.output


@pytest.mark.skipif(PSYCOPG_MISSING, reason="the psycopg PostgreSQL driver is not installed here")
def test_the_daemon_logs_one_line_per_job_while_the_database_is_down(config_dir: Path, caplog):
    import io

    from rich.console import Console

    from baosong.app import App
    from baosong.daemon import Daemon

    set_key(config_dir, "database", f'"{UNREACHABLE}"')
    console = io.StringIO()
    daemon = Daemon(App.open(config_dir), Console(file=console, width=300), holder="test")
    with caplog.at_level(logging.INFO):
        daemon.run_all_once()   # poll, notice, commission deadlines, reminders: each fails on the ledger
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 4
    assert all("无法连接数据库 127.0.0.1:1" in r.getMessage() and r.exc_info is None for r in errors)
    assert "Traceback" not in caplog.text and "Secr3t-pw" not in caplog.text + console.getvalue()
    assert console.getvalue().count("无法连接数据库") == 4


def test_an_unreadable_settings_file_is_a_message(config_dir: Path):
    settings = config_dir / "settings.yaml"
    settings.unlink()
    settings.symlink_to("/proc/self/mem")   # a regular file whose read fails (EIO) even for root
    result = invoke(config_dir, "check-config")
    no_traceback(result)
    assert result.exit_code == 1 and "无法读取文件" in result.output and "配置正确" not in result.output
    settings.unlink()
    settings.mkdir()
    result = invoke(config_dir, "ledger", "list")
    assert result.exit_code == 1 and "不是普通文件" in result.output


def test_duplicate_yaml_keys_are_refused(config_dir: Path):
    path = config_dir / "settings.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nlimits:\n  max_message_mb: 10\n", encoding="utf-8")
    result = invoke(config_dir, "check-config")
    assert result.exit_code == 1
    assert "[limits]：配置项 limits 重复" in result.output and "配置正确" not in result.output


def test_check_config_masks_the_database_password(config_dir: Path, tmp_path: Path):
    # sqlite with a query password-like parameter is contrived; use a URL check-config accepts
    set_key(config_dir, "database", f"sqlite:///{tmp_path}/ledger.db")
    ok = invoke(config_dir, "check-config")
    assert ok.exit_code == 0 and "配置正确" in ok.output
    assert mask_secrets("postgresql+psycopg://bs:s3cret@db.example/bs") == "postgresql+psycopg://bs:***@db.example/bs"
    assert mask_secrets("login failed: password=hunter2 for user x") == "login failed: password=*** for user x"
    assert mask_secrets("no secrets here http://example.com/a:b") == "no secrets here http://example.com/a:b"


def test_logs_are_masked():
    record = logging.LogRecord("baosong.daemon", logging.ERROR, __file__, 1,
                               "cannot connect to %s", ("postgresql://u:topsecret@h/db",), None)
    MaskingFilter().filter(record)
    assert "topsecret" not in record.getMessage() and "u:***@h" in record.getMessage()
    try:
        raise ConnectionError("could not connect to postgresql://u:topsecret@h/db")
    except ConnectionError:
        import sys
        failed = logging.LogRecord("baosong.poll", logging.ERROR, __file__, 1, "mailbox failed", (), sys.exc_info())
    MaskingFilter().filter(failed)
    assert "topsecret" not in logging.Formatter().format(failed) and "u:***@h" in failed.exc_text


def test_machine_checks_directly(tmp_path: Path):
    assert database_problem(f"sqlite:///{tmp_path}/x.db") is None
    assert database_problem("sqlite:///:memory:") is None
    assert "postgresql://" in (database_problem("postgres://u@h/db") or "")
    assert directory_problem(tmp_path / "new" / "deeper") is None
    assert "is a file" in (directory_problem(Path("/etc/hostname")) or "")
