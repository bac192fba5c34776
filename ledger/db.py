"""Engine and session set-up: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .models import Base


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


def make_engine(url: str) -> Engine:
    """The ledger's engine; creates the database (and its tables) if missing."""
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(url)
    Base.metadata.create_all(engine)
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
