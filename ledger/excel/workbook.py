"""Write the 台账 workbook (openpyxl): the ledger sheet and the summary sheet, print-ready for A4."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from baosong.messages import say

from .columns import LEDGER_COLUMNS, LEDGER_SHEET, SUMMARY_SHEET
from .rows import LedgerRow
from .summary import SummaryRow

FONT = "宋体"
_thin = Side(style="thin", color="999999")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")


def _print_ready(ws: Worksheet, title: str, widths: Sequence[float]) -> None:
    """Frozen header, autofilter, A4 landscape fitted to the page width, header row on every page."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for cell in ws[1]:
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(widths), 1))}{max(ws.max_row, 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    header, footer = ws.oddHeader, ws.oddFooter
    if header is not None and footer is not None:  # openpyxl always makes both; the stubs allow None
        header.center.text = title
        footer.center.text = say("excel.page_footer")


def _body(ws: Worksheet, wrap: Sequence[bool]) -> None:
    for row in ws.iter_rows(min_row=2):
        for cell, w in zip(row, wrap, strict=False):
            cell.font = Font(name=FONT)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=w)


def write_workbook(path: Path, title: str, rows: Sequence[LedgerRow], summary: Sequence[SummaryRow]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has one sheet
    ws.title = LEDGER_SHEET
    ws.append([c.header for c in LEDGER_COLUMNS])
    for r in rows:
        ws.append([getattr(r, c.key) for c in LEDGER_COLUMNS])
    received = [c.key for c in LEDGER_COLUMNS].index("received_at") + 1
    _body(ws, [c.wrap for c in LEDGER_COLUMNS])
    for (cell,) in ws.iter_rows(min_row=2, min_col=received, max_col=received):
        cell.number_format = "yyyy-mm-dd hh:mm"
    _print_ready(ws, say("excel.ledger_page_title", title=title), [c.width for c in LEDGER_COLUMNS])

    ws2 = wb.create_sheet(SUMMARY_SHEET)
    quota_labels = list(dict.fromkeys(label for s in summary for label, _ in s.quota))
    component_labels = list(dict.fromkeys(label for s in summary for label, _ in s.components))
    ws2.append(["类别", "单位", "简称", *quota_labels, *component_labels, "排名"])
    for s in summary:
        quota, comps = dict(s.quota), dict(s.components)
        ws2.append([s.class_label, s.unit, s.short, *(quota.get(k, "") for k in quota_labels),
                    *(comps.get(k, "") for k in component_labels), s.rank])
    widths = [8, 22, 12, *(14 for _ in quota_labels), *(9 for _ in component_labels), 7]
    _body(ws2, [False, True] + [False] * (len(widths) - 2))
    _print_ready(ws2, say("excel.summary_page_title", title=title), widths)

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
