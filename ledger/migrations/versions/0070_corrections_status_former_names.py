"""corrections with an audit trail: piece status, replaced_by, corrections table, unit former names

Revision ID: 0070
Revises: 0060
Create Date: 2026-11-29 23:40:00

- ``pieces.status`` (counted, void, superseded, merged; CHECK-constrained, existing rows counted)
  and ``pieces.replaced_by`` (the piece that counts instead of a superseded or merged one).
- ``corrections``: every change made after the fact (edit, void, restore, supersede, merge, split,
  adoptions and instructions recorded or withdrawn, import, unit rename): who, when, field, old and
  new value, reason, and how (cli / import).
- ``unit_former_names``: names a unit had before (units.yaml ``former_names``), one unit per name.

Self-contained: imports nothing of baosong (the tables and the vocabulary as they are at this revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0070'
down_revision = '0060'
branch_labels = None
depends_on = None

PIECE_STATUSES = ("counted", "void", "superseded", "merged")
CHANGES = ("edit", "void", "restore", "supersede", "merge", "split", "adopt", "adopt_undo", "instruct",
           "instruct_undo", "import", "rename_unit")


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table('unit_former_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_former_names_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_former_names')),
    sa.UniqueConstraint('name', name=op.f('uq_unit_former_names_name'))
    )
    op.create_table('corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('piece_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('related_piece_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('via', sa.String(length=300), nullable=False),
    sa.CheckConstraint(one_of("action", CHANGES), name=op.f('ck_corrections_action')),
    sa.ForeignKeyConstraint(['piece_id'], ['pieces.id'], name=op.f('fk_corrections_piece_id_pieces')),
    sa.ForeignKeyConstraint(['related_piece_id'], ['pieces.id'], name=op.f('fk_corrections_related_piece_id_pieces')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_corrections_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrections'))
    )
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrections_piece_id'), ['piece_id'], unique=False)

    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='counted', nullable=False))
        batch_op.add_column(sa.Column('replaced_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_pieces_replaced_by_pieces'), 'pieces', ['replaced_by'], ['id'])
        batch_op.create_check_constraint(op.f('ck_pieces_status'), one_of("status", PIECE_STATUSES))



def downgrade() -> None:
    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pieces_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_pieces_replaced_by_pieces'), type_='foreignkey')
        batch_op.drop_column('replaced_by')
        batch_op.drop_column('status')

    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrections_piece_id'))

    op.drop_table('corrections')
    op.drop_table('unit_former_names')
