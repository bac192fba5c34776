"""What the CLI and the demo show of the ledger: JSON rows and Rich tables, built in one place."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from rich.console import JustifyMethod
from rich.table import Table
from sqlalchemy.orm import Session

from baosong.ledger.messages import list_pieces
from baosong.ledger.periods import Month
from baosong.ledger.regime.sheet import tidy
from baosong.ledger.scoring import UnitScore
from baosong.messages import say
from baosong.notify.labels import verdict_labels
from baosong.vocabulary import Change, PieceStatus, labels

__all__ = ["verdict_labels", "class_labels", "ledger_table", "piece_rows", "ranking_table"]


def piece_rows(session: Session, month: Month | None, tz: ZoneInfo, *, limit: int | None = None,
               offset: int = 0) -> Iterator[dict]:
    """The submissions as `baosong ledger list --json` prints them (a public contract), streamed."""
    for p in list_pieces(session, month, tz, limit=limit, offset=offset):
        yield {
            "id": p.id,
            "received_at": p.received_at.astimezone(tz).isoformat(),
            "unit": p.unit,
            "unit_short": p.unit_short,
            "title": p.title,
            "author": p.author,
            "category": p.category,
            "word_count": p.word_count,
            "source": p.source,
            "adoptions": list(p.adoptions),
            "instructions": list(p.instructions),
            "commission": p.commission,  # 约稿〔2026〕12号
            "status": p.status,
            "replaced_by": p.replaced_by,
            "stated_unit": p.stated_unit,
            "unit_source": p.unit_source,
            "title_source": p.title_source,
            "approver": p.approver,
            "commissioned": p.commissioned,
            "flags": list(p.flags),
        }


def ledger_table(rows: Sequence[dict], month: Month | None, total: int | None = None, offset: int = 0) -> Table:
    """The rows as a table; ``total``: how many pieces there are in all, when ``rows`` is one page of them."""
    total = len(rows) if total is None else total
    shown = say("views.ledger_shown", first=offset + 1, last=offset + len(rows)) if rows and len(rows) < total else ""
    table = Table(title=say("views.ledger_title_month", month=month.label, total=total, shown=shown) if month
                  else say("views.ledger_title", total=total, shown=shown))
    table.add_column(say("views.ledger_id"), justify="right")
    table.add_column(say("views.ledger_received") if month is None else say("views.ledger_received_in_month"),
                     no_wrap=True)
    table.add_column(say("views.ledger_unit"))
    table.add_column(say("views.ledger_title_column"), overflow="fold", min_width=12)
    table.add_column(say("views.ledger_category"), no_wrap=True)
    table.add_column(say("views.ledger_words"), justify="right")
    table.add_column(say("views.ledger_adoptions"), overflow="fold")
    table.add_column(say("views.ledger_status"), no_wrap=True)
    for r in rows:
        when = r["received_at"][:16].replace("T", " ")
        status = labels(PieceStatus).get(r["status"], r["status"])
        if r["replaced_by"]:
            status += f"→{r['replaced_by']}"
        table.add_row(str(r["id"]), when if month is None else when[5:], r["unit_short"] or r["unit"], r["title"] or "—",
                      r["category"] or "—", str(r["word_count"]), "、".join(r["adoptions"] + r["instructions"]), status)
    return table


# each table's columns: the message of its title, how its cells are aligned
_RANKING_COLUMNS: tuple[tuple[str, JustifyMethod], ...] = (
    ("views.ranking_class", "left"), ("views.ranking_rank", "right"), ("views.ranking_unit", "left"),
    ("views.ranking_submitted", "right"), ("views.ranking_adopted", "right"), ("views.ranking_quota", "left"),
    ("views.ranking_score", "right"), ("views.ranking_parts", "left"))
_FAILURE_COLUMNS: tuple[tuple[str, JustifyMethod], ...] = (
    ("views.failures_id", "right"), ("views.failures_mailbox", "left"), ("views.failures_uid", "right"),
    ("views.failures_attempts", "right"), ("views.failures_first", "left"), ("views.failures_last", "left"),
    ("views.failures_state", "left"), ("views.failures_error", "left"))


def ranking_table(scores: Sequence[UnitScore], labels: dict[str, str], period) -> Table:
    """The ranking of a month, quarter, half-year or year (``period`` has a ``label``)."""
    table = Table(title=say("views.ranking_title", period=period.label))
    for key, justify in _RANKING_COLUMNS:
        table.add_column(say(key), justify=justify, overflow="fold")
    for s in scores:
        judged = [q for q in s.quotas if q.judged]
        task = "—" if not judged else (say("views.ranking_quota_met") if all(q.met for q in judged)
                                       else say("views.ranking_quota_missed"))
        parts = [f"{c.label}{tidy(c.points):+g}" for c in s.components if round(c.points, 2)]
        table.add_row(labels.get(s.class_, s.class_), str(s.rank), s.unit, str(s.submitted), str(s.adopted),
                      task, f"{s.score:g}", " ".join(parts) + (" ⚠" if s.warnings else ""))
    return table


def class_labels(classes: dict) -> dict[str, str]:
    return {k: (c.label or say("views.class_label", key=k)) for k, c in classes.items()}


def failure_rows(session: Session, tz: ZoneInfo) -> list[dict]:
    """Messages whose processing failed, as `baosong ledger failures --json` prints them."""
    from baosong.ledger.failures import failures

    def when(value):
        return value.astimezone(tz).isoformat() if value is not None else None

    return [{
        "id": f.id,
        "mailbox": f.mailbox,
        "uidvalidity": f.uidvalidity,
        "uid": f.uid,
        "sha256": f.sha256,
        "attempts": f.attempts,
        "first_at": when(f.first_at),
        "last_at": when(f.last_at),
        "set_aside_at": when(f.set_aside_at),
        "message_id": f.message_ref,
        "last_error": f.last_error,
    } for f in failures(session)]


def failures_table(rows: Sequence[dict]) -> Table:
    table = Table(title=say("views.failures_title", count=len(rows)))
    for key, justify in _FAILURE_COLUMNS:
        table.add_column(say(key), justify=justify, overflow="fold" if key == "views.failures_error" else "ellipsis")
    for r in rows:
        last_line = (r["last_error"] or "").strip().splitlines()[-1:] or [""]
        state = (say("views.failures_set_aside", at=r["set_aside_at"][:16].replace("T", " ")) if r["set_aside_at"]
                 else say("views.failures_retrying"))
        table.add_row(str(r["id"]), r["mailbox"], str(r["uid"] if r["uid"] is not None else "—"), str(r["attempts"]),
                      r["first_at"][:16].replace("T", " "), r["last_at"][:16].replace("T", " "), state, last_line[0])
    return table


def change_row(c, tz: ZoneInfo) -> dict:
    """One correction as `baosong ledger history --json` prints it."""
    return {"id": c.id, "at": c.at.astimezone(tz).isoformat(), "by": c.actor, "via": c.via, "action": c.action,
            "piece": c.piece_id, "field": c.field, "old": c.old_value, "new": c.new_value,
            "related_piece": c.related_piece_id, "reason": c.reason}


def describe_change(row: dict, piece_id: int | None = None) -> str:
    """A correction in one line of Chinese: `2026-11-29 23:50 张三 修改 分类：— → 工作动态（原因）`."""
    from baosong.ledger.labels import field_label

    label = labels(Change).get(row["action"], row["action"])
    if row["action"] == "edit":
        empty = say("views.change_empty")
        what = say("views.change_edit", action=label, field=field_label(row["field"]), old=row["old"] or empty,
                   new=row["new"] or empty)
    elif row["action"] in ("adopt", "instruct"):
        what = f"{label} {row['new']}"
    elif row["action"] in ("adopt_undo", "instruct_undo"):
        what = f"{label} {row['old']}"
    elif row["action"] == "split":
        what = (say("views.change_split_from", piece=row["related_piece"], title=row["new"])
                if row["piece"] == piece_id or piece_id is None
                else say("views.change_split_off", piece=row["piece"], title=row["new"]))
    elif row["action"] in ("supersede", "merge") and piece_id is not None and row["piece"] != piece_id:
        what = (say("views.change_superseded_other", piece=row["piece"]) if row["action"] == "supersede"
                else say("views.change_merged_other", piece=row["piece"]))
    elif row["action"] == "supersede":
        what = say("views.change_superseded_by", piece=row["related_piece"])
    elif row["action"] == "merge":
        what = say("views.change_into", action=label, piece=row["related_piece"])
    elif row["action"] == "rename_unit":
        what = f"{label}：{row['old']} → {row['new']}"
    else:
        what = label
    reason = say("views.change_reason", reason=row["reason"]) if row["reason"] else ""
    via = "" if row["via"] == "cli" else f" [{row['via']}]"
    return f"{row['at'][:16].replace('T', ' ')} {row['by']} {what}{reason}{via}"


def history_rows(session: Session, piece_id: int, tz: ZoneInfo) -> tuple[dict, list[dict]]:
    """The piece (as in `ledger list --json`) and its corrections, oldest first."""
    from baosong.ledger.audit import piece_history
    from baosong.ledger.corrections import get_piece

    p = get_piece(session, piece_id)
    piece = {"id": p.id, "received_at": p.received_at.astimezone(tz).isoformat(), "unit": p.unit.name,
             "title": p.title, "author": p.author, "category": p.category, "word_count": p.word_count,
             "status": p.status, "replaced_by": p.replaced_by, "adoptions": [a.outlet for a in p.adoptions],
             "instructions": [i.level for i in p.instructions]}
    return piece, [change_row(c, tz) for c in piece_history(session, piece_id)]


def history_lines(piece: dict, rows: Sequence[dict]) -> list[str]:
    """`ledger history ID`: the piece in one line, then each change in one line, oldest first."""
    status = labels(PieceStatus).get(piece["status"], piece["status"])
    if piece["replaced_by"]:
        status += say("views.history_replaced_by", piece=piece["replaced_by"])
    credits = "、".join(piece["adoptions"] + piece["instructions"]) or say("views.history_no_credits")
    lines = [say("views.history_piece", piece=piece["id"], title=piece["title"] or say("views.history_no_title"),
                 unit=piece["unit"], category=piece["category"] or say("views.history_no_category"),
                 words=piece["word_count"], status=status, credits=credits,
                 received=piece["received_at"][:16].replace("T", " "))]
    if not rows:
        lines.append("  " + say("views.history_no_changes"))
    lines += [f"  {describe_change(r, piece['id'])}" for r in rows]
    return lines
