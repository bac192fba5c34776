"""The From address is not one of a registered unit's addresses (units.yaml)."""

from __future__ import annotations

from baosong.vocabulary import Reason

from .base import Candidate, GateContext

name = Reason.UNREGISTERED_SENDER
description = "发信邮箱未登记 / the sender is not a registered address of any unit"


def check(c: Candidate, ctx: GateContext) -> str | None:
    return None if c.unit else c.message.sender or "(no From address)"
