"""The 约稿通知单 (commission notice): one per addressed unit, plus the office's copy. Wording in templates/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .render import render


@dataclass(frozen=True)
class CommissionNotice:
    """The fields of seed 002's template: department (the unit), topic, deadline day and hour, contact,
    mailbox; plus the number, the kind and the office's name, department and phone."""

    number: str
    topic: str
    kind: str
    unit: str
    deadline: datetime       # in the office's time zone
    contact: str | None
    office_name: str
    department: str
    phone: str | None
    mailbox: str | None
    tag: str
    issued: date


def render_commission_notice(notice: CommissionNotice) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one notice."""
    context = vars(notice)
    subject = render("commission_notice_subject.txt.j2", **context).strip()
    return subject, render("commission_notice.txt.j2", **context), render("commission_notice.html.j2", **context)


@dataclass(frozen=True)
class FlaggedPiece:
    id: int
    title: str | None
    source: str
    candidates: tuple[str, ...]  # the numbers of the commissions it could belong to


def render_flag_alert(*, unit: str, subject: str, received_at: str, pieces: list[FlaggedPiece]) -> tuple[str, str]:
    """(subject, text) of the office's alert about pieces that could belong to several commissions (or none)."""
    context = dict(unit=unit, subject=subject, received_at=received_at, pieces=pieces)
    return (render("commission_flag_alert_subject.txt.j2", **context).strip(),
            render("commission_flag_alert.txt.j2", **context))
