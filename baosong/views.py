"""What the CLI and the demo show of the ledger: JSON rows and Rich tables, built in one place."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from zoneinfo import ZoneInfo

from rich.table import Table
from sqlalchemy.orm import Session

from baosong.ledger.messages import list_pieces
from baosong.ledger.periods import Month
from baosong.ledger.scoring import UnitScore
from baosong.vocabulary import VERDICT_LABELS

__all__ = ["VERDICT_LABELS", "class_labels", "ledger_table", "piece_rows", "ranking_table"]


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
    for r in rows:
        when = r["received_at"][:16].replace("T", " ")
        table.add_row(str(r["id"]), when if month is None else when[5:], r["unit_short"] or r["unit"], r["title"] or "—",
                      r["category"] or "—", str(r["word_count"]), "、".join(r["adoptions"] + r["instructions"]))
    return table


def ranking_table(scores: Sequence[UnitScore], labels: dict[str, str], month: Month) -> Table:
    table = Table(title=f"{month.label}政务信息得分排名")
    for col in ("类别", "排名", "单位", "报送数", "采用数", "得分"):
        table.add_column(col, justify="right" if col in ("排名", "报送数", "采用数", "得分") else "left")
    for s in scores:
        table.add_row(labels.get(s.class_, s.class_), str(s.rank), s.unit, str(s.submitted), str(s.adopted),
                      f"{s.score:g}")
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
