"""outbox recipient claims: who is handing a recipient over right now, and since when; an index on
messages.message_id (the duplicate rule asks by it for every message: without it, a full scan each)

Two processes delivering the outbox at the same moment must never both send one recipient: each
claims the recipient (``claimed_by``, ``claimed_at``) with one conditional UPDATE before the
hand-over. A claim older than the delivery policy's ``claim_minutes``, or one whose process (on this
host) is gone, may be taken over: a crash never loses mail.

Revision ID: 0085
Revises: 0080
Create Date: 2026-11-30 02:35:00

Self-contained: never import baosong.ledger.models here (the models move on; a migration
describes the tables as they were at its revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0085'
down_revision = '0080'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_recipients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_message_id'), ['message_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_message_id'))
    with op.batch_alter_table('outbox_recipients', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by')
