"""The columns of the 台账 sheet: one place for their keys, Chinese headers and widths.

The export writes them in this order; the import finds them by header, so an office may reorder,
hide or add columns in Excel or WPS and still import the sheet.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    wrap: bool = False


LEDGER_COLUMNS: tuple[Column, ...] = (
    Column("id", "编号", 7),
    Column("received_at", "收到时间", 17),
    Column("unit", "单位", 20, wrap=True),
    Column("author", "作者", 10, wrap=True),
    Column("title", "标题", 40, wrap=True),
    Column("category", "分类", 10),
    Column("word_count", "字数", 7),
    Column("status", "状态", 12, wrap=True),
    Column("commission", "约稿", 14, wrap=True),     # filled when commissions (约稿) land: rows.commission_cell
    Column("timeliness", "时效", 8),                  # on time / late against a commission: rows.timeliness_cell
    Column("adoptions", "采用", 24, wrap=True),
    Column("instructions", "批示", 20, wrap=True),
    Column("corrections", "更正记录", 36, wrap=True),  # the audit trail, written by the export only
    Column("note", "更正说明", 16, wrap=True),         # staff write why they changed the row (the import's reason)
)

HEADERS = {c.key: c.header for c in LEDGER_COLUMNS}
LEDGER_SHEET = "台账"
SUMMARY_SHEET = "汇总"

# what staff may change in the sheet and the import reads back
EDITABLE_KEYS = ("unit", "author", "title", "category", "word_count", "status", "adoptions", "instructions")
