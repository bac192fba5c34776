"""Words a person reads for stored values, from ``templates/labels.j2`` (an office may reword them)."""

from __future__ import annotations

from functools import lru_cache

from .render import environment


@lru_cache(maxsize=1)
def verdict_labels() -> dict[str, str]:
    """受理 / 退回 / 忽略 / 隔离 by verdict value."""
    module = environment().get_template("labels.j2").module
    return dict(module.verdicts)  # type: ignore[attr-defined]  # a variable the template sets
