"""The ledger's schema comes from Alembic migrations, and they match the models exactly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from baosong.ledger.db import BASELINE, alembic_config, make_engine
from baosong.ledger.models import Base


def head() -> str:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        return ScriptDirectory.from_config(alembic_config(conn)).get_current_head()


def test_new_ledger_is_at_head_and_matches_the_models(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'l.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head()
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], "models changed without a migration: add one in ledger/migrations/versions"


def test_ledger_made_before_migrations_is_adopted(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    # the first development ledgers had the baseline's tables (made by create_all) and no
    # alembic_version: the baseline migration's tables without its version stamp
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE)
        conn.execute(text("drop table alembic_version"))
        conn.execute(text("insert into units (name, class, active) values ('甲镇', 'A', 1)"))
    old.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head()
        assert conn.execute(text("select name from units")).scalars().all() == ["甲镇"]
    assert BASELINE == "0001" and "outbox" in inspect(engine).get_table_names()


def test_opening_twice_changes_nothing(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    make_engine(url).dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from alembic_version")).scalar() == 1
