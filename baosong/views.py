"""What the CLI and the demo show of the ledger: JSON rows and Rich tables, built in one place."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from rich.table import Table
from sqlalchemy.orm import Session

from baosong.ledger.messages import pieces_in
from baosong.ledger.periods import Month
from baosong.ledger.regime.sheet import tidy
from baosong.ledger.scoring import UnitScore
from baosong.notify.labels import verdict_labels

__all__ = ["verdict_labels", "class_labels", "ledger_table", "piece_rows", "ranking_table"]


def piece_rows(session: Session, month: Month | None, tz: ZoneInfo) -> list[dict]:
    """The submissions as `baosong ledger list --json` prints them (a public contract)."""
    return [{
        "id": p.id,
        "received_at": p.received_at.astimezone(tz).isoformat(),
        "unit": p.unit.name,
        "unit_short": p.unit.short,
        "title": p.title,
        "author": p.author,
        "category": p.category,
        "word_count": p.word_count,
        "source": p.source,
        "adoptions": [a.outlet for a in p.adoptions],
        "instructions": [i.level for i in p.instructions],
        "commission": p.commission.number if p.commission is not None else None,  # 约稿〔2026〕12号
    } for p in pieces_in(session, month, tz)]


def ledger_table(rows: Sequence[dict], month: Month | None) -> Table:
    table = Table(title=f"稿件台账{'（' + month.label + '）' if month else ''}，共 {len(rows)} 篇")
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
