"""What a person reads for each field a correction changes (history, the 台账's 更正记录).

The words are in ``templates/labels.yaml`` (section ``correction_field``), rewordable by an office.
"""

from __future__ import annotations

from baosong.vocabulary import labels

CORRECTION_FIELD = "correction_field"  # the section of labels.yaml


def field_label(field: str | None) -> str:
    return labels(CORRECTION_FIELD).get(field or "", field or "")
