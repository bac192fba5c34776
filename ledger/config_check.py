"""The config against the ledger: names that recorded events use must stay in the config.

A unit, an outlet or an instruction level the ledger has used cannot silently disappear from
units.yaml or scoring.yaml: its history would drop out of scores and 台账 without a word. A unit that
was renamed lists its old name under ``former_names``; an outlet or instruction level keeps its key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baosong.config.loader import Config, Problem
from baosong.messages import say

from .models import Adoption, Instruction, Message, Piece, Unit


@dataclass(frozen=True)
class Usage:
    """How many recorded events use each name: unit -> (messages, pieces), outlet -> adoptions, level -> instructions."""

    units: dict[str, tuple[int, int]]
    outlets: dict[str, int]
    instructions: dict[str, int]


def _counts(session: Session, query) -> dict[str, int]:
    return {name: count for name, count in session.execute(query)}


def recorded_usage(session: Session) -> Usage:
    messages = _counts(session, select(Unit.name, func.count(Message.id)).join(Message, Message.unit_id == Unit.id)
                       .group_by(Unit.name))
    pieces = _counts(session, select(Unit.name, func.count(Piece.id)).join(Piece, Piece.unit_id == Unit.id)
                     .group_by(Unit.name))
    units = {name: (messages.get(name, 0), pieces.get(name, 0)) for name in {*messages, *pieces}}
    outlets = _counts(session, select(Adoption.outlet, func.count()).group_by(Adoption.outlet))
    levels = _counts(session, select(Instruction.level, func.count()).group_by(Instruction.level))
    return Usage(units, outlets, levels)


def dropped_names(usage: Usage, config: Config) -> list[Problem]:
    """Problems for every name the ledger uses that the config no longer has (file, key, how many events)."""
    problems: list[Problem] = []
    known = {u.name for u in config.units} | {f for u in config.units for f in u.former_names}
    for name, (messages, pieces) in sorted(usage.units.items()):
        if name not in known:
            problems.append(Problem(
                "units.yaml", None, "units",
                say("ledger.dropped_unit", messages=messages, pieces=pieces, name=name)))
    for key, table, used, message in (("outlets", config.scoring.outlets, usage.outlets, "ledger.dropped_outlet"),
                                      ("instructions", config.scoring.instructions, usage.instructions,
                                       "ledger.dropped_instruction_level")):
        for name, count in sorted(used.items()):
            if name not in table:
                problems.append(Problem("scoring.yaml", None, f"{key}.{name}", say(message, count=count, name=name)))

    return problems
