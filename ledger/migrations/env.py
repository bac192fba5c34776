"""Alembic environment: run by baosong.ledger.db on the connection it is given."""

from __future__ import annotations

from alembic import context

from baosong.ledger.models import Base, UTCDateTime

target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Write the models' own column types as plain SQLAlchemy types: migrations stay self-contained."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", render_item=render_item)  # SQLite ALTER via table copies
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - baosong always migrates online
    raise SystemExit("baosong runs its migrations online only")
run_migrations_online()
