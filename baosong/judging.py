"""Judge one message's raw bytes against the loaded config, without the ledger's ORM.

`baosong inspect` and the intake cycle (`baosong.processing`) share this. It imports only the
intake and the config, so `inspect` on a machine without a ledger never loads SQLAlchemy;
whether a piece was seen before is asked through a plain callable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from baosong.config.loader import Config
from baosong.config.schema import gate_overrides
from baosong.intake.chain import Link, configured
from baosong.intake.gate import Candidate, GateContext
from baosong.intake.judge import Judgement, decide, examine
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


def unit_namer(config: Config) -> Callable[[str], str | None]:
    """A unit as a document names it -> the registered unit, by the extraction's registry (full name,
    short name, aliases, the usual abbreviations); None when unregistered or ambiguous (never a guess)."""
    registry = registry_of(config)
    return lambda text: registry.match(text or "").name


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
                       seen_title=lookups.seen_title,
                       office_addresses=frozenset(a.lower() for a in config.settings.office.to))


_last_registry: tuple[Config, UnitRegistry] | None = None


def registry_of(config: Config) -> UnitRegistry:
    """The unit registry of ``config``, built once per loaded config (a poll judges many messages)."""
    global _last_registry
    if _last_registry is None or _last_registry[0] is not config:
        _last_registry = (config, UnitRegistry.from_config(config.units))
    return _last_registry[1]


def _unit_for(config: Config) -> Callable[[str], str | None]:
    def unit_for(address: str) -> str | None:
        unit = config.unit_for(address)
        return unit.name if unit else None
    return unit_for


def examine_raw(config: Config, raw: bytes, size: int | None = None) -> Candidate:
    """Parse and read one message under the office's config; asks nothing of the ledger.

    ``size``: the message's size on the server when ``raw`` is only its header (not downloaded)."""
    return examine(raw, unit_for=_unit_for(config), categories=config.scoring.categories, options=CountOptions(),
                   registry=registry_of(config), category_aliases=config.scoring.category_aliases, size=size)


_last_chain: tuple[Config, tuple[Link, ...]] | None = None


def chain_of(config: Config) -> tuple[Link, ...]:
    """The gate chain with the office's actions, built once per loaded config (a poll decides many messages)."""
    global _last_chain
    if _last_chain is None or _last_chain[0] is not config:
        _last_chain = (config, configured(gate_overrides(config.settings.gate)))
    return _last_chain[1]


def decide_raw(config: Config, candidate: Candidate,
               lookups: LedgerLookups | SeenPiece | None = None) -> Judgement:
    """The office's gate over an examined message, with the ledger's answers."""
    return decide(candidate, gate_context(config, lookups), chain_of(config))


def judge_raw(config: Config, raw: bytes, lookups: LedgerLookups | SeenPiece | None = None,
              size: int | None = None) -> Judgement:
    return decide_raw(config, examine_raw(config, raw, size), lookups)


def ledger_may_exist(database_url: str) -> bool:
    """False only when the ledger is certainly absent (a SQLite file not yet created): then no
    need to import the ORM to find out. Any other database may hold a ledger."""
    if database_url.startswith("sqlite:///") and not database_url.startswith("sqlite:///:memory:"):
        return Path(database_url.removeprefix("sqlite:///")).exists()
    return True
