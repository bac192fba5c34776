"""Words a person reads for stored values, from ``templates/labels.yaml`` (an office may reword them)."""

from __future__ import annotations

from baosong.vocabulary import Verdict, labels


def verdict_labels() -> dict[str, str]:
    """受理 / 退回 / 忽略 / 隔离 by verdict value."""
    return dict(labels(Verdict))
