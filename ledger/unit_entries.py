"""Entries the office makes for a unit: the notice endorsed by its leaders, adjustments named in scoring.yaml."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from baosong.config.schema import Scoring
from baosong.messages import say

from .errors import LedgerError
from .models import Unit, UnitEntry

ENDORSERS = {"principal": "principal", "主要负责同志": "principal", "主要": "principal",
             "deputy": "deputy", "分管负责同志": "deputy", "分管": "deputy"}


def find_unit(session: Session, name: str) -> Unit:
    """A registered unit by full name or short name."""
    unit = session.scalar(select(Unit).where(Unit.active, Unit.name == name))
    if unit is None:
        matches = list(session.scalars(select(Unit).where(Unit.active, Unit.short == name)))
        unit = matches[0] if len(matches) == 1 else None
    if unit is None:
        raise LedgerError(say("ledger.unknown_unit_entry", unit=name))
    return unit


def record_endorsement(session: Session, unit_name: str, by: str, scoring: Scoring, *, on: date,
                       note: str | None = None) -> UnitEntry:
    if scoring.endorsements is None:
        raise LedgerError(say("ledger.no_endorsements"))
    who = ENDORSERS.get(by)
    if who is None:
        raise LedgerError(say("ledger.unknown_endorser", by=by))
    entry = UnitEntry(unit=find_unit(session, unit_name), kind="endorsement", key=who, entered_on=on, note=note)
    session.add(entry)
    session.flush()
    return entry


def record_adjustment(session: Session, unit_name: str, key: str, scoring: Scoring, *, on: date,
                      done: bool | None = None, note: str | None = None) -> UnitEntry:
    rule = scoring.adjustments.get(key)
    if rule is None:
        known = "、".join(scoring.adjustments) or say("ledger.not_configured")
        raise LedgerError(say("ledger.unknown_adjustment", key=key, known=known))
    if rule.points is None and done is None:
        raise LedgerError(say("ledger.adjustment_needs_done", key=key))
    if rule.points is not None and done is not None:
        raise LedgerError(say("ledger.adjustment_counts_occurrences", key=key))
    unit = find_unit(session, unit_name)
    if rule.period == "year" and rule.points is None:
        earlier = session.scalar(select(UnitEntry).where(
            UnitEntry.unit_id == unit.id, UnitEntry.kind == "adjustment", UnitEntry.key == key,
            UnitEntry.entered_on >= date(on.year, 1, 1), UnitEntry.entered_on < date(on.year + 1, 1, 1)))
        if earlier is not None:
            raise LedgerError(say("ledger.adjustment_already_recorded", unit=unit.name, year=on.year, key=key,
                                  on=earlier.entered_on))

    entry = UnitEntry(unit=unit, kind="adjustment", key=key, entered_on=on, done=done, note=note)
    session.add(entry)
    session.flush()
    return entry
