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

commission_app = typer.Typer(help="约稿：登记约稿并发送约稿通知单，查看各单位按时、迟报、漏报、拒报情况。",
                             no_args_is_help=True)

AtOption = Annotated[Optional[str], typer.Option(
    "--at", help="按这个时间计算状态（默认现在），例如 2026-12-06 09:00。")]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON。")]


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


@commission_app.command("new")
def commission_new(
    topic: Annotated[str, typer.Option("--topic", help="约稿主题。", show_default=False)],
    units: Annotated[Optional[list[str]], typer.Option(
        "--units", help="约稿单位（全称或简称，可用逗号或顿号分隔，可重复）。")] = None,
    classes: Annotated[Optional[list[str]], typer.Option("--class", help="约稿单位类别（可重复），例如 A。")] = None,
    all_units: Annotated[bool, typer.Option("--all", help="向全部单位约稿。")] = False,
    deadline: Annotated[Optional[str], typer.Option(
        "--deadline", help="截止时间：2026-12-05 17:00、2026-12-05 或 3工作日。")] = None,
    working_days: Annotated[Optional[int], typer.Option(
        "--working-days", help="截止时间按工作日计：今天之后第 N 个工作日（含法定节假日和调休）。", min=1)] = None,
    kind: Annotated[Optional[str], typer.Option(
        "--kind", help="约稿类型（settings.yaml commissions.kinds：信息、调研报告、网站专题）。")] = None,
    contact: Annotated[Optional[str], typer.Option("--contact", help="通知单上的联系人和电话。")] = None,
    no_send: Annotated[bool, typer.Option("--no-send", help="只登记，不发送约稿通知单（电话约稿、补登记）。")] = False,
    as_json: JsonOption = False,
) -> None:
    """登记一次约稿，并向每个约稿单位发送约稿通知单（抄送办公室）。"""
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


@commission_app.command("list")
def commission_list(
    include_closed: Annotated[bool, typer.Option("--all", help="也列出已关闭的约稿。")] = False,
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    """列出约稿及各状态的单位数；有待人工确认归属的稿件时一并提示。"""
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


@commission_app.command("show")
def commission_show(
    key: Annotated[str, typer.Argument(metavar="ID", help="约稿编号（或文号，如 约稿〔2026〕12号）。", show_default=False)],
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    """一次约稿的详情：每个约稿单位的状态和报送的稿件。"""
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


@commission_app.command("close")
def commission_close(
    key: Annotated[str, typer.Argument(metavar="ID", help="约稿编号。", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="截止时间未到也关闭（尚未报送的单位记为漏报）。")] = False,
    at: Annotated[Optional[str], typer.Option("--at", help="关闭时间（默认现在），用于补记。")] = None,
) -> None:
    """关闭一次约稿：此后的稿件不再归入它，尚未报送的单位记为漏报。"""
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


@commission_app.command("refuse")
def commission_refuse(
    key: Annotated[str, typer.Argument(metavar="ID", help="约稿编号。", show_default=False)],
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="单位全称或简称。", show_default=False)],
    note: Annotated[Optional[str], typer.Option("--note", help="说明（例如 电话告知不能报送）。")] = None,
    undo: Annotated[bool, typer.Option("--undo", help="撤销拒报标记。")] = False,
) -> None:
    """把一个约稿单位标记为拒报（或用 --undo 撤销）。"""
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


@commission_app.command("link")
def commission_link(
    piece_id: Annotated[int, typer.Argument(metavar="PIECE", help="稿件编号（见 baosong ledger list）。", show_default=False)],
    key: Annotated[Optional[str], typer.Argument(metavar="ID", help="约稿编号；不填并加 --none 表示不属于任何约稿。")] = None,
    none: Annotated[bool, typer.Option("--none", help="这篇稿件不属于任何约稿。")] = False,
) -> None:
    """人工确认一篇稿件属于哪次约稿（或不属于约稿）。"""
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


@commission_app.command("periodic")
def commission_periodic(
    at: AtOption = None,
    as_json: JsonOption = False,
) -> None:
    """定期报送期限（settings.yaml commissions.periodic）：本期各单位按时、迟报或漏报情况。"""
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
