"""`baosong ledger import`: what staff filled into an exported 台账, or an office's old sheet, into the ledger.

Every row is applied inside its own savepoint and described as it is applied, so the dry run (everything
rolled back at the end) prints exactly what ``--apply`` (committed) changes. A row the ledger refuses (an
unknown outlet, a unit not registered) is reported and skipped, never guessed. Importing the same sheet
again changes nothing: cells equal to the ledger are no change, adoptions and instructions already
recorded are skipped, and an old sheet's rows are recognised by a fingerprint of (date, unit, title).

From an exported 台账 the import reads: 单位, 作者, 标题, 分类, 字数 (edits), 状态 (计数 restores, 作废 voids),
采用 and 批示 (added when new; one missing from the cell is reported, not withdrawn: use `adopt --undo`),
更正说明 (the reason recorded with the row's changes). 编号 finds the piece; the other columns are ignored.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import false, update
from sqlalchemy.orm import Session

from baosong.config.schema import LegacyLedger, Scoring
from baosong.messages import say
from baosong.vocabulary import Change, PieceStatus, Verdict, label, labels

from ..audit import Who, record_change
from ..corrections import add_instruction, adopt, edit_piece, get_piece, restore_piece, void_piece
from ..errors import LedgerError
from ..labels import field_label
from ..messages import MessageRecord, PieceRecord, find_message_by_sha, record_message
from ..models import Unit
from ..units import resolve_unit
from .reader import SheetRow, read_exported, read_legacy

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_SPLIT = re.compile(r"[；;、,，\n]+")
IMPORT_MAILBOX = "import"


@dataclass
class ImportReport:
    kind: str                                   # "exported" or "legacy"
    changes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unchanged: int = 0
    already: int = 0                            # old-sheet rows imported before


def parse_day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE.search(str(value or ""))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_credits(value: Any) -> list[tuple[str, date | None]]:
    """`枣庄普刊 2026-10-20；上报` -> [("枣庄普刊", date(2026, 10, 20)), ("上报", None)]."""
    out = []
    for token in _SPLIT.split(str(value or "")):
        day = parse_day(token)
        name = _DATE.sub("", token).strip(" （）()")
        if name:
            out.append((name, day))
    return out


_WORDS = re.compile(r"(?:字数)?[:：]?\s*(\d{1,3}(?:[,，]\d{3})+|\d+)\s*(?:个?字)?")


def parse_words(value: Any) -> int | None:
    """A 字数 cell as offices write it: 1200, "1,200", "1200字", "字数：1200", full-width "１２００";
    None when it is none of these (an empty cell is 0)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = unicodedata.normalize("NFKC", _text(value)).replace(" ", "")
    if not text:
        return 0
    m = _WORDS.fullmatch(text)
    return int(re.sub(r"[,，]", "", m.group(1))) if m else None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


class _Row:
    """One sheet row being applied: its changes are described as they are made."""

    def __init__(self, report: ImportReport, number: int, piece_id: int | None):
        self.report, self.number, self.piece_id = report, number, piece_id

    def where(self) -> str:
        if self.piece_id:
            return say("excel.row_where_piece", row=self.number, piece=self.piece_id)
        return say("excel.row_where", row=self.number)

    def change(self, text: str) -> None:
        self.report.changes.append(say("excel.report_line", where=self.where(), text=text))

    def skip(self, text: str) -> None:
        self.report.skipped.append(say("excel.report_line", where=self.where(), text=text))


def _savepoint(session: Session, row: _Row, work: Callable[[], None]) -> None:
    before = len(row.report.changes)
    nested = session.begin_nested()
    try:
        work()
    except LedgerError as exc:
        nested.rollback()
        del row.report.changes[before:]
        row.skip(say("excel.not_imported", error=exc))
        return
    nested.commit()


