"""文号: one number per formal document, counted per year within each format. Callers commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import DocNumber


def doc_number(session: Session, *, key: str, series: str, year: int) -> str:
    """The number of the document ``key``: the one it was given before, else the next of ``series`` in ``year``."""
    known = session.scalar(select(DocNumber).where(DocNumber.key == key))
    if known is not None:
        return known.number
    seq = (session.scalar(select(func.max(DocNumber.seq)).where(DocNumber.series == series,
                                                                 DocNumber.year == year)) or 0) + 1
    number = series.format(year=year, seq=seq)
    session.add(DocNumber(key=key, series=series, year=year, seq=seq, number=number))
    session.flush()
    return number
