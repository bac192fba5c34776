"""The period's notice (通报): rendered from the period's scores, one mail per recipient group.

Pure: scores, recipients and the finished files (charts, the formal .docx/.pdf, the 台账 .xlsx) in,
mails out. Every phrase is in ``templates/notice_*.j2`` and settings.yaml's ``notices:``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from baosong.ledger.periods import Month
from baosong.ledger.scoring import UnitScore
from baosong.messages import say

from .compose import Attachment, InlineImage
from .render import render


@dataclass(frozen=True)
class Recipient:
    key: str                    # idempotency key part: "office" or "unit:<name>"
    to: tuple[str, ...]
    greeting: str               # 各位领导、各单位 / the principal's name (settings.yaml notices:)
    own: UnitScore | None       # the unit's own line, for a principal's copy
    cc: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoticeMail:
    key: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    cc: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    inline: tuple[InlineImage, ...] = ()     # images the HTML part shows by Content-ID


@dataclass(frozen=True)
class AdoptedPiece:
    unit: str
    title: str
    outlet: str
    on: date


@dataclass(frozen=True)
class Chart:
    """An image of the notice: shown in the HTML part (cid) with a caption."""

    caption: str
    image: InlineImage


@dataclass(frozen=True)
class NoticeExtras:
    """What the notice carries besides the scores; all optional."""

    place: str = "市"                                  # 全市 / 全县 / 全区
    period_label: str | None = None                    # 2026年第四季度 (default: the month's label)
    period_key: str | None = None                      # 2026Q4 (default: the month)
    period_kind: str = "month"                         # month / quarter / half / year (本月 / 本季度 …)
    number: str | None = None                          # 文号 of the formal notice
    adopted: tuple[AdoptedPiece, ...] = ()
    charts: tuple[Chart, ...] = ()
    attachments: tuple[Attachment, ...] = ()           # to the office's copy and each principal's
    extra: dict = field(default_factory=dict)


def class_tables(scores: Sequence[UnitScore], labels: dict[str, str]) -> list[dict]:
    tables: list[dict] = []
    for s in scores:
        if not tables or tables[-1]["class"] != s.class_:
            tables.append({"class": s.class_, "label": labels.get(s.class_, say("notify.class_label", name=s.class_)), "rows": []})
        tables[-1]["rows"].append(s)
    for t in tables:
        keys: dict[str, str] = {}
        for s in t["rows"]:
            for c in s.components:
                keys.setdefault(c.key, c.label)
        t["components"] = list(keys.items())
        t["categories"] = list(dict.fromkeys(q.category for s in t["rows"] for q in s.quotas
                                             if q.category is not None and q.judged))
    return tables


def group_tables(scores: Sequence[UnitScore]) -> list[dict]:
    """The ranking groups (镇街): every unit with a group rank, by group and rank."""
    groups: dict[str, list[UnitScore]] = {}
    for s in scores:
        if s.group and s.group_rank is not None:
            groups.setdefault(s.group, []).append(s)
    return [{"group": g, "rows": sorted(rows, key=lambda s: (s.group_rank or 0))} for g, rows in groups.items()]


def quota_cell(s: UnitScore, category: str | None) -> str:
    """done/required of a unit's judged quota (None: the total), '' when it has none."""
    for q in s.quotas:
        if q.category == category and q.judged:
            return f"{q.done}/{q.required}"
    return ""


def below_quota(scores: Sequence[UnitScore]) -> list[UnitScore]:
    return [s for s in scores if any(q.judged and not q.met for q in s.quotas)]


def notice_context(*, month: Month, scores: Sequence[UnitScore], office_name: str, department: str,
                   class_labels: dict[str, str], regime: str, issued_on: date, extras: NoticeExtras) -> dict:
    """What the notice's templates (mail and formal .docx) see."""
    label = extras.period_label or month.label
    return dict(
        month=month, period_label=label, period_kind=extras.period_kind, tables=class_tables(scores, class_labels), groups=group_tables(scores),
        totals={"submitted": sum(s.submitted for s in scores), "adopted": sum(s.adopted for s in scores),
                "units": len(scores)},
        below=below_quota(scores), zero=[s for s in scores if s.submitted == 0], adopted=extras.adopted,
        charts=extras.charts, number=extras.number, place=extras.place, office_name=office_name,
        department=department, class_labels=class_labels, regime=regime, quota_cell=quota_cell,
        issued=say("notify.issued_date", year=issued_on.year, month=issued_on.month, day=issued_on.day),
        **extras.extra,
    )


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
    extras: NoticeExtras | None = None,
) -> list[NoticeMail]:
    extras = extras or NoticeExtras()
    base = notice_context(month=month, scores=scores, office_name=office_name, department=department,
                          class_labels=class_labels, regime=regime, issued_on=issued_on, extras=extras)
    subject = render("notice_subject.txt.j2", **base).strip()
    inline = tuple(c.image for c in extras.charts)
    out: list[NoticeMail] = []
    for r in recipients:
        ctx = dict(base, greeting=r.greeting, own=r.own, title=subject)
        out.append(NoticeMail(
            key=f"notice:{extras.period_key or month}:{r.key}", to=r.to, cc=r.cc, subject=subject,
            text=render("notice_monthly.txt.j2", **ctx), html=render("notice_monthly.html.j2", **ctx),
            attachments=extras.attachments, inline=inline,
        ))
    return out
