"""indexes serving period queries, ledger_meta

Revision ID: 0075
Revises: 0070
Create Date: 2026-11-29 23:45:00

- ``ix_pieces_received_unit_category`` on pieces (received_at, unit_id, category): a month, quarter
  or year of pieces is a range scan of this index, which also holds what scoring counts (an
  index-only scan); ``ledger list --month`` reads pieces in received order through it.
- ``ix_adoptions_adopted_on``, ``ix_instructions_instructed_on``: a period's credits by date.
  Before these, a month query scanned the whole pieces and adoptions tables.
- ``ledger_meta`` (key, value): small facts about the ledger, e.g. the digest of the units.yaml
  content last synced (start-up syncs the units only when it changed).

Self-contained: imports nothing of baosong (the tables as they were at this revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0075'
down_revision = '0070'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'ledger_meta',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('key', name='pk_ledger_meta'),
    )
    # plain CREATE INDEX on both backends (no batch table copy is needed to add an index)
    op.create_index('ix_pieces_received_unit_category', 'pieces', ['received_at', 'unit_id', 'category'])
    op.create_index('ix_adoptions_adopted_on', 'adoptions', ['adopted_on'])
    op.create_index('ix_instructions_instructed_on', 'instructions', ['instructed_on'])


def downgrade() -> None:
    op.drop_index('ix_instructions_instructed_on', table_name='instructions')
    op.drop_index('ix_adoptions_adopted_on', table_name='adoptions')
    op.drop_index('ix_pieces_received_unit_category', table_name='pieces')
    op.drop_table('ledger_meta')
