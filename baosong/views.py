"""What the CLI and the demo show of the ledger: JSON rows and Rich tables, built in one place."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from rich.table import Table
from sqlalchemy.orm import Session

from baosong.ledger.messages import list_pieces
from baosong.ledger.periods import Month
from baosong.ledger.regime.sheet import tidy
from baosong.ledger.scoring import UnitScore
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
    shown = f"，显示第 {offset + 1}–{offset + len(rows)} 篇" if rows and len(rows) < total else ""
    table = Table(title=f"稿件台账{'（' + month.label + '）' if month else ''}，共 {total} 篇{shown}")
    table.add_column("编号", justify="right")
    table.add_column("收到时间" if month is None else "收到", no_wrap=True)
    table.add_column("单位")
    table.add_column("标题", overflow="fold", min_width=12)
    table.add_column("分类", no_wrap=True)
    table.add_column("字数", justify="right")
    table.add_column("采用", overflow="fold")
    table.add_column("状态", no_wrap=True)
    for r in rows:
        when = r["received_at"][:16].replace("T", " ")
        status = labels(PieceStatus).get(r["status"], r["status"])
        if r["replaced_by"]:
            status += f"→{r['replaced_by']}"
        table.add_row(str(r["id"]), when if month is None else when[5:], r["unit_short"] or r["unit"], r["title"] or "—",
                      r["category"] or "—", str(r["word_count"]), "、".join(r["adoptions"] + r["instructions"]), status)
    return table


def ranking_table(scores: Sequence[UnitScore], labels: dict[str, str], period) -> Table:
    """The ranking of a month, quarter, half-year or year (``period`` has a ``label``)."""
    table = Table(title=f"{period.label}政务信息得分排名")
    for col in ("类别", "排名", "单位", "报送数", "采用数", "任务", "得分", "得分构成"):
        table.add_column(col, justify="right" if col in ("排名", "报送数", "采用数", "得分") else "left",
                         overflow="fold")
    for s in scores:
        judged = [q for q in s.quotas if q.judged]
        task = "—" if not judged else ("完成" if all(q.met for q in judged) else "未完成")
        parts = [f"{c.label}{tidy(c.points):+g}" for c in s.components if round(c.points, 2)]
        table.add_row(labels.get(s.class_, s.class_), str(s.rank), s.unit, str(s.submitted), str(s.adopted),
                      task, f"{s.score:g}", " ".join(parts) + (" ⚠" if s.warnings else ""))
    return table


def class_labels(classes: dict) -> dict[str, str]:
    return {k: (c.label or f"{k}类") for k, c in classes.items()}


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
    table = Table(title=f"处理失败的邮件，共 {len(rows)} 封")
    for col in ("编号", "邮箱", "UID", "次数", "首次失败", "最近失败", "状态", "最后错误"):
        table.add_column(col, justify="right" if col in ("编号", "UID", "次数") else "left",
                         overflow="fold" if col == "最后错误" else "ellipsis")
    for r in rows:
        last_line = (r["last_error"] or "").strip().splitlines()[-1:] or [""]
        state = f"已隔离（{r['set_aside_at'][:16].replace('T', ' ')}）" if r["set_aside_at"] else "待重试"
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
        what = f"{label}{field_label(row['field'])}：{row['old'] or '（空）'} → {row['new'] or '（空）'}"
    elif row["action"] in ("adopt", "instruct"):
        what = f"{label} {row['new']}"
    elif row["action"] in ("adopt_undo", "instruct_undo"):
        what = f"{label} {row['old']}"
    elif row["action"] == "split":
        what = (f"从稿件 {row['related_piece']} 拆出《{row['new']}》" if row["piece"] == piece_id or piece_id is None
                else f"拆出稿件 {row['piece']}《{row['new']}》")
    elif row["action"] in ("supersede", "merge") and piece_id is not None and row["piece"] != piece_id:
        what = f"替换了稿件 {row['piece']}" if row["action"] == "supersede" else f"并入了稿件 {row['piece']}"
    elif row["action"] in ("supersede", "merge"):
        what = f"{label}稿件 {row['related_piece']}"
    elif row["action"] == "rename_unit":
        what = f"{label}：{row['old']} → {row['new']}"
    else:
        what = label
    reason = f"（{row['reason']}）" if row["reason"] else ""
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
        status += f"（计在稿件 {piece['replaced_by']}）"
    credits = "、".join(piece["adoptions"] + piece["instructions"]) or "无"
    lines = [f"稿件 {piece['id']}《{piece['title'] or '无标题'}》｜{piece['unit']}｜{piece['category'] or '未分类'}｜"
             f"{piece['word_count']} 字｜{status}｜采用和批示：{credits}｜收到 {piece['received_at'][:16].replace('T', ' ')}"]
    if not rows:
        lines.append("  没有更正记录")
    lines += [f"  {describe_change(r, piece['id'])}" for r in rows]
    return lines
