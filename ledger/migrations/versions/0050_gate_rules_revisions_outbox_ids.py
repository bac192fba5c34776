"""gate rules of issue 8: revisions linked to the piece they replace, our own Message-IDs, new reason codes

Revision ID: 0050
Revises: 0046
Create Date: 2026-11-30 00:40:00

- ``pieces.revises_id``: a revised version (修改稿) points at the piece it supersedes; both stay.
- ``outbox.rfc_message_id`` (indexed): the Message-ID header of every mail we queue, so that a
  reply to one of them (In-Reply-To) is recognised as correspondence.
- ``messages.reason`` CHECK widened with ``correspondence``, ``on_behalf`` and ``revision``
  (``encrypted_document`` and ``unsupported_archive`` came with 0045).

Self-contained: imports nothing of baosong.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0046"
branch_labels = None
depends_on = None

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

OLD_REASONS = ("bounce", "auto_reply", "oversize", "classified", "spoofed_sender", "unregistered_sender",
               "offline_file", "non_electronic", "unsupported_format", "corrupt_document", "no_document",
               "duplicate", "processing_failed", "encrypted_document", "unsupported_archive")  # as of 0045
NEW_REASONS = OLD_REASONS + ("correspondence", "on_behalf", "revision")


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _reason_check(values: tuple[str, ...]) -> None:
    with op.batch_alter_table("messages", naming_convention=NAMING_CONVENTION) as batch:
        batch.drop_constraint(op.f("ck_messages_reason"), type_="check")
        batch.create_check_constraint(op.f("ck_messages_reason"), one_of("reason", values))


def upgrade() -> None:
    with op.batch_alter_table("pieces", naming_convention=NAMING_CONVENTION) as batch:
        batch.add_column(sa.Column("revises_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_pieces_revises_id_pieces"), "pieces", ["revises_id"], ["id"])
    with op.batch_alter_table("outbox", naming_convention=NAMING_CONVENTION) as batch:
        batch.add_column(sa.Column("rfc_message_id", sa.String(length=998), nullable=True))
        batch.create_index("ix_outbox_rfc_message_id", ["rfc_message_id"], unique=False)
    _reason_check(NEW_REASONS)


def downgrade() -> None:
    _reason_check(OLD_REASONS)
    with op.batch_alter_table("outbox", naming_convention=NAMING_CONVENTION) as batch:
        batch.drop_index("ix_outbox_rfc_message_id")
        batch.drop_column("rfc_message_id")
    with op.batch_alter_table("pieces", naming_convention=NAMING_CONVENTION) as batch:
        batch.drop_constraint(op.f("fk_pieces_revises_id_pieces"), type_="foreignkey")
        batch.drop_column("revises_id")
