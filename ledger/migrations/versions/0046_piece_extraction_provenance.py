"""pieces: where extraction found the fields (title and unit source, approver, 约稿 mark, flags)

Revision ID: 0046
Revises: 0045
Create Date: 2026-11-29 23:45:00

Written by hand, self-contained (no import of the live models or the vocabulary: the values are
those of this revision). Other branches add migrations too: when merging, point ``down_revision``
at the head this one follows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None

TITLE_SOURCES = ("document", "subject", "filename")
UNIT_SOURCES = ("document", "sender", "both")
CHECKS = {"title_source": TITLE_SOURCES, "unit_source": UNIT_SOURCES}


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("pieces") as batch:
        batch.add_column(sa.Column("title_source", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("unit_source", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("approver", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("commissioned", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("flags", sa.String(length=200), nullable=True))
        for name, values in CHECKS.items():
            batch.create_check_constraint(op.f(f"ck_pieces_{name}"), one_of(name, values))


def downgrade() -> None:
    with op.batch_alter_table("pieces") as batch:
        for name in CHECKS:
            batch.drop_constraint(op.f(f"ck_pieces_{name}"), type_="check")
        for column in ("flags", "commissioned", "approver", "unit_source", "title_source"):
            batch.drop_column(column)
