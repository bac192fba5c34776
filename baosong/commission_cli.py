"""`baosong commission …`: commissions (约稿) and periodic deadlines. JSON output is a public contract:

- ``commission new … --json``: ``{"id", "number", "message_id"}``;
- ``commission show ID --json``: ``{"id", "number", "deadline", "units": [{"unit", "status"}]}``, status one of
  ``baosong.vocabulary.CommissionStatus`` (open, on_time, late, missed, refused). Keys may be added, never removed.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from baosong.cli import _json, _parse_when, fail, open_app, out, warn
from baosong.messages import say
from baosong.vocabulary import CommissionLink, CommissionStatus, label, labels

commission_app = typer.Typer(help=say("help.cmd_commission"),
                             no_args_is_help=True)

AtOption = Annotated[Optional[str], typer.Option(
    "--at", help=say("help.commission_at"))]
JsonOption = Annotated[bool, typer.Option("--json", help=say("help.commission_json"))]


def _now(application, at: str | None) -> datetime:
    return _parse_when(at, application.config.tz) if at else datetime.now(application.config.tz)


def _split(values: list[str] | None) -> list[str]:
    return [v for value in values or [] for v in re.split(r"[,，、;；\s]+", value) if v]


def _local(application, when: datetime | None) -> str | None:
    return when.astimezone(application.config.tz).isoformat() if when is not None else None


def _short_time(application, when: datetime | None) -> str:
    return when.astimezone(application.config.tz).strftime("%Y-%m-%d %H:%M") if when is not None else "—"


def _typed_differs(shown: str, typed: str | None) -> bool:
    """Whether the deadline as typed (e.g. 3工作日) says something the time shown does not."""
    return bool(typed) and " ".join((typed or "").split()) != shown


def _counts(states) -> dict[str, int]:
    counts = {s.value: 0 for s in CommissionStatus}
    for s in states:
        counts[s.status.value] += 1
    return counts


def _get(session, key: str):
    from baosong.ledger.commissions import get_commission
    from baosong.ledger.errors import LedgerError

    try:
        return get_commission(session, key)
    except LedgerError as exc:
        fail(str(exc))


@commission_app.command("new", help=say("help.cmd_commission_new"))
def commission_new(
    topic: Annotated[str, typer.Option("--topic", help=say("help.commission_new_topic"), show_default=False)],
    units: Annotated[Optional[list[str]], typer.Option(
        "--units", help=say("help.commission_new_units"))] = None,
    classes: Annotated[Optional[list[str]], typer.Option("--class", help=say("help.commission_new_classes"))] = None,
    all_units: Annotated[bool, typer.Option("--all", help=say("help.commission_new_all_units"))] = False,
    deadline: Annotated[Optional[str], typer.Option(
        "--deadline", help=say("help.commission_new_deadline"))] = None,
    working_days: Annotated[Optional[int], typer.Option(
        "--working-days", help=say("help.commission_new_working_days"), min=1)] = None,
    kind: Annotated[Optional[str], typer.Option(
        "--kind", help=say("help.commission_new_kind"))] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help=say("help.commission_new_contact"))] = None,
    no_send: Annotated[bool, typer.Option("--no-send", help=say("help.commission_new_no_send"))] = False,
    as_json: JsonOption = False,
) -> None:
    from baosong.commissions import CommissionError, new_commission

    application = open_app()
    if deadline is not None and working_days is not None:
        fail(say("commission.deadline_twice"))
    try:
        made = new_commission(application, topic=topic, unit_names=_split(units), classes=_split(classes),
                              all_units=all_units, deadline_text=deadline, working_days=working_days, kind=kind,
                              contact=contact, send=not no_send)
    except CommissionError as exc:
        fail(str(exc))
    when = made.deadline.when.strftime("%Y-%m-%d %H:%M")
    if made.past:
        warn(say("commission.deadline_past", deadline=when))
    elif not no_send and application.config.settings.smtp is None:
        warn(say("commission.no_smtp"))
    delivery = made.delivery
    if as_json:
        _json({"id": made.id, "number": made.number, "message_id": made.message_id,
               "deadline": made.deadline.when.isoformat(), "units": list(made.units), "queued": made.queued,
               "deferred": delivery.deferred if delivery is not None else 0,
               "failed": delivery.failed if delivery is not None else 0})
    else:
        out.print(say("commission.recorded", number=made.number, id=made.id, topic=topic), markup=False)
        if _typed_differs(when, made.deadline.text):
            out.print(say("commission.recorded_deadline", deadline=when, deadline_text=made.deadline.text,
                          count=len(made.units), units="、".join(made.units)), markup=False)
        else:
            out.print(say("commission.recorded_deadline_plain", deadline=when,
                          count=len(made.units), units="、".join(made.units)), markup=False)
        if made.delivery is not None:
            out.print(say("commission.recorded_delivery", summary=made.delivery.summary()))
    # The commission is recorded whatever became of its notices: exit 0, so a script never records it twice.
    # A notice held back stays pending in the outbox and is delivered again at the next delivery run.
    if delivery is not None and delivery.deferred:
        warn(say("commission.notices_deferred", number=made.number, count=delivery.deferred))
    if delivery is not None and delivery.failed:
        warn(say("commission.notices_refused", number=made.number, count=delivery.failed))
    if delivery is not None:
        for e in delivery.errors[:5]:
            warn(e)


@commission_app.command("list", help=say("help.cmd_commission_list"))
def commission_list(
    include_closed: Annotated[bool, typer.Option("--all", help=say("help.commission_list_include_closed"))] = False,
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    from baosong.ledger.commissions import all_commissions, flagged_pieces, states_of

    application = open_app()
    now = _now(application, at)
    with application.sessions() as session:
        commissions = all_commissions(session, include_closed=include_closed)
        states = states_of(session, commissions, now)
        flagged = len(flagged_pieces(session))
    rows: list[dict[str, Any]] = [{"id": c.id, "number": c.number, "topic": c.topic, "kind": c.kind,
             "deadline": _local(application, c.deadline), "closed": c.closed_at is not None,
             "counts": _counts(states[c.id])} for c in commissions]
    if as_json:
        _json({"commissions": rows, "flagged_pieces": flagged})
        return
    table = Table(title=say("commission.list_title", count=len(rows)))
    statuses = labels(CommissionStatus)
    table.add_column(say("commission.column_id"), justify="right")
    table.add_column(say("commission.column_number"), no_wrap=True)
    table.add_column(say("commission.column_topic"))
    table.add_column(say("commission.column_deadline"), no_wrap=True)
    for status in statuses.values():
        table.add_column(status, justify="right")
    for r, c in zip(rows, commissions, strict=True):
        table.add_row(str(r["id"]), r["number"] + (say("commission.list_closed") if r["closed"] else ""), c.topic,
                      _short_time(application, c.deadline), *(str(r["counts"][k]) for k in statuses))
    out.print(table)
    if flagged:
        warn(say("commission.list_flagged", count=flagged))


@commission_app.command("show", help=say("help.cmd_commission_show"))
def commission_show(
    key: Annotated[str, typer.Argument(metavar="ID", help=say("help.commission_show_key"), show_default=False)],
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    from baosong.ledger.commissions import flagged_pieces, linked_pieces, unit_states

    application = open_app()
    now = _now(application, at)
    with application.sessions() as session:
        c = _get(session, key)
        pieces = linked_pieces(session, [c.id])
        states = unit_states(c, pieces, now)
        titles = {p.id: p.title for p in pieces}
        links = {p.id: p.commission_link for p in pieces}
        flagged = [p for p in flagged_pieces(session) if c.id in (p.commission_candidates or [])]
        flagged_rows: list[dict[str, Any]] = [{"piece": p.id, "unit": p.unit.name, "title": p.title,
                         "candidates": list(p.commission_candidates or [])} for p in flagged]
    data: dict[str, Any] = {
        "id": c.id, "number": c.number, "deadline": _local(application, c.deadline),
        "units": [{"unit": s.unit, "status": s.status.value, "pieces": list(s.pieces),
                   "first_received": _local(application, s.first_received)} for s in states],
        "topic": c.topic, "kind": c.kind, "contact": c.contact, "message_id": c.message_id,
        "closed_at": _local(application, c.closed_at), "notified": c.notified, "flagged_pieces": flagged_rows,
    }
    if as_json:
        _json(data)
        return
    out.print(say("commission.show_heading", number=c.number, id=c.id, topic=c.topic, kind=c.kind), markup=False)
    deadline = _short_time(application, c.deadline)
    typed = _typed_differs(deadline, c.deadline_text)
    if c.closed_at and typed:
        out.print(say("commission.show_deadline_closed", deadline=deadline, deadline_text=c.deadline_text,
                      closed=_short_time(application, c.closed_at)), markup=False)
    elif c.closed_at:
        out.print(say("commission.show_deadline_closed_plain", deadline=deadline,
                      closed=_short_time(application, c.closed_at)), markup=False)
    elif typed:
        out.print(say("commission.show_deadline", deadline=deadline, deadline_text=c.deadline_text), markup=False)
    else:
        out.print(say("commission.show_deadline_plain", deadline=deadline), markup=False)
    table = Table()
    for col in ("commission.column_unit", "commission.column_status", "commission.column_first_received",
                "commission.column_pieces"):
        table.add_column(say(col))
    for s in states:
        shown = "；".join(say("commission.show_piece", id=i, title=titles[i] or say("commission.untitled"),
                             link=labels(CommissionLink).get(links[i] or "", ""))
                         for i in s.pieces)
        if s.refused_note:
            shown = f"{shown}　{s.refused_note}".strip()
        table.add_row(s.unit, label(s.status), _short_time(application, s.first_received),
                      shown or "—")
    out.print(table)
    for r in flagged_rows:
        warn(say("commission.show_flagged", piece=r["piece"], title=r["title"] or say("commission.untitled"),
                 unit=r["unit"], candidates="、".join(map(str, r["candidates"]))))


@commission_app.command("close", help=say("help.cmd_commission_close"))
def commission_close(
    key: Annotated[str, typer.Argument(metavar="ID", help=say("help.commission_close_key"), show_default=False)],
    force: Annotated[bool, typer.Option("--force", help=say("help.commission_close_force"))] = False,
    at: Annotated[Optional[str], typer.Option("--at", help=say("help.commission_close_at"))] = None,
) -> None:
    from baosong.ledger.commissions import close
    from baosong.ledger.errors import LedgerError

    application = open_app()
    now = _now(application, at)
    with application.sessions() as session:
        c = _get(session, key)
        if now < c.deadline and not force:
            fail(say("commission.close_early", number=c.number, deadline=_short_time(application, c.deadline)))
        try:
            close(session, c, now)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
        number = c.number
    out.print(say("commission.closed", number=number), markup=False)


@commission_app.command("refuse", help=say("help.cmd_commission_refuse"))
def commission_refuse(
    key: Annotated[str, typer.Argument(metavar="ID", help=say("help.commission_refuse_key"), show_default=False)],
    unit: Annotated[str, typer.Argument(metavar="UNIT", help=say("help.commission_refuse_unit"), show_default=False)],
    note: Annotated[Optional[str], typer.Option("--note", help=say("help.commission_refuse_note"))] = None,
    undo: Annotated[bool, typer.Option("--undo", help=say("help.commission_refuse_undo"))] = False,
) -> None:
    from baosong.ledger.commissions import refuse
    from baosong.ledger.errors import LedgerError

    application = open_app()
    with application.sessions() as session:
        c = _get(session, key)
        try:
            marked = refuse(session, c, unit, datetime.now(application.config.tz), note, undo=undo)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
        number, name = c.number, marked.unit.name  # the unit's full name, as the other commands show it
    out.print(say("commission.refused_undone", number=number, unit=name) if undo
              else say("commission.refused", number=number, unit=name), markup=False)


@commission_app.command("link", help=say("help.cmd_commission_link"))
def commission_link(
    piece_id: Annotated[int, typer.Argument(metavar="PIECE", help=say("help.commission_link_piece_id"), show_default=False)],
    key: Annotated[Optional[str], typer.Argument(metavar="ID", help=say("help.commission_link_key"))] = None,
    none: Annotated[bool, typer.Option("--none", help=say("help.commission_link_none"))] = False,
) -> None:
    from baosong.ledger.commissions import link_piece
    from baosong.ledger.errors import LedgerError

    if (key is None) == (not none):
        fail(say("commission.link_choice"))
    application = open_app()
    with application.sessions() as session:
        c = _get(session, key) if key is not None else None
        try:
            piece = link_piece(session, piece_id, c)
        except LedgerError as exc:
            fail(str(exc))
        session.commit()
        title = piece.title
    title = title or say("commission.untitled")
    out.print(say("commission.linked", piece=piece_id, title=title, number=c.number) if c
              else say("commission.linked_none", piece=piece_id, title=title), markup=False)


@commission_app.command("periodic", help=say("help.cmd_commission_periodic"))
def commission_periodic(
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    from baosong.ledger.periodic import addressed, occurrence_at, periodic_states

    application = open_app()
    now = _now(application, at)
    units = [(u.name, u.short, u.class_) for u in application.config.units]
    result = []
    with application.sessions() as session:
        for spec in application.config.settings.commissions.periodic:
            occ = occurrence_at(spec, now, application.config.tz)
            states = periodic_states(session, spec, occ, addressed(spec, units), now)
            result.append((occ, states))
    if as_json:
        _json([{"name": occ.name, "period": occ.label, "deadline": occ.deadline.isoformat(),
                "units": [{"unit": s.unit, "status": s.status.value, "pieces": list(s.pieces)} for s in states]}
               for occ, states in result])
        return
    if not result:
        warn(say("commission.no_periodic"))
    for occ, states in result:
        table = Table(title=say("commission.periodic_title", name=occ.name, period=occ.label,
                                deadline=_short_time(application, occ.deadline)))
        for col in ("commission.column_unit", "commission.column_status", "commission.column_first_received"):
            table.add_column(say(col))
        for s in states:
            table.add_row(s.unit, label(s.status), _short_time(application, s.first_received))
        out.print(table)
