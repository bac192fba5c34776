"""Engine and session set-up: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

# The first migration: a ledger made before migrations existed has exactly its tables.
BASELINE = "0001"
# PostgreSQL advisory lock key held while migrating ("baosong" in ASCII)
MIGRATION_LOCK = 0x62616F736F6E67


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
    config = AlembicConfig()
    config.set_main_option("script_location", "baosong.ledger:migrations")
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Bring the ledger's tables to the current version (Alembic), creating them on a new database."""
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
    if not inspect(engine).has_table("pieces"):
        engine.dispose()
        return None
    return sessionmaker(engine, expire_on_commit=False)
