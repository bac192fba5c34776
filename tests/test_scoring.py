"""Tengzhou (seed 004, the default regime): worked examples computed by hand from Annex 1 and Annex 2.

Every figure below is the regulation's arithmetic, written out in the test.
"""

from __future__ import annotations

from datetime import date

import pytest
from regime_helpers import components, example, run, sent, year

from baosong.ledger.periods import Month, Period
from baosong.ledger.regime.events import (
    AdjustmentEvent,
    AdoptionEvent,
    CommissionEvent,
    EndorsementEvent,
    InstructionEvent,
    UnitRef,
)

OCT = Period.month(2026, 10)
D = date(2026, 10, 12)


@pytest.fixture(scope="module")
def scoring():
    return example("tengzhou")


def C(name: str) -> UnitRef:
    return UnitRef(name, name, "C")


def test_outlet_points_follow_annex_1(scoring):
    assert scoring.outlets["国办专报"] == 60
    assert scoring.outlets["枣庄普刊"] == 15
    assert scoring.outlets["上报"] == 7
    assert scoring.instructions["滕州市政府领导"] == 20
    # 约稿报送 / 约稿采用 are commission outcomes, scored from commission events
    assert scoring.commissions.sent == 3 and scoring.commissions.adopted == 10


def test_quota_notes_met_short_floor_and_extra(scoring):
    """Annex 1 note 1 on a class C unit (at least 3 a month, at least 2 of them 工作动态)."""
    units = [C("甲"), C("乙"), C("丙"), C("丁")]
    jia = sent("甲", D, "工作动态", "工作动态", "问题建议")
    yi = sent("乙", D, "工作动态")
    bing = sent("丙", D, "工作动态")
    ding = sent("丁", D, "工作动态", "工作动态", "工作动态", "经验亮点", "社情民意")
    rows = run(scoring, OCT, units, pieces=jia + yi + bing + ding, adoptions=[
        AdoptionEvent(jia[0].piece_id, "甲", "枣庄普刊", D),
        AdoptionEvent(yi[0].piece_id, "乙", "上报", D),
    ])
    # 甲: task done (3 ≥ 3, 工作动态 2 ≥ 2): 枣庄普刊 15 + 完成任务 5 = 20
    assert rows["甲"].score == 15 + 5 == 20
    assert components(rows["甲"]) == {"outlets": 15, "quota_met": 5}
    # 乙: 1 of 3 sent, 2 missing: 上报 7 − 2×1 = 5
    assert rows["乙"].score == 7 - 2 * 1 == 5
    # 丙: no adoptions and 2 short: 0 − 2 stops at 0 (扣完为止), shown as its own line
    assert rows["丙"].score == max(0, 0 - 2 * 1) == 0
    assert components(rows["丙"]) == {"quota_missing": -2, "floor": 2}
    # 丁: 5 sent, 2 beyond the quota: 5 + 2×2 = 9
    assert rows["丁"].score == 5 + 2 * 2 == 9
    # ranks within class C: 甲 20, 丁 9, 乙 5, 丙 0
    assert [(u, r.rank) for u, r in rows.items()] == [("甲", 1), ("丁", 2), ("乙", 3), ("丙", 4)]
    # quota completion by category is reported
    quota = {(q.category): (q.required, q.done, q.met) for q in rows["乙"].quotas}
    assert quota == {None: (3, 1, False), "工作动态": (2, 1, False)}
    # components always add up to the score
    for r in rows.values():
        assert round(sum(c.points for c in r.components), 2) == r.score


def test_category_shortfall_with_the_total_met_reading_is_a_switch(scoring):
    """C unit 戊 sends 3 问题建议 and no 工作动态, one 政务信息交流 adoption (10).

    required (default): the task includes 工作动态 ≥ 2; 2 pieces are missing → 10 − 2 = 8.
    advisory: only the total counts; the task is done → 10 + 5 = 15.
    """
    wu = sent("戊", D, "问题建议", "问题建议", "问题建议")
    adoption = [AdoptionEvent(wu[0].piece_id, "戊", "政务信息交流", D)]
    strict = run(scoring, OCT, [C("戊")], pieces=wu, adoptions=adoption)["戊"]
    assert strict.score == 10 - 2 * 1 == 8
    advisory_points = scoring.quota_points.model_copy(update={"categories": "advisory"})
    advisory = scoring.model_copy(update={"quota_points": advisory_points})
    loose = run(advisory, OCT, [C("戊")], pieces=wu, adoptions=adoption)["戊"]
    assert loose.score == 10 + 5 == 15
    # in both readings the category's completion is reported as not met
    assert [q.met for q in loose.quotas if q.category == "工作动态"] == [False]