def _credits(session: Session, row: _Row, piece_id: int, cell_outlets: Any, cell_levels: Any, scoring: Scoring,
             who: Who, default_day: date) -> None:
    piece = get_piece(session, piece_id)
    have_outlets = {a.outlet for a in piece.adoptions}
    have_levels = {i.level for i in piece.instructions}
    listed_outlets, listed_levels = parse_credits(cell_outlets), parse_credits(cell_levels)
    for outlet, day in listed_outlets:
        if outlet not in have_outlets:
            adopt(session, piece_id, outlet, scoring, who, on=day or default_day)
            have_outlets.add(outlet)
            row.change(say("excel.adoption_added", outlet=outlet, day=day or default_day))
    for level, day in listed_levels:
        if level not in have_levels:
            add_instruction(session, piece_id, level, scoring, who, on=day or default_day)
            have_levels.add(level)
            row.change(say("excel.instruction_added", level=level, day=day or default_day))
    gone = sorted(have_outlets - {o for o, _ in listed_outlets}) + sorted(have_levels - {v for v, _ in listed_levels})
    if gone and (cell_outlets is not None or cell_levels is not None):
        row.skip(say("excel.credits_not_withdrawn", names="、".join(gone)))


def _exported_row(session: Session, sheet_row: SheetRow, report: ImportReport, scoring: Scoring, who: Who,
                  default_day: date | None, tz: ZoneInfo) -> None:
    cells = sheet_row.cells
    raw_id = _text(cells.get("id"))
    if not raw_id.isdigit():
        _Row(report, sheet_row.number, None).skip(say("excel.id_not_a_number", raw=raw_id))
        return
    row = _Row(report, sheet_row.number, int(raw_id))
    before = len(report.changes) + len(report.skipped)
    reason = _text(cells.get("note")) or say("excel.import_reason")

    def work() -> None:
        piece = get_piece(session, int(raw_id))
        values: dict[str, object] = {}
        unit_text = _text(cells.get("unit"))
        if unit_text:
            unit = resolve_unit(session, unit_text)
            if unit is None:
                raise LedgerError(say("excel.unknown_unit", unit=unit_text))
            if unit.id != piece.unit_id:
                values["unit"] = unit.name
        for key in ("author", "title", "category"):
            if key in cells and _text(cells[key]) != (getattr(piece, key) or ""):
                values[key] = _text(cells[key])
        words = _text(cells.get("word_count"))
        if words:
            count = parse_words(cells.get("word_count"))
            if count is None:
                raise LedgerError(say("excel.word_count_not_integer", words=words))
            if count != piece.word_count:
                values["word_count"] = count
        if values:
            empty = say("excel.empty_value")
            for c in edit_piece(session, piece.id, values, scoring, who, reason):
                row.change(say("excel.field_changed", field=field_label(c.field), old=c.old or empty,
                               new=c.new or empty))
        status = _text(cells.get("status"))
        counted, void = label(PieceStatus.COUNTED), label(PieceStatus.VOID)
        if status == counted and piece.status != PieceStatus.COUNTED.value:
            was = labels(PieceStatus).get(piece.status, piece.status)
            restore_piece(session, piece.id, who, reason)
            row.change(say("excel.status_changed", old=was, new=counted))
        elif status == void and piece.status != PieceStatus.VOID.value:
            void_piece(session, piece.id, who, reason)
            row.change(say("excel.status_changed", old=counted, new=void))
        # a credit written without a date is dated by its piece (the day it was received), not by the day of the
        # import: the sheet is of a period, and a bare 批示 must count in that period, the same on every re-run
        day = default_day or piece.received_at.astimezone(tz).date()
        _credits(session, row, piece.id, cells.get("adoptions"), cells.get("instructions"), scoring, who, day)

    _savepoint(session, row, work)
    if len(report.changes) + len(report.skipped) == before:
        report.unchanged += 1


def _received(value: Any, tz: ZoneInfo) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    day = parse_day(value)
    return datetime.combine(day, time(0, 0), tzinfo=tz) if day else None


