"""commissions (约稿), the units they address, and the link from a piece to its commission

Revision ID: 0040
Revises: 0003
Create Date: 2026-11-29 23:38:06

- ``commissions``: number (约稿〔2026〕12号, unique per year), topic, kind, contact, deadline (and the
  text it was given as), the commission's Message-ID, whether the notices were queued, closing time.
- ``commission_units``: the units addressed, each with the Message-ID of its own notice and the
  office's refusal mark (the other statuses are computed, never stored).
- ``pieces.commission_id`` / ``commission_link`` (how it was linked: reply, number, tag, office;
  CHECK-constrained to the vocabulary of this revision) / ``commission_candidates`` (flagged for
  the office when a piece could belong to several commissions).

Self-contained: imports nothing of baosong (the tables as they were at this revision).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0040'
down_revision = "0020"
branch_labels = None
depends_on = None

COMMISSION_LINKS = ("reply", "number", "tag", "office")


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table('commissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline_text', sa.String(length=100), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=False),
    sa.Column('notified', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commissions')),
    sa.UniqueConstraint('message_id', name=op.f('uq_commissions_message_id')),
    sa.UniqueConstraint('number', name=op.f('uq_commissions_number')),
    sa.UniqueConstraint('year', 'seq', name='uq_commissions_year')
    )
    op.create_table('commission_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commission_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=True),
    sa.Column('refused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refused_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['commission_id'], ['commissions.id'], name=op.f('fk_commission_units_commission_id_commissions')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_commission_units_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_units')),
    sa.UniqueConstraint('commission_id', 'unit_id', name='uq_commission_units_commission_id')
    )
    with op.batch_alter_table('commission_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commission_units_message_id'), ['message_id'], unique=False)

    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commission_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('commission_link', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('commission_candidates', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pieces_commission_id'), ['commission_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_pieces_commission_id_commissions'), 'commissions', ['commission_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_pieces_commission_link'), one_of('commission_link', COMMISSION_LINKS))



def downgrade() -> None:
    with op.batch_alter_table('pieces', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pieces_commission_link'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_pieces_commission_id_commissions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_pieces_commission_id'))
        batch_op.drop_column('commission_candidates')
        batch_op.drop_column('commission_link')
        batch_op.drop_column('commission_id')

    with op.batch_alter_table('commission_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commission_units_message_id'))

    op.drop_table('commission_units')
    op.drop_table('commissions')
