"""Replies to senders: the receipt for an accepted message, the reason for a rejected one.

Which template a verdict's reply uses is ``baosong.vocabulary.DISPOSITIONS``; what each reason
code says is ``templates/reasons.j2`` (one wording per code, checked by tests/test_vocabulary.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from baosong.vocabulary import DISPOSITIONS, Reason, Verdict

from .render import environment, render


@dataclass(frozen=True)
class ReplyPiece:
    source: str
    title: str | None
    category: str | None
    word_count: int
    read_by: str = ""   # which way the document was read ("libreoffice", "ole", "pdf", "docx"; "" the body)


@dataclass(frozen=True)
class ReplySkipped:
    """An attachment of an accepted message that was not registered, and the reason code why."""

    source: str
    reason: Reason


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, an ellipsis marking the cut."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"


def reason_label(reason: Reason | None) -> str:
    """A reason code's short Chinese name (templates/reasons.j2)."""
    module = environment().get_template("reasons.j2").module
    return str(module.label(reason or "")).strip()  # type: ignore[attr-defined]  # a macro of the template


def render_reply(
    *,
    verdict: Verdict,
    reason: Reason | None,
    detail: str | None,
    sender: str,
    subject: str,
    unit: str | None,
    pieces: Sequence[ReplyPiece],
    office_name: str,
    department: str,
    phone: str | None,
    received_at: str,
    skipped: Sequence[ReplySkipped] = (),
    subject_max_chars: int = 40,
) -> tuple[str, str]:
    """(subject, plain text) of the reply; Chinese, for the unit's information officer.

    The sender's subject is quoted at most ``subject_max_chars`` long (a forger's text is not
    ours to repeat)."""
    subject = shorten(subject, subject_max_chars)
    template = DISPOSITIONS[Verdict(verdict)].reply_template
    if template is None:
        raise ValueError(f"a {verdict} message gets no reply")
    text = render(
        template, verdict=verdict, reason=reason, detail=detail, sender=sender, subject=subject,
        unit=unit, pieces=pieces, office_name=office_name, department=department, phone=phone,
        received_at=received_at, skipped=skipped,
    )
    title = render("reply_subject.txt.j2", verdict=Verdict(verdict).value, subject=subject).strip()
    return title, text


def render_alert(*, reason: Reason | None, detail: str | None, sender: str, subject: str, unit: str | None,
                 received_at: str, archive_path: str) -> tuple[str, str]:
    """An alert to the office about a message held for a person."""
    text = render("alert.txt.j2", reason=reason, detail=detail, sender=sender, subject=subject, unit=unit,
                  received_at=received_at, archive_path=archive_path)
    return render("alert_subject.txt.j2", label=reason_label(reason), subject=subject).strip(), text


def render_failure_alert(*, attempts: int, folder: str, sender: str | None, subject: str, received_at: str,
                         mailbox: str, uid: int | None, first_at: str, error: str,
                         archive_path: str | None) -> tuple[str, str]:
    """An alert to the office about a message set aside after repeated processing failures."""
    context = dict(attempts=attempts, folder=folder, sender=sender, subject=subject, received_at=received_at,
                   mailbox=mailbox, uid=uid, first_at=first_at, error=error, archive_path=archive_path)
    return render("failure_alert_subject.txt.j2", **context).strip(), render("failure_alert.txt.j2", **context)
