"""Judge one message's raw bytes against the loaded config, without the ledger's ORM.

`baosong inspect` and the intake cycle (`baosong.processing`) share this. It imports only the
intake and the config, so `inspect` on a machine without a ledger never loads SQLAlchemy;
whether a piece was seen before is asked through a plain callable.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from baosong.config.loader import Config
from baosong.config.schema import gate_overrides
from baosong.intake.chain import configured
from baosong.intake.gate import GateContext
from baosong.intake.judge import Judgement, judge
from baosong.intake.wordcount import CountOptions

# (sha256 of a document, unit name) -> was this piece recorded before?
SeenPiece = Callable[[str, str], bool]


def _never_seen(sha: str, unit: str) -> bool:
    return False


def gate_context(config: Config, seen_piece: SeenPiece | None = None) -> GateContext:
    limits = config.settings.limits
    return GateContext(max_bytes=int(limits.max_message_mb * 1024 * 1024),
                       min_body_words=limits.min_body_words, seen_piece=seen_piece or _never_seen,
                       office_addresses=frozenset(a.lower() for a in config.settings.office.to))


def judge_raw(config: Config, raw: bytes, seen_piece: SeenPiece | None = None) -> Judgement:
    def unit_for(address: str) -> str | None:
        unit = config.unit_for(address)
        return unit.name if unit else None

    return judge(raw, unit_for=unit_for, ctx=gate_context(config, seen_piece),
                 categories=config.scoring.categories, options=CountOptions(),
                 chain=configured(gate_overrides(config.settings.gate)))


def ledger_may_exist(database_url: str) -> bool:
    """False only when the ledger is certainly absent (a SQLite file not yet created): then no
    need to import the ORM to find out. Any other database may hold a ledger."""
    if database_url.startswith("sqlite:///") and not database_url.startswith("sqlite:///:memory:"):
        return Path(database_url.removeprefix("sqlite:///")).exists()
    return True
