"""Engine and session set-up: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from baosong.ledger.errors import LedgerError
from baosong.messages import say

if TYPE_CHECKING:  # Alembic loads only when the ledger is new or behind (start-up time)
    from alembic.config import Config as AlembicConfig

# The first migration: a ledger made before migrations existed has exactly its tables.
BASELINE = "0001"
# PostgreSQL advisory lock key held while migrating ("baosong" in ASCII)
MIGRATION_LOCK = 0x62616F736F6E67

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
# `revision = '0020'` or, as newer Alembic templates write it, `revision: str = '0020'`
_REVISION = re.compile(r"""^revision(?:\s*:[^=\n]+)?\s*=\s*['"]([^'"]+)['"]""", re.M)
_DOWN = re.compile(r"""^down_revision(?:\s*:[^=\n]+)?\s*=\s*(?:['"]([^'"]+)['"]|None)""", re.M)


class DatabaseUnavailable(LedgerError):
    """The ledger's database cannot be reached (server down, wrong host or port, refused login)."""


# what a driver's refusal means, for the office (the driver's own words follow, shortened): the
# driver's words matched -> the message saying it
_REASONS = (("connection refused", "ledger.db_refused"), ("timeout", "ledger.db_timeout"),
            ("timed out", "ledger.db_timeout"), ("password authentication failed", "ledger.db_bad_login"),
            ("does not exist", "ledger.db_missing"), ("could not translate host name", "ledger.db_unknown_host"),
            ("name or service not known", "ledger.db_unknown_host"),
            ("unable to open database file", "ledger.db_cannot_open"), ("database is locked", "ledger.db_locked"))


def is_unreachable(exc: BaseException) -> bool:
    """True for the errors a database that cannot be reached raises (connect refused, server gone)."""
    return isinstance(exc, (OperationalError, InterfaceError))


def unavailable(url: object, exc: BaseException) -> DatabaseUnavailable:
    """One bilingual sentence for ``exc`` on ``url`` (password masked, no link, no driver class names)."""
    from sqlalchemy.engine import make_url

    from baosong.config.checks import mask_secrets

    try:
        parsed = make_url(str(url))
        if parsed.get_backend_name() == "sqlite":
            where = parsed.database or ":memory:"
        else:
            where = f"{parsed.host or 'localhost'}" + (f":{parsed.port}" if parsed.port else "")
    except Exception:
        where = mask_secrets(str(url))
    orig = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    detail = lines[0] if lines else type(orig).__name__
    detail = re.sub(r"\s*\(Background on this error at:[^)]*\)", "", detail)
    if len(detail) > 160:
        detail = detail[:157] + "..."
    low = str(orig).lower()
    reason = say(next((message for key, message in _REASONS if key in low), "ledger.db_failed"))
    return DatabaseUnavailable(mask_secrets(say("ledger.db_unavailable", where=where, reason=reason, detail=detail)))



@cache
def head_revision(versions: Path = VERSIONS) -> str | None:
    """The newest migration's id, read from the version files' ``revision``/``down_revision`` lines
    without loading Alembic (a start-up cost). None when that is not one clear head: the caller then
    lets Alembic decide. ``tests/test_storage.py`` checks it against Alembic's own answer."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev is None:
            continue  # __init__.py
        if down is None:
            return None
        revisions.add(rev.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def stored_revision(connection: Connection) -> str | None:
    """The ledger's migration version (None for a new database or one made before migrations)."""
    try:
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    except DBAPIError:  # no such table
        rows = []
    connection.rollback()
    return rows[0] if len(rows) == 1 else None


def at_head(engine: Engine) -> bool:
    """True when the ledger is at the newest migration: one query, no Alembic."""
    head = head_revision()
    if head is None:
        return False
    with engine.connect() as connection:
        return stored_revision(connection) == head


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        return Path(url.removeprefix("sqlite:///"))
    return None


def _engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine


def alembic_config(connection: Connection) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", "baosong.ledger:migrations")
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the ledger's tables to the current version (Alembic), creating them on a new database."""
    from alembic import command

    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # batch migrations rebuild tables (copy, drop, rename): SQLite checks foreign keys at the
            # end instead (the pragma is a no-op inside a transaction, so it is set before one starts)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                # two processes opening a new ledger at once (two `poll --once`, the daemon beside a
                # command): the first migrates, the second waits for it and then finds nothing to do
                if sqlite:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")   # the write lock, waiting busy_timeout
                elif engine.dialect.name == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                config = alembic_config(connection)
                tables = inspect(connection).get_table_names()
                if "units" in tables and "alembic_version" not in tables:
                    command.stamp(config, BASELINE)
                command.upgrade(config, "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"ledger migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def make_engine(url: str) -> Engine:
    """The ledger's engine; creates the database (and its tables) if missing, migrates an old one."""
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(url)
    try:
        current = at_head(engine)
    except (OperationalError, InterfaceError) as exc:
        engine.dispose()
        raise unavailable(engine.url, exc) from None
    if not current:
        migrate(engine)
    return engine


def make_sessionmaker(url: str) -> sessionmaker[Session]:
    return sessionmaker(make_engine(url), expire_on_commit=False)


def existing_sessionmaker(url: str) -> sessionmaker[Session] | None:
    """Sessions on a ledger that already exists, creating nothing; None if there is none yet."""
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        return None
    engine = _engine(url)
    try:
        present = inspect(engine).has_table("pieces")
    except (OperationalError, InterfaceError) as exc:
        engine.dispose()
        raise unavailable(engine.url, exc) from None
    if not present:
        engine.dispose()
        return None
    return sessionmaker(engine, expire_on_commit=False)
