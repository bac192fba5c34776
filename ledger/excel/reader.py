"""Read a workbook back: the 台账 this program exported (columns found by header) or an office's own sheet
through the column mapping in settings.yaml (``legacy_ledger``)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from baosong.config.schema import LegacyLedger
from baosong.messages import say

from ..errors import LedgerError
from .columns import HEADERS, LEDGER_SHEET


@dataclass(frozen=True)
class SheetRow:
    number: int              # the row's number in the sheet, as Excel shows it
    cells: dict[str, Any]    # by column key (LEDGER_COLUMNS keys, or LegacyColumns field names)


def _open(path: Path):
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise LedgerError(say("excel.file_not_found", path=path)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        # openpyxl's own English sentence says nothing the Chinese one does not; an OS error's reason does
        reason = f": {exc.strerror}" if isinstance(exc, OSError) and exc.strerror else ""
        raise LedgerError(say("excel.not_xlsx", path=path, reason=reason)) from None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _rows(ws, header_row: int, wanted: dict[str, str]) -> tuple[list[SheetRow], list[str]]:
    """Rows below ``header_row`` as {key: value} for the headers in ``wanted`` (key -> header); missing headers."""
    rows = ws.iter_rows(min_row=header_row, values_only=True)
    header = next(rows, None) or ()
    index = {_text(h): i for i, h in enumerate(header) if _text(h)}
    missing = [h for h in wanted.values() if h not in index]
    found = {k: index[h] for k, h in wanted.items() if h in index}
    out = []
    for offset, values in enumerate(rows, start=1):
        if values is None or all(_text(v) == "" for v in values):
            continue
        cells = {k: (values[i] if i < len(values) else None) for k, i in found.items()}
        out.append(SheetRow(header_row + offset, cells))
    return out, missing


def read_exported(path: Path) -> list[SheetRow] | None:
    """The rows of a 台账 this program exported, or None when the workbook is not one."""
    wb = _open(path)
    try:
        if LEDGER_SHEET not in wb.sheetnames:
            return None
        rows, missing = _rows(wb[LEDGER_SHEET], 1, HEADERS)
        if HEADERS["id"] in missing:
            return None
        return rows
    finally:
        wb.close()


def read_legacy(path: Path, mapping: LegacyLedger) -> list[SheetRow]:
    wb = _open(path)
    try:
        if mapping.sheet is not None and mapping.sheet not in wb.sheetnames:
            raise LedgerError(say("excel.no_such_sheet", file=path.name, sheet=mapping.sheet,
                                  sheets="、".join(wb.sheetnames)))
        ws = wb[mapping.sheet] if mapping.sheet is not None else wb.worksheets[0]
        wanted = {k: v for k, v in mapping.columns.model_dump().items() if v}
        rows, missing = _rows(ws, mapping.header_row, wanted)
        if missing:
            raise LedgerError(say("excel.columns_not_found", file=path.name, sheet=ws.title, row=mapping.header_row,
                                  columns="、".join(missing)))

        return rows
    finally:
        wb.close()
