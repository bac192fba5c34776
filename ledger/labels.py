"""What a person reads for each field a correction changes (history, the 台账's 更正记录)."""

from __future__ import annotations

FIELD_LABELS = {"unit": "单位", "category": "分类", "title": "标题", "author": "作者", "word_count": "字数",
                "status": "状态", "outlet": "采用", "instruction": "批示", "name": "名称"}


def field_label(field: str | None) -> str:
    return FIELD_LABELS.get(field or "", field or "")
