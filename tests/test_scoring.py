"""Scoring on the Tengzhou regime (Annex 1 points): pure functions, worked examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from baosong.config.loader import load_config
from baosong.ledger.periods import Month
from baosong.ledger.scoring import CreditEvent, PieceEvent, UnitRef, credit_points, score_period

CONFIG = Path(__file__).resolve().parents[1] / "config"


@pytest.fixture(scope="module")
def scoring():
    return load_config(CONFIG).scoring


UNITS = [
    UnitRef("甲镇", "甲镇", "A"), UnitRef("乙局", "乙局", "A"), UnitRef("丙局", None, "A"),
    UnitRef("丁办", None, "B"), UnitRef("戊中心", None, "C"),
]


def test_outlet_points_follow_annex_1(scoring):
    assert scoring.outlets["国办专报"] == 60
    assert scoring.outlets["枣庄普刊"] == 15
    assert scoring.outlets["约稿报送"] == 3
    assert scoring.instructions["滕州市政府领导"] == 20


def test_instructions_at_several_levels_accumulate(scoring):
    credits = [
        CreditEvent("甲镇", 1, "outlet", "枣庄普刊"),
        CreditEvent("甲镇", 1, "instruction", "滕州市政府领导"),
        CreditEvent("甲镇", 1, "instruction", "枣庄市政府领导"),
    ]
    assert credit_points(credits, scoring) == {1: 15 + 20 + 30}


def test_highest_instruction_mode_takes_the_maximum(scoring):
    highest = scoring.model_copy(update={"instruction_mode": "highest"})
    credits = [
        CreditEvent("甲镇", 1, "outlet", "每日要情"),
        CreditEvent("甲镇", 1, "instruction", "滕州市政府领导"),
        CreditEvent("甲镇", 1, "instruction", "省政府领导"),
    ]
    assert credit_points(credits, highest) == {1: 5 + 40}


def test_month_scores_and_ranks_within_class(scoring):
    pieces = [PieceEvent("甲镇", "工作动态")] * 5 + [PieceEvent("乙局", "工作动态")] * 3 + [PieceEvent("丁办", None)]
    credits = [
        CreditEvent("甲镇", 1, "outlet", "每日要情"),       # 5
        CreditEvent("甲镇", 2, "outlet", "政务信息交流"),   # 10
        CreditEvent("乙局", 7, "outlet", "枣庄普刊"),       # 15
        CreditEvent("丙局", 9, "outlet", "上报"),           # 7
        CreditEvent("丙局", 9, "outlet", "每日要情"),       # 5 -> 12 on one piece
        CreditEvent("丁办", 11, "outlet", "约稿报送"),      # 3
    ]
    result = score_period(UNITS, pieces, credits, scoring)
    table = [(s.class_, s.unit, s.submitted, s.adopted, s.score, s.rank) for s in result]
    assert table == [
        ("A", "甲镇", 5, 2, 15, 1),
        ("A", "乙局", 3, 1, 15, 1),
        ("A", "丙局", 0, 1, 12, 3),
        ("B", "丁办", 1, 1, 3, 1),
        ("C", "戊中心", 0, 0, 0, 1),
    ]
    assert result[0].as_json() == {"unit": "甲镇", "class": "A", "submitted": 5, "adopted": 2,
                                   "score": 15, "rank": 1}


def test_month_parsing_and_bounds():
    from zoneinfo import ZoneInfo

    m = Month.parse("2026-10")
    start, end = m.bounds(ZoneInfo("Asia/Shanghai"))
    assert start.isoformat() == "2026-09-30T16:00:00+00:00"
    assert end.isoformat() == "2026-10-31T16:00:00+00:00"
    assert Month.parse("2026-12").next() == Month(2027, 1)
    assert Month.parse("2026-01").previous() == Month(2025, 12)
    assert m.label == "2026年10月"
    for bad in ("2026-13", "2026/10", "10-2026", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            Month.parse(bad)
