"""Judge one message's raw bytes against the loaded config, without the ledger's ORM.

`baosong inspect` and the intake cycle (`baosong.processing`) share this. It imports only the
intake and the config, so `inspect` on a machine without a ledger never loads SQLAlchemy;
whether a piece was seen before is asked through a plain callable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from baosong.config.loader import Config
from baosong.config.schema import gate_overrides
from baosong.intake.chain import configured
from baosong.intake.gate import GateContext
from baosong.intake.judge import Judgement, judge
from baosong.intake.units_match import UnitRegistry
from baosong.intake.wordcount import CountOptions

# (sha256 of a document, unit name) -> was this piece recorded before?
SeenPiece = Callable[[str, str], bool]


@dataclass(frozen=True)
class LedgerLookups:
    """What the gate asks of the ledger (``baosong.processing.ledger_lookups`` answers from a session)."""

    seen_piece: Callable[[str, str], bool] = lambda sha, unit: False
    seen_message_id: Callable[[str, str], bool] = lambda message_id, unit: False
    ours: Callable[[str], bool] = lambda message_id: False
    seen_title: Callable[[str, str], bool] = lambda key, unit: False


_NO_LEDGER = LedgerLookups()
# what offices append to a unit's name in a byline: 供稿, 报送, 提供
_BYLINE_SUFFIX = re.compile(r"(供稿|报送|提供|办公室)$")


def unit_namer(config: Config) -> Callable[[str], str | None]:
    """A unit as a document names it -> the registered unit (full name, short name, or the name
    without its city prefix); None when not registered. Issue 9's matcher may replace this."""
    names: dict[str, str] = {}
    for unit in config.units:
        for form in (unit.name, unit.short or ""):
            if form:
                names.setdefault(form, unit.name)

    def named(text: str) -> str | None:
        key = re.sub(r"\s+", "", text or "")
        key = _BYLINE_SUFFIX.sub("", key) or key
        return names.get(key)

    return named


def gate_context(config: Config, lookups: LedgerLookups | SeenPiece | None = None) -> GateContext:
    if lookups is None:
        lookups = _NO_LEDGER
    elif not isinstance(lookups, LedgerLookups):
        lookups = LedgerLookups(seen_piece=lookups)
    limits = config.settings.limits

    def unit_of_address(address: str) -> str | None:
        unit = config.unit_for(address)
        return unit.name if unit else None

    return GateContext(max_bytes=int(limits.max_message_mb * 1024 * 1024),
                       min_body_words=limits.min_body_words, seen_piece=lookups.seen_piece,
                       seen_message_id=lookups.seen_message_id, ours=lookups.ours,
                       unit_of_address=unit_of_address, unit_named=unit_namer(config),
                       seen_title=lookups.seen_title)


_last_registry: tuple[Config, UnitRegistry] | None = None


def registry_of(config: Config) -> UnitRegistry:
    """The unit registry of ``config``, built once per loaded config (a poll judges many messages)."""
    global _last_registry
    if _last_registry is None or _last_registry[0] is not config:
        _last_registry = (config, UnitRegistry.from_config(config.units))
    return _last_registry[1]


def judge_raw(config: Config, raw: bytes, lookups: LedgerLookups | SeenPiece | None = None) -> Judgement:
    def unit_for(address: str) -> str | None:
        unit = config.unit_for(address)
        return unit.name if unit else None

    return judge(raw, unit_for=unit_for, ctx=gate_context(config, lookups),
                 categories=config.scoring.categories, options=CountOptions(),
                 chain=configured(gate_overrides(config.settings.gate)),
                 registry=registry_of(config),
                 category_aliases=config.scoring.category_aliases)


def ledger_may_exist(database_url: str) -> bool:
    """False only when the ledger is certainly absent (a SQLite file not yet created): then no
    need to import the ORM to find out. Any other database may hold a ledger."""
    if database_url.startswith("sqlite:///") and not database_url.startswith("sqlite:///:memory:"):
        return Path(database_url.removeprefix("sqlite:///")).exists()
    return True
