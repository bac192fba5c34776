"""The monthly notice (月度通报): rendered from the period's scores, one mail per recipient group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from baosong.ledger.periods import Month
from baosong.ledger.scoring import UnitScore

from .render import render


@dataclass(frozen=True)
class Recipient:
    key: str                    # idempotency key part: "office" or "unit:<name>"
    to: tuple[str, ...]
    greeting: str               # 各位领导、 / the principal's name
    own: UnitScore | None       # the unit's own line, for a principal's copy


@dataclass(frozen=True)
class NoticeMail:
    key: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str


def class_tables(scores: Sequence[UnitScore], labels: dict[str, str]) -> list[dict]:
    tables: list[dict] = []
    for s in scores:
        if not tables or tables[-1]["class"] != s.class_:
            tables.append({"class": s.class_, "label": labels.get(s.class_, f"{s.class_}类"), "rows": []})
        tables[-1]["rows"].append(s)
    return tables


def notice_mails(
    *,
    month: Month,
    scores: Sequence[UnitScore],
    recipients: Sequence[Recipient],
    office_name: str,
    department: str,
    class_labels: dict[str, str],
    regime: str,
    issued_on: date,
) -> list[NoticeMail]:
    tables = class_tables(scores, class_labels)
    totals = {
        "submitted": sum(s.submitted for s in scores),
        "adopted": sum(s.adopted for s in scores),
        "units": len(scores),
    }
    subject = f"{office_name}政务信息采用情况通报（{month.label}）"
    out: list[NoticeMail] = []
    for r in recipients:
        ctx = dict(month=month, tables=tables, totals=totals, office_name=office_name,
                   department=department, greeting=r.greeting, own=r.own,
                   class_labels=class_labels, regime=regime, title=subject,
                   issued=f"{issued_on.year}年{issued_on.month}月{issued_on.day}日")
        out.append(NoticeMail(
            key=f"notice:{month}:{r.key}", to=r.to, subject=subject,
            text=render("notice_monthly.txt.j2", **ctx), html=render("notice_monthly.html.j2", **ctx),
        ))
    return out
