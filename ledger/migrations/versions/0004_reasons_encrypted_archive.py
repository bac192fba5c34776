"""two reason codes: encrypted_document and unsupported_archive

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 00:15:00

The gate got two rules with the formats units really send (issue 8): a password-protected
document or zip (``encrypted_document``) and a .rar/.7z or a zip over the limits
(``unsupported_archive``). messages.reason's CHECK constraint takes the two new values.

Self-contained: imports nothing of baosong (the values as they are at this revision).
"""

from __future__ import annotations

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BEFORE = ("bounce", "auto_reply", "oversize", "classified", "spoofed_sender", "unregistered_sender",
          "offline_file", "non_electronic", "unsupported_format", "corrupt_document", "no_document",
          "duplicate", "processing_failed")
AFTER = ("bounce", "auto_reply", "oversize", "classified", "spoofed_sender", "unregistered_sender",
         "offline_file", "non_electronic", "unsupported_format", "corrupt_document", "no_document",
         "encrypted_document", "unsupported_archive", "duplicate", "processing_failed")


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _reasons(values: tuple[str, ...]) -> None:
    name = op.f("ck_messages_reason")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot alter a constraint: the table is rebuilt (rows kept) with the new one
        with op.batch_alter_table("messages", recreate="always") as batch:
            batch.drop_constraint(name, type_="check")
            batch.create_check_constraint(name, one_of("reason", values))
    else:
        op.drop_constraint(name, "messages", type_="check")
        op.create_check_constraint(name, "messages", one_of("reason", values))


def upgrade() -> None:
    _reasons(AFTER)


def downgrade() -> None:
    op.execute("UPDATE messages SET reason = 'corrupt_document' WHERE reason IN "
               "('encrypted_document', 'unsupported_archive')")
    _reasons(BEFORE)
