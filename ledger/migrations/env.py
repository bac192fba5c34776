"""Alembic environment: run by baosong.ledger.db on the connection it is given."""

from __future__ import annotations

from alembic import context

from baosong.ledger.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")  # SQLite ALTER via table copies
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - baosong always migrates online
    raise SystemExit("baosong runs its migrations online only")
run_migrations_online()
