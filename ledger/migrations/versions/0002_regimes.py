"""regimes: piece type, joint units, unit entries

Pieces get the type a regime's outlet points are keyed by (动态类/综合类); a table of other
units sharing a piece's credit (joint items split equally); a table of the office's entries
for a unit (endorsements of the notice, adjustments named in scoring.yaml). Written without
the live models. The lead re-points down_revision when other branches add migrations too.

Revision ID: 0002_regimes
Revises: 0001
Create Date: 2026-11-29 23:31:31.941000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002_regimes'
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
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_unit_entries_entered_on', ['entered_on'], unique=False)

    op.create_table('piece_joint_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('piece_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('piece_id', 'unit_id', name='uq_piece_joint_unit')
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