def test_category_shortfall_counts_pieces_needed_not_both_shortfalls(scoring):
    """A unit 2 short in total and 2 short in 工作动态 needs 2 more pieces, not 4: 1 问题建议 sent → −2."""
    geng = sent("庚", D, "问题建议")
    row = run(scoring, OCT, [C("庚")], pieces=geng, adoptions=[AdoptionEvent(geng[0].piece_id, "庚", "枣庄普刊", D)])
    assert row["庚"].score == 15 - max(3 - 1, 2 - 0) * 1 == 13


def test_commissions_fed_by_commission_events(scoring):
    """Annex 1: 约稿报送 3, 约稿采用 10; note 4: refused or missed −5 each, late −3 each, 扣完为止."""
    x = sent("辛", D, "工作动态", "工作动态", "工作动态")        # task done: +5
    y = sent("壬", D, "工作动态", "工作动态", "工作动态")        # task done: +5
    rows = run(scoring, OCT, [C("辛"), C("壬")], pieces=x + y, commissions=[
        CommissionEvent("辛", "约稿〔2026〕12号", "on_time", D),   # +3
        CommissionEvent("辛", "约稿〔2026〕12号", "adopted", D),   # +10
        CommissionEvent("辛", "约稿〔2026〕13号", "late", D),      # sent +3, late −3
        CommissionEvent("辛", "约稿〔2026〕14号", "refused", D),   # −5
        CommissionEvent("壬", "约稿〔2026〕12号", "missed", D),    # −5
        CommissionEvent("壬", "约稿〔2026〕13号", "missed", D),    # −5
    ])
    assert rows["辛"].score == 5 + 3 + 10 + (3 - 3) - 5 == 13
    assert rows["辛"].component("commissions") == 3 + 10 + 3 - 3 - 5 == 8
    # 壬: 5 − 5 − 5 = −5, stops at 0
    assert rows["壬"].score == max(0, 5 - 5 - 5) == 0


def test_endorsements_and_yearly_adjustments(scoring):
    """Note 2: the notice endorsed by the principal +10 each time, the deputy +5.
    Notes 5 and 6: yearly training and rotation +10 done, −10 not done — counted in the year only."""
    units = [C("癸")]
    pieces = sent("癸", D, "工作动态", "工作动态", "工作动态")  # October task done: +5
    events = dict(pieces=pieces, endorsements=[  # noqa: C408 (keyword arguments read as the regulation)
        EndorsementEvent("癸", "principal", D), EndorsementEvent("癸", "principal", date(2026, 10, 20)),
        EndorsementEvent("癸", "deputy", D),
    ], adjustments=[
        AdjustmentEvent("癸", "年度信息培训", date(2026, 12, 20), done=True),
        AdjustmentEvent("癸", "年度跟岗轮训", date(2026, 12, 20), done=False),
    ])
    month = run(scoring, OCT, units, **events)["癸"]
    assert month.score == 5 + 10 + 10 + 5 == 30
    # the year: October 30; the other 11 months nothing sent, 3 short each → 0 each (扣完为止);
    # then training +10 and rotation −10 outside the floor
    whole = run(scoring, year(scoring, 2026), units, **events)["癸"]
    assert whole.score == 30 + 11 * 0 + 10 - 10 == 30
    assert whole.component("adjust:年度信息培训") == 10
    assert whole.component("adjust:年度跟岗轮训") == -10
    assert whole.component("quota_missing") == -3 * 11 and whole.component("floor") == 3 * 11


def test_a_quarter_sums_months_each_floored(scoring):
    """October: nothing sent, 3 short → 0 (not −3). November: 3 sent + 枣庄普刊 → 20. Quarter = 0 + 20 + 0."""
    nov = date(2026, 11, 5)
    pieces = sent("子", nov, "工作动态", "工作动态", "工作动态")
    rows = run(scoring, Period.quarter(2026, 4), [C("子")], pieces=pieces,
               adoptions=[AdoptionEvent(pieces[0].piece_id, "子", "枣庄普刊", nov)])
    assert rows["子"].score == 0 + (15 + 5) + 0 == 20
    assert rows["子"].submitted == 3 and rows["子"].adopted == 1
    quota = next(q for q in rows["子"].quotas if q.category is None)
    assert (quota.required, quota.done, quota.periods, quota.periods_met) == (9, 3, 3, 1)


def test_instructions_at_several_levels_accumulate(scoring):
    p = sent("丑", D, "工作动态")
    rows = run(scoring, OCT, [C("丑")], pieces=p, adoptions=[AdoptionEvent(p[0].piece_id, "丑", "枣庄普刊", D)],
               instructions=[InstructionEvent(p[0].piece_id, "丑", "滕州市政府领导", D),
                             InstructionEvent(p[0].piece_id, "丑", "枣庄市政府领导", D)])
    assert rows["丑"].component("outlets") + rows["丑"].component("instructions") == 15 + 20 + 30