def _legacy_row(session: Session, sheet_row: SheetRow, report: ImportReport, scoring: Scoring, who: Who,
                tz: ZoneInfo, file_name: str, given_day: date | None = None) -> None:
    cells = sheet_row.cells
    row = _Row(report, sheet_row.number, None)
    when = _received(cells.get("received_at"), tz)
    unit_text, title = _text(cells.get("unit")), _text(cells.get("title"))
    if when is None:
        row.skip(say("excel.received_unreadable", value=_text(cells.get("received_at"))))
        return
    if not title:
        row.skip(say("excel.no_title"))
        return
    unit = resolve_unit(session, unit_text) if unit_text else None
    if unit is None:
        row.skip(say("excel.unit_not_registered", unit=unit_text))
        return
    fingerprint = hashlib.sha256(f"legacy\n{when.date().isoformat()}\n{unit.name}\n{title}".encode()).hexdigest()
    if find_message_by_sha(session, fingerprint) is not None:
        report.already += 1
        return
    # Each cell the ledger cannot take as written is imported as "not known" and said so: a category outside
    # scoring.yaml as 未分类, an unreadable 字数 as 0. An adoption or instruction the ledger refuses (an outlet
    # not in scoring.yaml) refuses the whole row instead, said once, so a re-run after the fix imports it whole.
    category = _text(cells.get("category")) or None
    unknown_category = category is not None and category not in scoring.categories
    if unknown_category:
        category = None
    words = parse_words(cells.get("word_count"))
    author = _text(cells.get("author")) or None

    def work() -> None:
        where = say("excel.legacy_row", file=file_name, row=sheet_row.number)
        message = record_message(session, MessageRecord(
            mailbox=IMPORT_MAILBOX, uidvalidity=None, uid=None, sha256=fingerprint, message_id=None, sender="",
            subject=title, received_at=when, size=0, archive_path="", verdict=Verdict.ACCEPTED.value, reason=None,
            detail=where, unit_name=unit.name,
            pieces=(PieceRecord(say("excel.legacy_source"), fingerprint, title, unit_text, author, category,
                                words or 0),)))
        piece = message.pieces[0]  # its id is not shown: PostgreSQL does not give back a rolled-back id
        record_change(session, who, Change.IMPORT, piece_id=piece.id, new=where)
        row.change(say("excel.piece_added", title=title, unit=unit.name, day=when.date(),
                       category=category or say("excel.uncategorised")))
        default_day = parse_day(cells.get("adopted_on")) or given_day or when.astimezone(tz).date()
        _credits(session, row, piece.id, cells.get("adoptions"), cells.get("instructions"), scoring, who, default_day)
        # said only once the row is in (a refused row says why it was refused, and nothing it did not do)
        if unknown_category:
            row.skip(say("excel.category_unknown", category=_text(cells.get("category"))))
        if words is None:
            row.skip(say("excel.word_count_unreadable", words=_text(cells.get("word_count"))))

    _savepoint(session, row, work)


def _begin_for_savepoints(session: Session) -> None:
    """Make the driver open its transaction before the first SAVEPOINT.

    Python's sqlite3 module begins a transaction only before a data-changing statement; a SAVEPOINT
    issued before that starts a transaction of its own, and releasing it commits: the dry run would
    write. A statement that changes no row makes the module BEGIN first (PostgreSQL needs nothing).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Unit).where(false()).values(active=Unit.active))


def import_workbook(session: Session, path: Path, scoring: Scoring, who: Who, tz: ZoneInfo, *,
                    legacy: LegacyLedger | None, default_day: date | None = None) -> ImportReport:
    """Apply the workbook to the session (the caller commits for --apply, rolls back for a dry run).
    ``default_day``: the date of a credit the sheet gives without one; None: its piece's received date."""
    _begin_for_savepoints(session)
    rows = read_exported(path)
    if rows is not None:
        report = ImportReport("exported")
        for r in rows:
            _exported_row(session, r, report, scoring, who, default_day, tz)
        return report
    if legacy is None:
        raise LedgerError(say("excel.not_exported_ledger", file=path.name))

    report = ImportReport("legacy")
    for r in read_legacy(path, legacy):
        _legacy_row(session, r, report, scoring, who, tz, path.name, default_day)
    return report
