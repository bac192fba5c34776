"""regime piece type and joint units

Pieces get the type a regime's outlet points are keyed by (动态类/综合类), and a table of
other units sharing a piece's credit (joint items split equally). Written without the
live models. The lead re-points down_revision when other branches add migrations too.

Revision ID: 0002_regimes
Revises: 0001
Create Date: 2026-11-29 23:24:52.800192
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002_regimes'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
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
