"""Developers: write the next migration from the models. `python -m baosong.ledger.migrations.new "message"`.

Autogenerates against a scratch SQLite ledger at the current head; review the file it writes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from baosong.ledger.db import alembic_config, migrate


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print('usage: python -m baosong.ledger.migrations.new "what changed"', file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        migrate(engine)
        with engine.begin() as connection:
            command.revision(alembic_config(connection), message=argv[0], autogenerate=True)
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
