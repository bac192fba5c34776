"""Commands that correct the ledger after the fact (`ledger edit/void/restore/supersede/merge/split/history`,
`adopt --undo`) and carry it to and from Excel (`ledger export/import`).

Registered on the CLI's typer apps by :func:`register`; each command imports what it needs when it runs
(start-up time), and the CLI's helpers from :mod:`baosong.cli`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from baosong.messages import say

ByOption = Annotated[Optional[str], typer.Option(
    "--by", help=say("help.correction_by"), show_default=False)]
ReasonOption = Annotated[Optional[str], typer.Option("--reason", help=say("help.correction_reason"), show_default=False)]
PieceId = Annotated[int, typer.Argument(metavar="ID", help=say("help.piece_id"), show_default=False)]


def who_is(by: str | None):
    from baosong.ledger.audit import Who, current_user

    return Who((by or "").strip() or current_user())


def _correct(action, done) -> None:
    """Run ``action(session, config)`` in one transaction and print ``done(its result)``; a LedgerError is the
    admin's message, not a traceback."""
    from baosong.cli import fail, open_app, out
    from baosong.ledger.errors import LedgerError

    application = open_app()
    with application.sessions() as session:
        try:
            result = action(session, application.config)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
    out.print(done(result), markup=False, soft_wrap=True)


def ledger_edit(
    piece_id: PieceId,
    unit: Annotated[Optional[str], typer.Option("--unit", help=say("help.ledger_edit_unit"))] = None,
    category: Annotated[Optional[str], typer.Option("--category", help=say("help.ledger_edit_category"))] = None,
    title: Annotated[Optional[str], typer.Option("--title", help=say("help.ledger_edit_title"))] = None,
    author: Annotated[Optional[str], typer.Option("--author", help=say("help.ledger_edit_author"))] = None,
    words: Annotated[Optional[int], typer.Option("--words", help=say("help.ledger_edit_words"))] = None,
    reason: ReasonOption = None,
    by: ByOption = None,
) -> None:
    from baosong.cli import fail
    from baosong.ledger.corrections import edit_piece
    from baosong.ledger.labels import field_label

    values: dict[str, object] = {k: v for k, v in (("unit", unit), ("category", category), ("title", title),
                                                   ("author", author), ("word_count", words)) if v is not None}
    if not values:
        fail(say("corrections.edit_nothing"))
    who = who_is(by)

    def action(session, config):
        changes = edit_piece(session, piece_id, values, config.scoring, who, reason)
        empty = say("corrections.edit_empty")
        return "；".join(say("corrections.edit_change", field=field_label(c.field),
                             old=c.old if c.old is not None else empty, new=c.new if c.new is not None else empty)
                        for c in changes)

    _correct(action, lambda result: say("corrections.edited", piece=piece_id, changes=result, actor=who.actor))


def ledger_void(
    piece_id: PieceId,
    reason: Annotated[Optional[str], typer.Option("--reason", help=say("help.ledger_void_reason"), show_default=False)] = None,
    by: ByOption = None,
) -> None:
    who = who_is(by)

    def action(session, config):
        from baosong.ledger.corrections import void_piece

        piece = void_piece(session, piece_id, who, reason or "")
        return [a.outlet for a in piece.adoptions] + [i.level for i in piece.instructions]

    def done(credits):
        if credits:
            return say("corrections.voided_credits", piece=piece_id, reason=reason, credits="、".join(credits))
        return say("corrections.voided", piece=piece_id, reason=reason)

    _correct(action, done)


def ledger_restore(piece_id: PieceId, reason: ReasonOption = None, by: ByOption = None) -> None:
    who = who_is(by)

    def action(session, config):
        from baosong.ledger.corrections import restore_piece

        return restore_piece(session, piece_id, who, reason).id

    _correct(action, lambda result: say("corrections.restored", piece=result))


