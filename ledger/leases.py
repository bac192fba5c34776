"""A database lease: of several daemons on one ledger, only the holder sends.

One row per lease name: the holder and when its hold expires. The holder renews it on every job;
another process takes it over only after it has expired (a daemon killed without a goodbye
frees it after ``seconds``). Taking and renewing are one conditional UPDATE (or an INSERT that
only one process can win), so two processes never both believe they hold it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CursorResult, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .models import Lease

SENDING = "sending"


def acquire(sessions: sessionmaker[Session], holder: str, now: datetime, seconds: float,
            name: str = SENDING) -> bool:
    """Take or renew the lease ``name`` for ``holder`` until ``now + seconds``; False if another holds it."""
    until = now + timedelta(seconds=seconds)
    with sessions() as session:
        result: CursorResult = session.execute(  # type: ignore[assignment]
            update(Lease).where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
            .values(holder=holder, expires_at=until))
        taken = result.rowcount
        if taken:
            session.commit()
            return True
        if session.get(Lease, name) is not None:
            return False
        session.add(Lease(name=name, holder=holder, expires_at=until))
        try:
            session.commit()
        except IntegrityError:  # another process inserted it first
            session.rollback()
            return False
        return True


def take_over(sessions: sessionmaker[Session], holder: str, old_holder: str, now: datetime, seconds: float,
              name: str = SENDING) -> bool:
    """Take the lease from ``old_holder`` (known to be dead) whatever its expiry; False if it changed hands."""
    with sessions() as session:
        result: CursorResult = session.execute(  # type: ignore[assignment]
            update(Lease).where(Lease.name == name, Lease.holder == old_holder)
            .values(holder=holder, expires_at=now + timedelta(seconds=seconds)))
        taken = result.rowcount
        session.commit()
        return bool(taken)


def release(sessions: sessionmaker[Session], holder: str, name: str = SENDING) -> None:
    with sessions() as session:
        lease = session.get(Lease, name)
        if lease is not None and lease.holder == holder:
            session.delete(lease)
            session.commit()


def holder_of(session: Session, name: str = SENDING) -> Lease | None:
    return session.get(Lease, name)
