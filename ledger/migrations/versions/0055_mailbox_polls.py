"""mailbox_polls: last poll, last successful poll and UIDVALIDITY per polled mailbox folder

Revision ID: 0055
Revises: 0050
Create Date: 2026-11-29 23:59:00

Self-contained: imports nothing of baosong.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0055'
down_revision = '0050'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox_polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=200), nullable=False),
        sa.Column("uidvalidity", sa.Integer(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_polls")),
        sa.UniqueConstraint("mailbox", name=op.f("uq_mailbox_polls_mailbox")),
    )


def downgrade() -> None:
    op.drop_table("mailbox_polls")