def test_highest_instruction_mode_takes_the_maximum(scoring):
    highest = scoring.model_copy(update={"instruction_mode": "highest"})
    p = sent("丑", D, "工作动态")
    rows = run(highest, OCT, [C("丑")], pieces=p, adoptions=[AdoptionEvent(p[0].piece_id, "丑", "每日要情", D)],
               instructions=[InstructionEvent(p[0].piece_id, "丑", "滕州市政府领导", D),
                             InstructionEvent(p[0].piece_id, "丑", "省政府领导", D)])
    assert rows["丑"].component("outlets") + rows["丑"].component("instructions") == 5 + 40


def test_history_the_config_no_longer_names_scores_zero_with_a_warning(scoring):
    p = sent("寅", D, "工作动态", "工作动态", "工作动态")
    rows = run(scoring, OCT, [C("寅")], pieces=p, adoptions=[
        AdoptionEvent(p[0].piece_id, "寅", "已撤销的刊物", D), AdoptionEvent(p[1].piece_id, "寅", "上报", D)],
        instructions=[InstructionEvent(p[1].piece_id, "寅", "已撤销的级别", D)],
        adjustments=[AdjustmentEvent("寅", "已撤销的调整", D)])
    row = rows["寅"]
    assert row.score == 0 + 7 + 0 + 5 == 12
    assert len(row.warnings) == 3 and "已撤销的刊物" in row.warnings[0]
    unconfigured = next(c for c in row.components if c.key == "unconfigured")
    assert unconfigured.points == 0 and len(unconfigured.detail) == 3


def test_ranks_within_class_and_group(scoring):
    units = [UnitRef("甲镇", "甲镇", "A", "镇街"), UnitRef("乙局", "乙局", "A"), UnitRef("丙街道", None, "A", "镇街"),
             UnitRef("丁办", None, "B")]
    a, b, c = sent("甲镇", D, "工作动态"), sent("乙局", D, "工作动态"), sent("丙街道", D, "工作动态")
    rows = run(scoring, OCT, units, pieces=a + b + c, adoptions=[
        AdoptionEvent(a[0].piece_id, "甲镇", "每日要情", D), AdoptionEvent(b[0].piece_id, "乙局", "枣庄普刊", D),
        AdoptionEvent(c[0].piece_id, "丙街道", "政务信息交流", D)])
    # each A unit sent 1 of 10: 9 missing, −9 → floored at 0 for all three
    assert {u: r.score for u, r in rows.items()} == {"甲镇": 0, "乙局": 6, "丙街道": 1, "丁办": 0}
    assert rows["乙局"].score == 15 - 9 and rows["丙街道"].score == 10 - 9
    assert (rows["乙局"].rank, rows["丙街道"].rank, rows["甲镇"].rank) == (1, 2, 3)
    assert (rows["丙街道"].group_rank, rows["甲镇"].group_rank, rows["乙局"].group_rank) == (1, 2, None)
    assert rows["甲镇"].as_json()["group"] == "镇街"


def test_pinned_json_keys_come_first(scoring):
    row = run(scoring, OCT, [C("卯")])["卯"]
    data = row.as_json()
    assert list(data)[:6] == ["unit", "class", "submitted", "adopted", "score", "rank"]
    assert {"counted", "components", "quotas", "warnings"} <= set(data)


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


def test_direct_reporting_points_count_for_their_town_at_year_end(scoring):
    """Annex 1: items adopted from a direct reporting point count for its town's total at year end."""
    units = [UnitRef("甲镇", "甲镇", "C"), UnitRef("甲镇某村直报点", "某村", "C", counts_for="甲镇")]
    d = date(2026, 6, 10)
    town = sent("甲镇", d, "工作动态", "工作动态", "工作动态")     # June task done: +5
    point = sent("甲镇某村直报点", d, "工作动态")                    # 1 of 3: −2, floored
    events = {"pieces": town + point, "adoptions": [
        AdoptionEvent(point[0].piece_id, "甲镇某村直报点", "枣庄普刊", d)],             # 15
        "instructions": [InstructionEvent(point[0].piece_id, "甲镇某村直报点", "滕州市政府领导", d)]}  # 20
    june = run(scoring, Period.month(2026, 6), units, **events)
    assert (june["甲镇"].score, june["甲镇某村直报点"].score) == (5, 15 + 20 - 2)
    whole = run(scoring, year(scoring, 2026), units, **events)
    # every other month: nothing sent by either, 0 after the floor
    assert whole["甲镇某村直报点"].score == 33
    assert whole["甲镇"].score == 5 + (15 + 20)
    assert whole["甲镇"].component("direct_points") == 35


