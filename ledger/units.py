"""Units and their registered addresses, kept in step with units.yaml. Callers commit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from baosong.config.schema import UnitConfig
from baosong.messages import say
from baosong.vocabulary import Change

from .audit import Who, current_user, record_change
from .meta import get_value, set_value
from .models import Correction, Message, Piece, Unit, UnitAddress, UnitFormerName

UNITS_DIGEST = "units_sha256"


def _rename(session: Session, existing: dict[str, Unit], units: Sequence[UnitConfig], who: Who) -> None:
    """A unit whose units.yaml entry lists a ledger unit's name under ``former_names`` takes that unit's history.

    Only the former name in the ledger: the row is renamed (same id, so its pieces, messages and
    credits stay). Both names in the ledger (renamed earlier without ``former_names``, so a new row was
    made): the former row's pieces, messages and corrections move to the current one; it stays, inactive.
    """
    for cfg in units:
        for former in cfg.former_names:
            old = existing.get(former)
            if old is None:
                continue
            current = existing.get(cfg.name)
            if current is None:
                old.name = cfg.name
                existing[cfg.name] = existing.pop(former)
                session.flush()
                record_change(session, who, Change.RENAME_UNIT, unit_id=old.id, field="name", old=former,
                              new=cfg.name, reason="units.yaml former_names")
            elif old.id != current.id:
                moved = session.execute(update(Piece).where(Piece.unit_id == old.id).values(unit_id=current.id))
                session.execute(update(Message).where(Message.unit_id == old.id).values(unit_id=current.id))
                session.execute(update(Correction).where(Correction.unit_id == old.id).values(unit_id=current.id))
                old.active = False
                record_change(session, who, Change.RENAME_UNIT, unit_id=current.id, field="name", old=former,
                              new=cfg.name,
                              reason=say("ledger.former_names_moved", count=moved.rowcount))  # type: ignore[attr-defined]



def _sync_former_names(session: Session, existing: dict[str, Unit], units: Sequence[UnitConfig]) -> None:
    wanted = {former: cfg.name for cfg in units for former in cfg.former_names}
    rows = {r.name: r for r in session.scalars(select(UnitFormerName))}
    for name, row in rows.items():
        if name not in wanted:
            session.delete(row)
    session.flush()
    for name, owner in wanted.items():
        unit = existing[owner]
        found = rows.get(name)
        if found is None:
            session.add(UnitFormerName(unit=unit, name=name))
        elif found.unit_id != unit.id:
            found.unit = unit


def sync_units(session: Session, units: Sequence[UnitConfig], who: Who | None = None) -> None:
    """Make the units table match units.yaml. Units dropped from the file are deactivated, never deleted.

    An address may move from one unit to another (a re-registration): all stale
    addresses are removed and flushed before any new one is added. A renamed unit keeps its
    history when its old name is listed under ``former_names`` (see :func:`_rename`).
    """
    existing = {u.name: u for u in session.scalars(select(Unit).options(selectinload(Unit.addresses)))}
    if any(cfg.former_names for cfg in units):
        _rename(session, existing, units, who or Who(current_user(), "units.yaml"))
    wanted = {cfg.name: {a.lower() for a in cfg.addresses} for cfg in units}
    for name, unit in existing.items():
        keep = wanted.get(name, set())
        for addr in list(unit.addresses):
            if addr.address not in keep:
                unit.addresses.remove(addr)
        if name not in wanted:
            unit.active = False
    session.flush()
    for cfg in units:
        found = existing.get(cfg.name)
        if found is None:
            unit = Unit(name=cfg.name, class_=cfg.class_)
            session.add(unit)
        else:
            unit = found
        unit.short = cfg.short
        unit.class_ = cfg.class_
        unit.active = cfg.active
        unit.principal_name = cfg.principal.name if cfg.principal else None
        unit.principal_email = cfg.principal.email if cfg.principal else None
        current = {a.address for a in unit.addresses}
        for address in sorted(wanted[cfg.name] - current):
            unit.addresses.append(UnitAddress(address=address))
        existing[cfg.name] = unit
    session.flush()
    _sync_former_names(session, existing, units)
    session.flush()


def units_digest(units: Sequence[UnitConfig]) -> str:
    """SHA-256 of the units as synced (their validated content, not the file's bytes: comments and
    layout do not count)."""
    data = [cfg.model_dump(mode="json") for cfg in units]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def sync_units_if_changed(session: Session, units: Sequence[UnitConfig]) -> bool:
    """sync_units, unless the ledger already holds exactly these units (the digest stored at the last
    sync matches): start-up then costs one lookup. True when it synced."""
    digest = units_digest(units)
    if get_value(session, UNITS_DIGEST) == digest:
        return False
    sync_units(session, units)
    set_value(session, UNITS_DIGEST, digest)
    return True


def active_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.active).order_by(Unit.id)))


def resolve_unit(session: Session, text: str) -> Unit | None:
    """The unit a person means by ``text``: its full name, its short name, or a former name. Never a guess."""
    text = text.strip()
    unit = session.scalar(select(Unit).where(Unit.name == text))
    if unit is not None:
        return unit
    former = session.scalar(select(UnitFormerName).where(UnitFormerName.name == text))
    if former is not None:
        return former.unit
    shorts = list(session.scalars(select(Unit).where(or_(Unit.short == text)).order_by(Unit.active.desc(), Unit.id)))
    active = [u for u in shorts if u.active]
    if len(active) == 1:
        return active[0]
    return shorts[0] if len(shorts) == 1 else None
