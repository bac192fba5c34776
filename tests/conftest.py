"""Shared pytest fixtures: real mail servers on 127.0.0.1 (no protocol mocks)."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator

import pytest

from baosong.devservers import SmtpSink
from dovecot import DovecotNotInstalled, DovecotServer, ImapAccount

_account_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """One Dovecot for the whole session: ``.host``, ``.port``, ``add_user()``."""
    server = DovecotServer()
    missing = None
    try:
        server.start()
    except DovecotNotInstalled as exc:  # fail (never skip): CI must install it
        missing = str(exc)
    if missing:
        pytest.fail(missing, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> Iterator[ImapAccount]:
    """A fresh, empty Dovecot user; ``.client()`` gives logged-in IMAPClients."""
    username = f"user{next(_account_numbers)}-{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(12)
    dovecot.add_user(username, password)
    account = ImapAccount(dovecot.host, dovecot.port, username, password)
    try:
        yield account
    finally:
        account.close_clients()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A running SmtpSink on 127.0.0.1 (free port), stopped after the test."""
    with SmtpSink() as sink:
        yield sink


# ---------------------------------------------------------------- office config

from pathlib import Path  # noqa: E402
import shutil  # noqa: E402

import yaml  # noqa: E402

SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "config"


def fresh_postgres_database() -> str | None:
    """With BAOSONG_TEST_POSTGRES=postgresql+psycopg://user@host:port set, a new empty database on that
    server for each config (the suite then runs on PostgreSQL instead of SQLite files)."""
    import os

    base = os.environ.get("BAOSONG_TEST_POSTGRES")
    if not base:
        return None
    from sqlalchemy import create_engine, text

    name = f"baosong_test_{secrets.token_hex(6)}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\''))
    admin.dispose()
    _postgres_databases.append((base, name))
    return f"{base}/{name}"


_postgres_databases: list[tuple[str, str]] = []


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_databases() -> Iterator[None]:
    yield
    if not _postgres_databases:
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{_postgres_databases[0][0]}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for _, name in _postgres_databases:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def write_office_config(directory: Path, *, smtp: SmtpSink | None = None, mailboxes: list[dict] | None = None,
                        database: str | None = None) -> Path:
    """The shipped Tengzhou example's units and scoring, with settings pointing at test servers."""
    database = database or fresh_postgres_database()
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("units.yaml", "scoring.yaml"):
        shutil.copyfile(SHIPPED_CONFIG / name, directory / name)
    settings: dict = {
        "timezone": "Asia/Shanghai",
        "data_dir": str(directory / "data"),
        "mailboxes": mailboxes or [],
        "office": {"name": "滕州市人民政府办公室", "department": "信息科", "phone": "0632-0000000",
                   "to": ["leaders-office@example.com", "xinxike@example.com"]},
    }
    if database:
        settings["database"] = database
    if smtp is not None:
        settings["smtp"] = {"host": smtp.host, "port": smtp.port, "ssl": False, "starttls": False, "helo": "localhost",
                            "sender": "滕州市人民政府办公室信息科 <tzxxk@example.com>"}
    (directory / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
    return directory


@pytest.fixture
def office_config(tmp_path: Path, smtp_sink: SmtpSink) -> Path:
    """A config directory (Tengzhou example units) whose SMTP is the test's SmtpSink; no mailboxes."""
    return write_office_config(tmp_path / "config", smtp=smtp_sink)