def ledger_supersede(
    old: Annotated[int, typer.Argument(metavar="OLD", help=say("help.ledger_supersede_old"), show_default=False)],
    new: Annotated[int, typer.Argument(metavar="NEW", help=say("help.ledger_supersede_new"), show_default=False)],
    reason: ReasonOption = None,
    by: ByOption = None,
) -> None:
    who = who_is(by)

    def action(session, config):
        from baosong.ledger.corrections import supersede

        supersede(session, old, new, who, reason)
        return new

    _correct(action, lambda result: say("corrections.superseded", old=old, new=new, counted=result))


def ledger_merge(
    keep: Annotated[int, typer.Argument(metavar="KEEP", help=say("help.ledger_merge_keep"), show_default=False)],
    others: Annotated[list[int], typer.Argument(metavar="OTHER...", help=say("help.ledger_merge_others"), show_default=False)],
    reason: ReasonOption = None,
    by: ByOption = None,
) -> None:
    who = who_is(by)

    def action(session, config):
        from baosong.ledger.corrections import merge

        return merge(session, keep, others, who, reason).word_count

    _correct(action, lambda result: say("corrections.merged", others="、".join(map(str, others)), keep=keep,
                                        words=result))


def ledger_split(
    piece_id: PieceId,
    title: Annotated[str, typer.Option("--title", help=say("help.ledger_split_title"), show_default=False)],
    category: Annotated[Optional[str], typer.Option("--category", help=say("help.ledger_split_category"))] = None,
    author: Annotated[Optional[str], typer.Option("--author", help=say("help.ledger_split_author"))] = None,
    words: Annotated[int, typer.Option("--words", help=say("help.ledger_split_words"))] = 0,
    reason: ReasonOption = None,
    by: ByOption = None,
) -> None:
    who = who_is(by)

    def action(session, config):
        from baosong.ledger.corrections import split

        return split(session, piece_id, who, title=title, category=category, author=author, words=words,
                     scoring=config.scoring, reason=reason).id

    _correct(action, lambda result: say("corrections.split_done", piece=piece_id, new=result, title=title))


def ledger_history(
    piece_id: PieceId,
    as_json: Annotated[bool, typer.Option("--json", help=say("help.ledger_history_json"))] = False,
) -> None:
    from baosong.cli import _json, fail, open_app, out
    from baosong.ledger.errors import LedgerError
    from baosong.views import history_lines, history_rows

    application = open_app()
    with application.sessions() as session:
        try:
            piece, rows = history_rows(session, piece_id, application.config.tz)
        except LedgerError as exc:
            fail(str(exc))
    if as_json:
        _json({"piece": piece, "changes": rows})
        return
    for line in history_lines(piece, rows):
        out.print(line, markup=False, soft_wrap=True)


def adopt_undo(application, piece_id: int, outlet: str, instruction: str | None, reason: str | None,
               by: str | None) -> None:
    """`adopt ID OUTLET --undo` (and `--instruction LEVEL --undo`): withdraw what was recorded."""
    from baosong.cli import fail, out
    from baosong.ledger.corrections import undo_adoption
    from baosong.ledger.errors import LedgerError

    with application.sessions() as session:
        try:
            gone = undo_adoption(session, piece_id, outlet, who_is(by), instruction=instruction, reason=reason)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
    undone = "corrections.instruction_undone" if instruction else "corrections.adoption_undone"
    out.print(say(undone, piece=piece_id, gone=gone), markup=False, soft_wrap=True)


def register(app: typer.Typer, ledger_app: typer.Typer) -> None:
    for name, func, text in (
        ("edit", ledger_edit, say("help.cmd_ledger_edit")),
        ("void", ledger_void, say("help.cmd_ledger_void")),
        ("restore", ledger_restore, say("help.cmd_ledger_restore")),
        ("supersede", ledger_supersede, say("help.cmd_ledger_supersede")),
        ("merge", ledger_merge, say("help.cmd_ledger_merge")),
        ("split", ledger_split, say("help.cmd_ledger_split")),
        ("history", ledger_history, say("help.cmd_ledger_history")),
        ("export", ledger_export, say("help.cmd_ledger_export")),
        ("import", ledger_import, say("help.cmd_ledger_import")),
    ):
        ledger_app.command(name, help=text)(func)


