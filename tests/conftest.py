"""Shared pytest fixtures: real mail servers on 127.0.0.1 (no protocol mocks)."""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from baosong.demo import config as demo_config

from dovecot import DovecotNotInstalled, DovecotServer, ImapAccount
from smtpsink import SmtpSink

_account_numbers = itertools.count(1)

# A run on the shipped example config keeps its data in $XDG_DATA_HOME/baosong (config/loader.py):
# during the tests that is a temporary folder, never the tester's home (subprocesses inherit it).
_DATA_HOME = tempfile.mkdtemp(prefix="baosong-test-data-")
os.environ["XDG_DATA_HOME"] = _DATA_HOME


@pytest.fixture(scope="session", autouse=True)
def _remove_data_home() -> Iterator[None]:
    yield
    shutil.rmtree(_DATA_HOME, ignore_errors=True)


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
                        database: str | None = None, source: Path | None = None,
                        require_approval: bool = False) -> Path:
    """The shipped Tengzhou example's units and scoring (or another example's, from ``source``), with
    settings pointing at test servers (on PostgreSQL when BAOSONG_TEST_POSTGRES is set)."""
    return demo_config.write_office_config(directory, smtp=smtp, mailboxes=mailboxes,
                                           database=database or fresh_postgres_database(), source=source,
                                           require_approval=require_approval)


@pytest.fixture
def office_config(tmp_path: Path, smtp_sink: SmtpSink) -> Path:
    """A config directory (Tengzhou example units) whose SMTP is the test's SmtpSink; no mailboxes."""
    return write_office_config(tmp_path / "config", smtp=smtp_sink)
