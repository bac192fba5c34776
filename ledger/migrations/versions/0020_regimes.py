"""regimes: piece type, joint units, unit entries

- ``pieces.piece_type``: the type a regime's outlet points are keyed by (动态类/综合类) when the
  category does not say it (``baosong adopt --type``).
- ``piece_joint_units``: other units sharing a piece's credit (joint items split equally; ``--joint``).
- ``unit_entries``: the office's entries for a unit that score: the notice endorsed by the principal
  or deputy (``baosong endorse``), adjustments named in scoring.yaml (``baosong adjust``).

The lead re-points ``down_revision`` when other branches' migrations are merged before this one.

Revision ID: 0020
Revises: 0003
Create Date: 2026-11-30 00:10:31.326100

Self-contained: never import baosong.ledger.models here (the models move on; a migration
describes the tables as they were at its revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('entered_on', sa.Date(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_entries_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_entries'))
    )
    with op.batch_alter_table('unit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_unit_entries_entered_on', ['entered_on'], unique=False)

    op.create_table('piece_joint_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('piece_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], name=op.f('fk_piece_joint_units_piece_id_pieces')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_piece_joint_units_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_piece_joint_units')),
    sa.UniqueConstraint('piece_id', 'unit_id', name=op.f('uq_piece_joint_units_piece_id'))
    )
    with op.batch_alter_table('piece_joint_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_piece_joint_units_piece_id'), ['piece_id'], unique=False)

    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('piece_type', sa.String(length=50), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.drop_column('piece_type')

    with op.batch_alter_table('piece_joint_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_piece_joint_units_piece_id'))

    op.drop_table('piece_joint_units')
    with op.batch_alter_table('unit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_entries_entered_on')

    op.drop_table('unit_entries')
