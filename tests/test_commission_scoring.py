"""Commissions (约稿) scored from real commissions: a commission recorded, linked pieces ingested, the
deadline passed with an injected clock (`score --at`), a linked piece adopted; `score --json`'s
`commissions` component checked against Tengzhou's rule worked by hand, and the Excel 台账's 约稿 / 时效 columns."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from conftest import write_office_config
from sqlalchemy import select
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.commissions import new_commission
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.ledger.models import Piece
from baosong.processing import process

TZ = ZoneInfo("Asia/Shanghai")
runner = CliRunner()
SHENJI, TIYU = "shenji-xx@example.org", "tiyu-xx@example.org"


def invoke(config: Path, *args: str):
    return runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def ingest(application: App, sender: str, subject: str, title: str, when: datetime) -> Piece:
    doc = docx_bytes(title, ["今年以来，我单位认真落实各项部署，取得积极成效。", "下一步将继续抓好落实。"], None)
    raw = mail(sender=sender, to="tzxxk@example.com", subject=subject, body="请审阅。", when=when,
               attachments=[(f"{title}.docx", doc, DOCX_TYPE)])
    outcome = process(application, raw, mailbox="ingest", received_at=when)
    assert outcome.verdict == "accepted" and outcome.pieces == 1, outcome
    with application.sessions() as session:
        return session.scalars(select(Piece).where(Piece.message_id == outcome.ledger_id)).one()


def commission_points(config: Path, at: datetime, month: str = "2026-12") -> dict[str, float]:
    result = invoke(config, "score", "--month", month, "--at", at.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    for row in rows:  # whatever else scores, the components add up to the total
        assert abs(sum(c["points"] for c in row["components"]) - row["score"]) < 1e-9, row
    return {row["unit"]: sum(c["points"] for c in row["components"] if c["key"] == "commissions") for row in rows}


def test_commission_outcomes_and_an_adoption_score_under_tengzhou(tmp_path: Path, office_database: str | None):
    config = write_office_config(tmp_path / "config", database=office_database)
    application = App.open(config)
    made = new_commission(application, topic="岁末年初安全稳定", classes=["B"], deadline_text="2026-12-05 17:00",
                          send=False, now=datetime(2026, 12, 1, 9, 0, tzinfo=TZ))
    assert made.units == ("滕州市审计局", "滕州市体育局", "滕州市信访局")
    deadline = datetime(2026, 12, 5, 17, 0, tzinfo=TZ)
    on_time = ingest(application, SHENJI, f"{made.number}审计局材料", "审计局岁末安全稳定", deadline - timedelta(hours=1))
    late = ingest(application, TIYU, f"回复 {made.number}", "体育局安全稳定", deadline + timedelta(hours=16))
    assert on_time.commission_id == late.commission_id == made.id

    # before the deadline: 审计局 has answered on time (settled), the others are still open and score nothing
    assert commission_points(config, deadline - timedelta(minutes=30)) == {
        **{u: 0 for u in commission_points(config, deadline - timedelta(minutes=30))}, "滕州市审计局": 3}

    adopted = invoke(config, "adopt", str(on_time.id), "枣庄普刊", "--date", "2026-12-10")
    assert adopted.exit_code == 0, adopted.output
    after = commission_points(config, datetime(2026, 12, 20, 9, 0, tzinfo=TZ))
    # Tengzhou (scoring.yaml commissions): 约稿报送 +3 for a piece sent on time or late, 约稿采用 +10,
    # 迟报 −3, 漏报 −5 (扣完为止 is the floor's business, a separate component)
    assert after["滕州市审计局"] == 3 + 10   # sent on time, then adopted
    assert after["滕州市体育局"] == 3 - 3    # sent, but 16 hours late
    assert after["滕州市信访局"] == -5       # nothing linked by the deadline: missed
    assert all(points == 0 for unit, points in after.items()
               if unit not in ("滕州市审计局", "滕州市体育局", "滕州市信访局"))
    # a commission counts in the period of its deadline: nothing in November or January
    assert set(commission_points(config, datetime(2026, 12, 20, tzinfo=TZ), "2026-11").values()) == {0}
    assert set(commission_points(config, datetime(2027, 1, 20, tzinfo=TZ), "2027-01").values()) == {0}

    # the 台账's 约稿 and 时效 columns
    xlsx = tmp_path / "台账.xlsx"
    exported = invoke(config, "ledger", "export", "--month", "2026-12", "-o", str(xlsx))
    assert exported.exit_code == 0, exported.output
    ws = openpyxl.load_workbook(xlsx)["台账"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert (rows[on_time.id]["约稿"], rows[on_time.id]["时效"]) == (made.number, "按时报送")
    assert (rows[late.id]["约稿"], rows[late.id]["时效"]) == (made.number, "迟报")


def test_an_adoption_of_a_superseded_piece_scores_the_commission_of_its_revision(tmp_path: Path,
                                                                                 office_database: str | None):
    """The adoption was recorded on a draft that a commissioned revision later replaced: the credit moves to
    the revision (ledger/status.py), and so does 约稿采用 (+10), through the revision's commission."""
    config = write_office_config(tmp_path / "config", database=office_database)
    application = App.open(config)
    made = new_commission(application, topic="岁末年初安全稳定", classes=["B"], deadline_text="2026-12-05 17:00",
                          send=False, now=datetime(2026, 12, 1, 9, 0, tzinfo=TZ))
    deadline = datetime(2026, 12, 5, 17, 0, tzinfo=TZ)
    draft = ingest(application, SHENJI, "审计局工作动态", "审计局近期工作情况", deadline - timedelta(days=2))
    revision = ingest(application, SHENJI, f"{made.number}审计局材料", "审计局岁末安全稳定", deadline - timedelta(hours=1))
    assert draft.commission_id is None and revision.commission_id == made.id
    adopted = invoke(config, "adopt", str(draft.id), "枣庄普刊", "--date", "2026-12-10")
    assert adopted.exit_code == 0, adopted.output
    at = datetime(2026, 12, 20, 9, 0, tzinfo=TZ)
    assert commission_points(config, at)["滕州市审计局"] == 3         # the draft answers no commission
    replaced = invoke(config, "ledger", "supersede", str(draft.id), str(revision.id))
    assert replaced.exit_code == 0, replaced.output
    assert commission_points(config, at)["滕州市审计局"] == 3 + 10    # the revision's commission: adopted
