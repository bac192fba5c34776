"""Units and their registered addresses, kept in step with units.yaml. Callers commit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from baosong.config.schema import UnitConfig

from .meta import get_value, set_value
from .models import Unit, UnitAddress

UNITS_DIGEST = "units_sha256"


def sync_units(session: Session, units: Sequence[UnitConfig]) -> None:
    """Make the units table match units.yaml. Units dropped from the file are deactivated, never deleted.

    An address may move from one unit to another (a re-registration): all stale
    addresses are removed and flushed before any new one is added.
    """
    existing = {u.name: u for u in session.scalars(select(Unit).options(selectinload(Unit.addresses)))}
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
        unit.active = True
        unit.principal_name = cfg.principal.name if cfg.principal else None
        unit.principal_email = cfg.principal.email if cfg.principal else None
        current = {a.address for a in unit.addresses}
        for address in sorted(wanted[cfg.name] - current):
            unit.addresses.append(UnitAddress(address=address))
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