def _span(month: str | None, quarter: str | None, half: str | None, year: str | None, scoring):
    from baosong.cli import fail
    from baosong.ledger.excel.span import parse_span
    from baosong.ledger.regime.context import scoring_year_of

    given = [(k, x) for k, x in (("month", month), ("quarter", quarter), ("half", half), ("year", year)) if x]
    if len(given) > 1:
        fail(say("corrections.span_twice"))
    if not given:
        return None
    try:
        return parse_span(*given[0], scoring_year_of(scoring))
    except ValueError as exc:
        fail(str(exc))


def ledger_export(
    output: Annotated[Path, typer.Option("--output", "-o", help=say("help.ledger_export_output"), show_default=False)],
    month: Annotated[Optional[str], typer.Option("--month", help=say("help.ledger_export_month"))] = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", help=say("help.ledger_export_quarter"))] = None,
    half: Annotated[Optional[str], typer.Option("--half", help=say("help.ledger_export_half"))] = None,
    year: Annotated[Optional[str], typer.Option("--year", help=say("help.ledger_export_year"))] = None,
) -> None:
    from baosong.cli import fail, open_app, out
    from baosong.ledger.excel.export import export_ledger

    if output.suffix.lower() != ".xlsx":
        fail(say("corrections.export_not_xlsx", output=output))
    application = open_app()
    config = application.config
    span = _span(month, quarter, half, year, config.scoring)
    with application.sessions() as session:
        try:
            done = export_ledger(session, span, output, config.scoring, config.tz, **application.scoring_options())
        except OSError as exc:
            fail(say("corrections.export_unwritable", output=output, reason=exc.strerror or exc))
    if span:
        done_text = say("corrections.exported", span=span.label, pieces=done.pieces, units=done.units, output=output)
    else:
        done_text = say("corrections.exported_all", pieces=done.pieces, units=done.units, output=output)
    out.print(done_text, markup=False, soft_wrap=True)


def ledger_import(
    file: Annotated[Path, typer.Argument(metavar="FILE.xlsx", help=say("help.ledger_import_file"), show_default=False)],
    apply: Annotated[bool, typer.Option("--apply", help=say("help.ledger_import_apply"))] = False,
    on: Annotated[Optional[str], typer.Option("--date", help=say("help.ledger_import_on"))] = None,
    by: ByOption = None,
) -> None:
    from baosong.cli import _day, fail, open_app, out
    from baosong.ledger.audit import Who
    from baosong.ledger.errors import LedgerError
    from baosong.ledger.excel.importer import import_workbook

    application = open_app()
    default_day = _day(on, application.config.tz) if on else None  # None: an undated credit takes its piece's day
    who = Who(who_is(by).actor, f"import {file.name}")
    with application.sessions() as session:
        try:
            report = import_workbook(session, file, application.config.scoring, who, application.config.tz,
                                     legacy=application.config.settings.legacy_ledger, default_day=default_day)
        except LedgerError as exc:
            session.rollback()
            fail(str(exc))
        if apply:
            session.commit()
        else:
            session.rollback()
    kind = say("corrections.import_kind_exported") if report.kind == "exported" \
        else say("corrections.import_kind_legacy")
    verb = say("corrections.import_applied") if apply else say("corrections.import_preview")
    out.print(say("corrections.import_summary", file=file.name, kind=kind, verb=verb, count=len(report.changes)),
              markup=False, soft_wrap=True)
    for line in report.changes:
        out.print(f"  {line}", markup=False, soft_wrap=True)
    for line in report.skipped:
        out.print("  " + say("corrections.import_skipped", line=line), markup=False, soft_wrap=True)
    if report.already:
        out.print("  " + say("corrections.import_already", count=report.already), markup=False)
    if not report.changes:
        out.print("  " + say("corrections.import_nothing"), markup=False)
