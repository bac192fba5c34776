"""The From address is not one of a registered unit's addresses (units.yaml)."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.UNREGISTERED_SENDER
description: str  # its text: rule_unregistered_sender in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_unregistered_sender")


def check(c: Candidate, ctx: GateContext) -> str | None:
    return None if c.unit else c.message.sender or "(no From address)"
