"""What the CLI and the demo show of the ledger: JSON rows and Rich tables, built in one place."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from rich.table import Table
from sqlalchemy.orm import Session

from baosong.ledger.periods import Month
from baosong.ledger.record import pieces_in
from baosong.ledger.scoring import UnitScore
from baosong.vocabulary import Verdict


VERDICT_LABELS = {Verdict.ACCEPTED: "受理", Verdict.REJECTED: "退回", Verdict.IGNORED: "忽略",
                  Verdict.QUARANTINED: "隔离"}


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
