"""constraint names by convention, vocabulary CHECK constraints, failures table

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-29 23:30:00

- Every primary key, unique constraint and foreign key gets the name Alembic's naming
  convention gives it (``baosong.ledger.models.NAMING_CONVENTION``, copied below): on SQLite
  each table is rebuilt in batch mode (copy, drop, rename; rows kept), on PostgreSQL the
  server-chosen names (``units_pkey``, ``units_name_key``, ``messages_unit_id_fkey``) are renamed.
- messages.verdict, messages.reason, outbox.status and outbox.kind are constrained to the
  vocabulary's values as they are at this revision (a new value needs a new migration:
  ``tests/test_migrations.py`` compares these with ``baosong.vocabulary``).
- ``failures``: messages whose processing raised, with attempts, last traceback and set-aside time.

Self-contained: imports nothing of baosong (the tables as they were at this revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = "0002"
branch_labels = None
depends_on = None

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# parents before children (check constraint names are given whole, op.f: no convention applied on top)
TABLES = ("units", "unit_addresses", "messages", "outbox", "pieces", "adoptions", "instructions")

VERDICTS = ("accepted", "rejected", "ignored", "quarantined")
REASONS = ("bounce", "auto_reply", "oversize", "classified", "spoofed_sender", "unregistered_sender",
           "offline_file", "non_electronic", "unsupported_format", "corrupt_document", "no_document",
           "duplicate", "processing_failed")
OUTBOX_STATES = ("pending", "sent", "failed")
MAIL_KINDS = ("reply", "alert", "notice", "letter", "commission")

CHECKS = {
    "messages": {"verdict": VERDICTS, "reason": REASONS},
    "outbox": {"status": OUTBOX_STATES, "kind": MAIL_KINDS},
}


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _conventional_names_postgresql() -> None:
    """Rename the constraints PostgreSQL named itself (``<table>_pkey``, ``_key``, ``_fkey``)."""
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table in TABLES:
        renames: list[tuple[str, str]] = []
        pk_name = inspector.get_pk_constraint(table).get("name")
        if pk_name and pk_name != f"pk_{table}":
            renames.append((pk_name, f"pk_{table}"))
        for uq in inspector.get_unique_constraints(table):
            if uq["name"] == f"{table}_{uq['column_names'][0]}_key":  # unnamed at 0001
                renames.append((uq["name"], f"uq_{table}_{uq['column_names'][0]}"))
        for fk in inspector.get_foreign_keys(table):
            wanted = f"fk_{table}_{fk['constrained_columns'][0]}_{fk['referred_table']}"
            fk_name = fk.get("name")
            if fk_name and fk_name != wanted:
                renames.append((fk_name, wanted))
        for old, new in renames:
            op.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{old}" TO "{new}"')
        for name, values in CHECKS.get(table, {}).items():
            op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, one_of(name, values))


def _conventional_names_sqlite() -> None:
    """Rebuild each table (batch mode) so its reflected, unnamed constraints take the convention's names."""
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", naming_convention=NAMING_CONVENTION) as batch:
            for name, values in CHECKS.get(table, {}).items():
                batch.create_check_constraint(op.f(f"ck_{table}_{name}"), one_of(name, values))


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _conventional_names_sqlite()
    else:
        _conventional_names_postgresql()
    op.create_table('failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox', sa.String(length=200), nullable=False),
    sa.Column('uidvalidity', sa.Integer(), nullable=True),
    sa.Column('uid', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_aside_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_ref', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['message_ref'], ['messages.id'], name='fk_failures_message_ref_messages'),
    sa.PrimaryKeyConstraint('id', name='pk_failures'),
    sa.UniqueConstraint('mailbox', 'uidvalidity', 'uid', name='uq_failures_mailbox_uid')
    )
    op.create_index('ix_failures_sha256', 'failures', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_failures_sha256', table_name='failures')
    op.drop_table('failures')
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for name in checks:
                batch.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
    # the conventional names stay: they are as good as the server-chosen ones
