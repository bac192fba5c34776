"""Who receives each outgoing mail: pure decisions over plain values, tested without servers.

- a reply goes to the sender, unless the verdict's disposition sends none (ignored mail), the
  sender is unknown, or no SMTP server is configured;
- an alert goes to the office (``office.to``) when the verdict's disposition says so (quarantine),
  or when a message is set aside after failing again and again;
- the monthly notice goes to the office, and to each active unit's principal with their own line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from baosong.ledger.scoring import UnitScore
from baosong.vocabulary import DISPOSITIONS, Verdict

from .monthly import Recipient


@dataclass(frozen=True)
class Principal:
    """A unit's principal (负责人), as far as the notice needs them."""

    unit: str
    name: str | None
    email: str | None


def reply_to(verdict: Verdict | str, sender: str | None, *, smtp_configured: bool) -> tuple[str, ...]:
    """The reply's recipients: the sender, or nobody."""
    if not smtp_configured or not sender or DISPOSITIONS[Verdict(verdict)].reply_template is None:
        return ()
    return (sender,)


# Precedence values that ask robots not to answer (RFC 3834 §2; group-send systems stamp them)
_NO_REPLY_PRECEDENCE = ("bulk", "list", "junk", "auto_reply")


def reply_withheld(verdict: Verdict | str, *, registered: bool, authenticated: bool, require_authentication: bool,
                   precedence: str | None, rejections_today: int, max_rejections_per_day: int) -> str | None:
    """Why the sender gets no reply although the verdict's disposition has one (None: reply).

    - ``Precedence: bulk/list/junk``: a group-send system; the piece is still recorded;
    - an unregistered sender whose domain the receiving server did not authenticate (SPF/DKIM
      pass): the From address may be forged, and its owner must not be mailed (backscatter);
    - more than ``max_rejections_per_day`` rejection replies to this address today.
    """
    if (precedence or "").strip().lower() in _NO_REPLY_PRECEDENCE:
        return f"Precedence: {precedence}"
    if not registered and require_authentication and not authenticated:
        return "unregistered sender not authenticated (no SPF/DKIM pass)"
    if Verdict(verdict) is not Verdict.ACCEPTED and rejections_today >= max_rejections_per_day:
        return f"rate limit: {rejections_today} rejection replies to this address today"
    return None


def alert_to(verdict: Verdict | str, office_to: Sequence[str], *, smtp_configured: bool) -> tuple[str, ...]:
    """The alert's recipients: the office when the verdict calls for a person, else nobody."""
    if not smtp_configured or not DISPOSITIONS[Verdict(verdict)].alert:
        return ()
    return tuple(office_to)


def failure_alert_to(office_to: Sequence[str], *, smtp_configured: bool) -> tuple[str, ...]:
    """A message set aside after repeated processing failures: the office is told (once)."""
    return tuple(office_to) if smtp_configured else ()


def notice_recipients(office_to: Sequence[str], principals: Sequence[Principal],
                      scores: Mapping[str, UnitScore], *, office_greeting: str,
                      principal_greeting: str) -> list[Recipient]:
    """The office (whole notice) first, then every principal with an address (with their unit's line).
    The greetings are settings.yaml's ``notices.office_greeting`` / ``notices.principal_greeting``."""
    recipients: list[Recipient] = []
    if office_to:
        recipients.append(Recipient("office", tuple(office_to), office_greeting, None))
    for p in principals:
        if p.email:
            greeting = principal_greeting.format(name=p.name or "", unit=p.unit)
            recipients.append(Recipient(f"unit:{p.unit}", (p.email,), greeting, scores.get(p.unit)))
    return recipients


def letter_recipients(principal: Principal, office_to: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(To, Cc) of an interview letter: the unit's principal, the office in copy. No principal address: the
    office receives it (To) to forward it by hand."""
    office = tuple(a for a in office_to if not principal.email or a.lower() != principal.email.lower())
    if principal.email:
        return (principal.email,), office
    return tuple(office_to), ()


def commission_recipients(addresses: Sequence[str], principal_email: str | None, *,
                          cc_principal: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(To, Cc) of a unit's 约稿通知单: its registered addresses (whoever writes for the unit, and the
    addresses a reply is accepted from), and its principal in copy when the office asks for it."""
    to = tuple(sorted({a.lower() for a in addresses}))
    cc = (principal_email,) if cc_principal and principal_email and principal_email.lower() not in to else ()
    return to, cc
