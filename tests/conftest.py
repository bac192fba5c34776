"""Shared pytest fixtures: real mail servers on 127.0.0.1 (no protocol mocks)."""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import PostgresNotInstalled, PostgresServer

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

# ---------------------------------------------------------------- ledgers on SQLite and PostgreSQL

# Every test that touches a ledger runs on both backends: it asks for ``ledger_url`` (a SQLAlchemy URL)
# or, through a config directory, ``office_database`` / ``office_config``, all parametrised by ``backend``.
# PostgreSQL is the server BAOSONG_TEST_POSTGRES names (postgresql+psycopg://user@host:port, a user who
# may create databases), or else a throw-away cluster this session starts (tests/postgres.py). Without
# PostgreSQL binaries the postgresql variants are skipped, or fail when BAOSONG_REQUIRE_POSTGRES=1
# (tests/run.sh sets it: CI never silently skips them).
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server, without a database name."""
    given = os.environ.get("BAOSONG_TEST_POSTGRES")
    if given:
        yield given.rstrip("/")
        return
    server = PostgresServer()
    missing = None
    try:
        server.start()
    except PostgresNotInstalled as exc:
        missing = str(exc)
    if missing:
        if os.environ.get("BAOSONG_REQUIRE_POSTGRES") == "1":
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)
    try:
        yield server.url
    finally:
        server.stop()


def _admin(base: str):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool)


def create_postgres_database(base: str) -> str:
    """A new, empty database on the server at ``base``; its URL."""
    from sqlalchemy import text

    name = f"baosong_test_{secrets.token_hex(6)}"
    admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    admin.dispose()
    return f"{base}/{name}"


def drop_postgres_database(url: str) -> None:
    """Drop a database made by create_postgres_database, closing whatever connections a test left open."""
    from sqlalchemy import text

    base, _, name = url.rpartition("/")
    admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def ledger_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL for a new, empty ledger: an SQLite file, or a new database on PostgreSQL (dropped after the test)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    url = create_postgres_database(request.getfixturevalue("postgres_server"))
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture
def office_database(backend: str, request: pytest.FixtureRequest) -> str | None:
    """settings.yaml's ``database:`` for a config directory: None (the default SQLite file under data_dir)
    or a new PostgreSQL database."""
    if backend == "sqlite":
        return None
    return request.getfixturevalue("ledger_url")


def write_office_config(directory: Path, *, smtp: SmtpSink | None = None, mailboxes: list[dict] | None = None,
                        database: str | None = None, source: Path | None = None,
                        require_approval: bool = False) -> Path:
    """The shipped Tengzhou example's units and scoring (or another example's, from ``source``), with
    settings pointing at test servers; ``database`` None: the default SQLite file under the config's data_dir."""
    return demo_config.write_office_config(directory, smtp=smtp, mailboxes=mailboxes, database=database,
                                           source=source, require_approval=require_approval)


@pytest.fixture
def office_config(tmp_path: Path, smtp_sink: SmtpSink, office_database: str | None) -> Path:
    """A config directory (Tengzhou example units) whose SMTP is the test's SmtpSink; no mailboxes;
    its ledger on SQLite or PostgreSQL (``backend``)."""
    return write_office_config(tmp_path / "config", smtp=smtp_sink, database=office_database)


# --- shared by several test modules ------------------------------------------------------------

SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "config"


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    """A copy of the shipped config directory, to break on purpose."""
    for name in ("settings.yaml", "units.yaml", "scoring.yaml"):
        shutil.copyfile(SHIPPED_CONFIG / name, tmp_path / name)
    return tmp_path


def problems(directory: Path) -> list[str]:
    """The problems loading ``directory`` reports (it must fail)."""
    from baosong.config.loader import ConfigError, load_config

    with pytest.raises(ConfigError) as info:
        load_config(directory)
    return [str(p) for p in info.value.problems]


def wait_for(predicate, timeout: float, what: str, every: float = 0.05):
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")
