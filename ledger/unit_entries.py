"""Entries the office makes for a unit: the notice endorsed by its leaders, adjustments named in scoring.yaml."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from baosong.config.schema import Scoring

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
        raise LedgerError(f"units.yaml 中没有单位“{name}”（填写全称或简称） / unknown unit")
    return unit


def record_endorsement(session: Session, unit_name: str, by: str, scoring: Scoring, *, on: date,
                       note: str | None = None) -> UnitEntry:
    if scoring.endorsements is None:
        raise LedgerError("scoring.yaml 中没有 endorsements（通报批示加分），本办法不计这一项"
                          " / this regime does not score endorsements")
    who = ENDORSERS.get(by)
    if who is None:
        raise LedgerError(f"批示人应为 主要负责同志（principal）或 分管负责同志（deputy），收到 {by!r} / unknown endorser")
    entry = UnitEntry(unit=find_unit(session, unit_name), kind="endorsement", key=who, entered_on=on, note=note)
    session.add(entry)
    session.flush()
    return entry


def record_adjustment(session: Session, unit_name: str, key: str, scoring: Scoring, *, on: date,
                      done: bool | None = None, note: str | None = None) -> UnitEntry:
    rule = scoring.adjustments.get(key)
    if rule is None:
        known = "、".join(scoring.adjustments) or "（未配置）"
        raise LedgerError(f"scoring.yaml 的 adjustments 中没有“{key}”。可用：{known} / unknown adjustment")
    if rule.points is None and done is None:
        raise LedgerError(f"“{key}”须注明完成与否（--done 或 --not-done） / say whether it was done")
    if rule.points is not None and done is not None:
        raise LedgerError(f"“{key}”按次计分，不用 --done / --not-done / this adjustment counts occurrences")
    unit = find_unit(session, unit_name)
    if rule.period == "year" and rule.points is None:
        earlier = session.scalar(select(UnitEntry).where(
            UnitEntry.unit_id == unit.id, UnitEntry.kind == "adjustment", UnitEntry.key == key,
            UnitEntry.entered_on >= date(on.year, 1, 1), UnitEntry.entered_on < date(on.year + 1, 1, 1)))
        if earlier is not None:
            raise LedgerError(f"{unit.name} {on.year} 年已登记过“{key}”（{earlier.entered_on}） / already recorded this year")
    entry = UnitEntry(unit=unit, kind="adjustment", key=key, entered_on=on, done=done, note=note)
    session.add(entry)
    session.flush()
    return entry
