"""reason codes of the formats units send: encrypted_document and unsupported_archive

Revision ID: 0045
Revises: 0003
Create Date: 2026-11-30 00:35:00

The gate refuses a password-protected document or zip (``encrypted_document``) and a .rar/.7z
or a zip over the limits (``unsupported_archive``); messages.reason's CHECK constraint takes them.

The new CHECK is the one in the database plus these two values, read from the database itself,
so this revision adds exactly its own codes whichever other revisions widened the constraint
before it (the gate-rules revision adds ``encrypted_document`` too). Its downgrade takes
``unsupported_archive`` away again (rows with it become ``corrupt_document``) and leaves
``encrypted_document``, which another revision may own: a wider CHECK refuses nothing.

Self-contained: imports nothing of baosong.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = '0045'
down_revision = '0040'
branch_labels = None
depends_on = None

ADDED = ("encrypted_document", "unsupported_archive")
NAME = "ck_messages_reason"


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _current() -> tuple[str, ...]:
    for check in sa.inspect(op.get_bind()).get_check_constraints("messages"):
        if check["name"] == NAME:
            return tuple(re.findall(r"'([^']*)'", check["sqltext"]))
    raise RuntimeError(f"{NAME} not found: the ledger is not at revision 0003 or later")


def _reasons(values: tuple[str, ...]) -> None:
    name = op.f(NAME)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot alter a constraint: the table is rebuilt (rows kept) with the new one
        with op.batch_alter_table("messages", recreate="always") as batch:
            batch.drop_constraint(name, type_="check")
            batch.create_check_constraint(name, one_of("reason", values))
    else:
        op.drop_constraint(name, "messages", type_="check")
        op.create_check_constraint(name, "messages", one_of("reason", values))


def upgrade() -> None:
    current = _current()
    _reasons(current + tuple(v for v in ADDED if v not in current))


def downgrade() -> None:
    op.execute("UPDATE messages SET reason = 'corrupt_document' WHERE reason = 'unsupported_archive'")
    _reasons(tuple(v for v in _current() if v != "unsupported_archive"))
