"""pieces: where extraction found the fields (title and unit source, approver, 约稿 mark, flags)

Revision ID: 0004_piece_extraction
Revises: 0003
Create Date: 2026-11-29 23:45:00

Written by hand (no import of the live models). Other branches add migrations too: when merging,
point ``down_revision`` at the head this one follows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_piece_extraction"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pieces", sa.Column("title_source", sa.String(length=10), nullable=True))
    op.add_column("pieces", sa.Column("unit_source", sa.String(length=10), nullable=True))
    op.add_column("pieces", sa.Column("approver", sa.String(length=200), nullable=True))
    op.add_column("pieces", sa.Column("commissioned", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("pieces", sa.Column("flags", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pieces") as batch:
        for column in ("flags", "commissioned", "approver", "unit_source", "title_source"):
            batch.drop_column(column)