def _quarter(scoring, as_of: date | None, since: date | None = None):
    """Class C 甲 in 2026Q4: October 3 pieces (2 工作动态) + 枣庄普刊, November 1 piece + 上报, December none."""
    from baosong.ledger.regime import score
    from baosong.ledger.regime.events import Events

    oct_pieces = sent("甲", D, "工作动态", "工作动态", "问题建议")
    nov_pieces = sent("甲", date(2026, 11, 3), "工作动态")
    events = Events(pieces=tuple(oct_pieces + nov_pieces), adoptions=(
        AdoptionEvent(oct_pieces[0].piece_id, "甲", "枣庄普刊", date(2026, 10, 20)),
        AdoptionEvent(nov_pieces[0].piece_id, "甲", "上报", date(2026, 11, 20)),
    ), as_of=as_of, since=since)
    (row,) = score(scoring, Period.quarter(2026, 4), [C("甲")], events)
    return row, {q.category: q for q in row.quotas}


def test_a_quarter_scored_mid_quarter_judges_only_the_months_that_have_ended(scoring):
    """Audit A8: on 30 November, November (running) and December (not begun) are progress only."""
    row, quotas = _quarter(scoring, date(2026, 11, 30))
    # October: 15 + 5 (task done); November: 上报 7, its shortfall not judged yet; December nothing
    assert row.score == 15 + 5 + 7 == 27
    assert components(row) == {"outlets": 15 + 7, "quota_met": 5}
    total, category = quotas[None], quotas["工作动态"]
    assert (total.judged, total.periods, total.periods_met, total.met) == (True, 1, 1, True)
    assert (total.required, total.done) == (3 * 3, 4)
    assert (category.periods, category.periods_met, category.required, category.done) == (1, 1, 2 * 3, 3)

    # 1 December (the office's day): November has ended and is judged, December is not
    row, quotas = _quarter(scoring, date(2026, 12, 1))
    assert row.score == 20 + (7 - 2 * 1) == 25
    assert components(row) == {"outlets": 22, "quota_met": 5, "quota_missing": -2}
    assert (quotas[None].periods, quotas[None].periods_met, quotas[None].met) == (2, 1, False)


def test_a_quarter_scored_after_its_end_judges_every_month_as_before(scoring):
    """After the quarter (or with no instant: the pure functions' default) all three months are judged."""
    for as_of in (date(2027, 1, 1), date(2027, 6, 30), None):
        row, quotas = _quarter(scoring, as_of)
        # October 20; November 7 − 2 = 5; December 0 − 3 stops at 0 (扣完为止)
        assert row.score == 20 + 5 + 0 == 25
        assert components(row) == {"outlets": 22, "quota_met": 5, "quota_missing": -2 - 3, "floor": 3}
        assert [d[:8] for d in next(c for c in row.components if c.key == "quota_missing").detail] == [
            "2026年11月", "2026年12月"]
        assert (quotas[None].judged, quotas[None].periods, quotas[None].periods_met) == (True, 3, 1)


def test_months_before_the_ledger_began_are_not_judged(scoring):
    """settings.yaml ledger_start 2026-11 (the office went live in November, its old 台账 not imported):
    October has no record to judge by, so its task is progress only; November and December are judged."""
    row, quotas = _quarter(scoring, date(2027, 1, 1), since=date(2026, 11, 1))
    # October: 枣庄普刊 15, task not judged (no +5); November 7 − 2 = 5; December 0 − 3 stops at 0
    assert row.score == 15 + 5 + 0 == 20
    assert components(row) == {"outlets": 22, "quota_missing": -2 - 3, "floor": 3}
    assert (quotas[None].judged, quotas[None].periods, quotas[None].periods_met) == (True, 2, 0)
    # the ledger beginning on the quarter's first day changes nothing
    assert _quarter(scoring, date(2027, 1, 1), since=date(2026, 10, 1))[0].score == 25


def test_a_period_none_of_whose_months_has_ended_is_progress_only(scoring):
    row, quotas = _quarter(scoring, date(2026, 9, 30))  # before the quarter begins
    assert row.score == 22 and "quota_missing" not in components(row) and "quota_met" not in components(row)
    for q in quotas.values():
        assert (q.judged, q.met, q.periods, q.periods_met) == (False, False, 0, 0)
        assert q.as_json()["judged"] is False
    assert (quotas[None].required, quotas[None].done) == (9, 4)
