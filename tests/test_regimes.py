"""The four other shipped regimes: worked examples computed by hand from the regulation texts.

Every example config directory loads; each regime's figures are the regulation's arithmetic,
written out in the test. Tengzhou's (the default) are in test_scoring.py.
"""

from __future__ import annotations

import filecmp
from datetime import date, timedelta

import pytest
from regime_helpers import EXAMPLES, ROOT, components, example, run, sent, year

from baosong.config.loader import load_config
from baosong.ledger.periods import Period
from baosong.ledger.regime import score
from baosong.ledger.regime.events import (
    AdjustmentEvent,
    AdoptionEvent,
    CommissionEvent,
    Events,
    InstructionEvent,
    PieceEvent,
    UnitRef,
)

REGIMES = ("tengzhou", "changzhou-jiguan", "changzhou-culture", "tobacco", "changchun-hitech")


@pytest.mark.parametrize("name", REGIMES)
def test_every_example_directory_is_a_complete_valid_config(name):
    config = load_config(EXAMPLES / name)
    assert config.units and config.scoring.outlets and config.settings.smtp is not None
    # each unit's class is one of the regime's classes (the loader checks it; the examples use them all)
    assert {u.class_ for u in config.units} == set(config.scoring.classes)


# the dated deadlines each seed regime repeats: (name, every, one year's deadlines in the office's time)
PERIODIC = {
    "tobacco": ("季度政务信息和宣传报道情况", "quarter",      # 每季度最后一个月的20日前
                ["2026-03-20", "2026-06-20", "2026-09-20", "2026-12-20"]),
    "changzhou-jiguan": ("外媒刊用目录", "year", ["2026-12-10"]),   # 每年12月10日前
}


@pytest.mark.parametrize("name", REGIMES)
def test_every_example_ships_its_regimes_periodic_deadlines(name):
    """The seeds' own repeating deadlines are in the example config, and fall where the regulation puts them."""
    from datetime import datetime

    from baosong.ledger.periodic import occurrences_due

    config = load_config(EXAMPLES / name)
    specs = config.settings.commissions.periodic
    if name not in PERIODIC:   # Tengzhou, 文化常州 and 长春高新区 set quotas, not dated deadlines
        assert specs == []
        return
    title, every, days = PERIODIC[name]
    [spec] = specs
    assert (spec.name, spec.every) == (title, every) and spec.match.keywords
    tz = config.tz
    due = occurrences_due(spec, datetime(2026, 1, 1, tzinfo=tz), datetime(2027, 1, 1, tzinfo=tz), tz)
    assert [o.deadline.date().isoformat() for o in due] == days
    assert all((o.deadline.hour, o.deadline.minute) == (23, 59) for o in due)   # the whole day counts


def test_the_shipped_config_is_the_tengzhou_example():
    """config/ is what runs by default; config/examples/tengzhou/ is the copy an admin starts from."""
    for name in ("settings.yaml", "units.yaml", "scoring.yaml"):
        assert filecmp.cmp(ROOT / "config" / name, EXAMPLES / "tengzhou" / name, shallow=False), name


# ------------------------------------------------------------ 常州市机关事务管理局 (seed 000)


def test_changzhou_jiguan_points_by_type_and_mixed_quotas():
    """Article 10: dynamic / comprehensive points per outlet; instructions add; false info −30.
    Article 9: a 处室 must send ≥3 动态类 a month and ≥5 综合类 a year; no points for quotas."""
    scoring = example("changzhou-jiguan")
    chu = UnitRef("节能处", None, "处室")
    mar = date(2026, 3, 10)
    pieces = sent("节能处", mar, "动态类", "动态类", "动态类", "综合类")
    dyn, comp = pieces[0].piece_id, pieces[3].piece_id
    events = dict(pieces=pieces, adoptions=[  # noqa: C408
        AdoptionEvent(dyn, "节能处", "市级党政刊物媒体", mar, "动态类"),   # 动态类 2
        AdoptionEvent(comp, "节能处", "省局期刊网站", mar, "综合类"),       # 综合类 5
    ], instructions=[InstructionEvent(comp, "节能处", "市委市政府领导或省局领导", mar)])  # +20
    month = run(scoring, Period.month(2026, 3), [chu], **events)["节能处"]
    assert month.score == 2 + 5 + 20 == 27
    quotas = {q.name: q for q in month.quotas}
    assert quotas["每月动态类任务"].met and quotas["每月动态类任务"].done == 3
    # the yearly quota is progress only in a month: 1 of 5, not judged
    yearly = quotas["年度综合类任务"]
    assert (yearly.judged, yearly.done, yearly.required) == (False, 1, 5)
    # progress counts from the start of the quota's year: a February 综合类 piece makes it 2 of 5 in March
    feb = sent("节能处", date(2026, 2, 3), "综合类")
    march = run(scoring, Period.month(2026, 3), [chu], **{**events, "pieces": pieces + feb})["节能处"]
    yearly = next(q for q in march.quotas if q.name == "年度综合类任务")
    assert (yearly.judged, yearly.done, yearly.required) == (False, 2, 5)
    assert march.submitted == 4  # February's piece is not March's submission
    # the half-year (the regime's period): the monthly task is judged in each of 6 months, met in March only
    half = run(scoring, Period.half(2026, 1), [chu], **events)["节能处"]
    assert half.score == 27
    monthly = next(q for q in half.quotas if q.name == "每月动态类任务")
    assert (monthly.periods, monthly.periods_met, monthly.required, monthly.done) == (6, 1, 6 * 3, 3)
    # the year judges the yearly quota: 1 of 5 comprehensive pieces, not met
    whole = run(scoring, year(scoring, 2026), [chu], **events)["节能处"]
    yearly = next(q for q in whole.quotas if q.name == "年度综合类任务")
    assert (yearly.judged, yearly.met, yearly.done) == (True, False, 1)


def test_changzhou_jiguan_same_outlet_scores_by_piece_type_and_false_info_deducts():
    scoring = example("changzhou-jiguan")
    qu = UnitRef("甲区中心", None, "辖市区")
    d = date(2026, 5, 6)
    pieces = sent("甲区中心", d, "动态类", None)
    rows = run(scoring, Period.month(2026, 5), [qu], pieces=pieces, adoptions=[
        AdoptionEvent(pieces[0].piece_id, "甲区中心", "国家级媒体", d, "动态类"),   # 10
        AdoptionEvent(pieces[1].piece_id, "甲区中心", "国家级媒体", d, None),       # type unknown: 0, warned
    ], adjustments=[AdjustmentEvent("甲区中心", "信息失实泄密", d)])                 # −30
    row = rows["甲区中心"]
    assert row.score == 10 + 0 - 30 == -20
    assert any("类型" in w and "--type" in w for w in row.warnings)
    # recorded as 综合类 the second adoption is worth 20: 10 + 20 − 30 = 0
    typed = run(scoring, Period.month(2026, 5), [qu], pieces=pieces, adoptions=[
        AdoptionEvent(pieces[0].piece_id, "甲区中心", "国家级媒体", d, "动态类"),
        AdoptionEvent(pieces[1].piece_id, "甲区中心", "国家级媒体", d, "综合类"),
    ], adjustments=[AdjustmentEvent("甲区中心", "信息失实泄密", d)])["甲区中心"]
    assert typed.score == 10 + 20 - 30 == 0


# ------------------------------------------------------------ 文化常州 (seed 001)


def test_changzhou_culture_escalation_scores_again_at_each_level_and_joint_items_split():
    """七、3: recommended to the city offices 4, adopted there +20; 七、2: the provincial office 100;
    七、8: escalation scores at each level; a joint item's points split equally among its units."""
    scoring = example("changzhou-culture")
    units = [UnitRef("甲区图书馆", None, "局属单位"), UnitRef("乙区文化馆", None, "局属单位"),
             UnitRef("丙区博物馆", None, "局属单位"), UnitRef("非遗处", None, "机关处室")]
    d = date(2026, 6, 8)
    joint = sent("甲区图书馆", d, "工作成果类")[0]
    own = sent("甲区图书馆", d, "文化资讯类")[0]
    trio = sent("丙区博物馆", d, "调研信息类")[0]
    share2 = ("甲区图书馆", "非遗处")
    share3 = ("丙区博物馆", "乙区文化馆", "非遗处")
    rows = run(scoring, Period.month(2026, 6), units, pieces=[joint, own, trio], adoptions=[
        AdoptionEvent(joint.piece_id, "甲区图书馆", "推荐转报市委办市政府办", d, units=share2),   # 4
        AdoptionEvent(joint.piece_id, "甲区图书馆", "市委办市政府办录用", d, units=share2),       # +20
        AdoptionEvent(joint.piece_id, "甲区图书馆", "省委办省政府办录用", d, units=share2),       # +100
        AdoptionEvent(own.piece_id, "甲区图书馆", "文化常州简报", d),                             # 20
        AdoptionEvent(own.piece_id, "甲区图书馆", "局网站头条资讯", d),                           # 3
    ], instructions=[InstructionEvent(trio.piece_id, "丙区博物馆", "市级以上领导", d, units=share3)])  # 100
    # the joint item: 4 + 20 + 100 = 124, two units → 62 each
    assert rows["非遗处"].score == round((4 + 20 + 100) / 2 + 100 / 3, 2)
    assert rows["甲区图书馆"].score == (4 + 20 + 100) / 2 + 20 + 3 == 85
    # 100 for an instruction on an item three units sent: 33.33 each
    assert rows["丙区博物馆"].score == round(100 / 3, 2) == 33.33
    assert rows["乙区文化馆"].score == 33.33 and rows["乙区文化馆"].adopted == 0
    assert rows["非遗处"].score == 95.33 and rows["非遗处"].adopted == 1
    # ranks within class 局属单位: 85, 33.33, 33.33
    assert (rows["甲区图书馆"].rank, rows["乙区文化馆"].rank, rows["丙区博物馆"].rank) == (1, 2, 2)


def test_changzhou_culture_commissions_score_by_kind():
    """七、6: a commission completed and adopted: 信息 4, 调研报告 20, 网站专题 30."""
    scoring = example("changzhou-culture")
    d = date(2026, 6, 20)
    rows = run(scoring, Period.month(2026, 6), [UnitRef("乙区文化馆", None, "局属单位")], commissions=[
        CommissionEvent("乙区文化馆", "约稿〔2026〕3号", "adopted", d, "调研报告"),
        CommissionEvent("乙区文化馆", "约稿〔2026〕4号", "adopted", d, "网站专题"),
        CommissionEvent("乙区文化馆", "约稿〔2026〕5号", "adopted", d, "信息"),
        CommissionEvent("乙区文化馆", "约稿〔2026〕6号", "on_time", d, "信息"),   # no points for sending alone
    ])
    assert rows["乙区文化馆"].score == 20 + 30 + 4 == 54


# ------------------------------------------------------------ 烟草系统 (seed 003)


def test_tobacco_quarter_is_five_n1_plus_three_n2_plus_n3():
    """评分标准: total = 一级数量和×5 + 二级数量和×3 + 三级数量和×1, published quarterly."""
    scoring = example("tobacco")
    unit = UnitRef("甲市局", None, "市局")
    oct_, nov, dec = date(2026, 10, 9), date(2026, 11, 13), date(2026, 12, 4)
    pieces = sent("甲市局", oct_, *["政务信息"] * 5 + ["宣传报道"] * 4)
    tier1 = [("中国烟草杂志", oct_), ("中国烟草网站", nov)]                              # n1 = 2
    tier2 = [("本省烟草工作动态", oct_), ("市级以上党政媒体", nov), ("本省烟草网站", dec)]  # n2 = 3
    tier3 = [("其他媒体", oct_), ("其他媒体", nov), ("其他媒体", dec), ("其他媒体", dec)]  # n3 = 4
    adoptions = [AdoptionEvent(p.piece_id, "甲市局", outlet, on)
                 for p, (outlet, on) in zip(pieces, tier1 + tier2 + tier3, strict=True)]
    q4 = run(scoring, Period.quarter(2026, 4), [unit], pieces=pieces, adoptions=adoptions)["甲市局"]
    n1, n2, n3 = 2, 3, 4
    assert q4.score == 5 * n1 + 3 * n2 + 1 * n3 == 23
    assert q4.adopted == 9
    # publication targets count pieces adopted, not sent, and carry no points:
    # one a month in the industry's paper, journal or website — October and November, not December
    monthly = next(q for q in q4.quotas if q.name == "每月行业媒体刊用")
    assert (monthly.periods, monthly.periods_met, monthly.done) == (3, 2, 2)
    # one 政务信息 a quarter in the national bureau's or local government's publications (市级以上党政媒体)
    quarterly = next(q for q in q4.quotas if q.name == "季度政务信息刊用")
    assert (quarterly.met, quarterly.done) == (True, 1)
    # October alone: one of each tier: 5 + 3 + 1
    assert run(scoring, Period.month(2026, 10), [unit], pieces=pieces, adoptions=adoptions)["甲市局"].score == 9
    # the year sums its quarters: Q4 only
    assert run(scoring, year(scoring, 2026), [unit], pieces=pieces, adoptions=adoptions)["甲市局"].score == 23


# ------------------------------------------------------------ 长春高新区 (seed 002, appendix)


def _weekly(unit: str, mondays: list[date], category: str = "简讯类") -> list[PieceEvent]:
    return [p for m in mondays for p in sent(unit, m, category)]


def test_changchun_base_80_quotas_highest_instruction_and_normalised_to_100():
    """Base 80 plus additions and deductions, normalised to 100 (the best unit becomes 100).

    Q1 2026 under a monthly regime: weeks belong to the month of their Thursday; 1 January 2026 is a
    Thursday, so the week of Monday 29 December 2025 is January's first week: 13 weeks in Q1.
    """
    scoring = example("changchun-hitech")
    units = [UnitRef("党政办", None, "综合部门"), UnitRef("组织人事处", None, "综合部门")]
    q1 = Period.quarter(2026, 1)
    mondays = [date(2025, 12, 29) + timedelta(weeks=i) for i in range(13)]
    assert len(q1.parts("week")) == 13 and q1.parts("week")[0].start == mondays[0]

    a = _weekly("党政办", mondays) + sent("党政办", date(2026, 2, 10), "调研类", "调研类")
    r1, r2 = a[-2].piece_id, a[-1].piece_id
    b = _weekly("组织人事处", mondays[:10])                      # three weeks missing, no 调研类 piece
    d = date(2026, 2, 20)
    events = dict(pieces=a + b, adoptions=[  # noqa: C408
        AdoptionEvent(r1, "党政办", "长春信息", d),              # 5
        AdoptionEvent(r2, "党政办", "省办采用", d),              # 30
        *[AdoptionEvent(p.piece_id, "组织人事处", "高新信息", d, "简讯类") for p in b[:4]],  # 4 × 1
    ], instructions=[
        InstructionEvent(r1, "党政办", "市委副书记", d),         # 15
        InstructionEvent(r1, "党政办", "市长", d),               # 20: several instructions, the highest
        InstructionEvent(r2, "党政办", "省领导", d),             # 30
    ], commissions=[CommissionEvent("党政办", "约稿〔2026〕1号", "on_time", d)],   # +5
       adjustments=[AdjustmentEvent("组织人事处", "批示反馈", d, done=False)])      # −10
    rows = run(scoring, q1, units, **events)
    # 党政办: 80 + 5 + 30 + max(15, 20) + 30 + 5 (commission) + 5 (one 调研类 beyond the quarterly 1) = 175
    raw_a = 80 + 5 + 30 + 20 + 30 + 5 + 5 * (2 - 1)
    # 组织人事处: 80 + 4 − 2×3 (three weeks missing) − 5 (no 调研类 this quarter) − 10 (no feedback) = 63
    raw_b = 80 + 4 * 1 - 2 * 3 - 5 * 1 - 10
    assert (raw_a, raw_b) == (175, 63)
    assert rows["党政办"].score == 100
    assert rows["组织人事处"].score == round(raw_b * 100 / raw_a, 2) == 36
    assert components(rows["组织人事处"])["base"] == 80
    assert components(rows["党政办"])["normalise"] == 100 - 175
    weekly = next(q for q in rows["组织人事处"].quotas if q.name == "每周任务")
    assert (weekly.periods, weekly.periods_met) == (13, 10)


def test_changchun_scoring_year_runs_1_january_to_30_november():
    scoring = example("changchun-hitech")
    y = year(scoring, 2026)
    assert (y.start, y.end) == (date(2026, 1, 1), date(2026, 12, 1))
    # the quarterly 调研类 quota in the scoring year: Q1–Q3 and October–November
    assert [(p.start, p.end) for p in y.parts("quarter")][-1] == (date(2026, 10, 1), date(2026, 12, 1))
    unit = UnitRef("经发局", None, "经济部门")
    nov30, dec1 = date(2026, 11, 30), date(2026, 12, 1)
    pieces = sent("经发局", nov30, "其他类") + sent("经发局", dec1, "其他类")
    rows = run(scoring, y, [unit], pieces=pieces, adoptions=[
        AdoptionEvent(pieces[0].piece_id, "经发局", "长春信息", nov30),   # in the scoring year
        AdoptionEvent(pieces[1].piece_id, "经发局", "长春信息", dec1),    # after it: next year's
    ])
    row = rows["经发局"]
    assert row.submitted == 1 and row.component("outlets") == 5


def test_regime_config_mistakes_are_reported_in_both_languages(tmp_path):
    import shutil

    from baosong.config.loader import ConfigError

    def problems(edits: dict[str, tuple[str, str]]) -> list[str]:
        target = tmp_path / f"c{len(list(tmp_path.iterdir()))}"
        shutil.copytree(EXAMPLES / "tengzhou", target)
        for name, (old, new) in edits.items():
            text = (target / name).read_text(encoding="utf-8")
            assert old in text
            (target / name).write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            load_config(target)
        return [str(p) for p in err.value.problems]

    [p] = problems({"units.yaml": ("    group: 镇街\n", "    group: 乡镇\n")})
    assert "units.yaml 第" in p and "'乡镇'" in p and "group not defined" in p
    [p] = problems({"units.yaml": ("    short: 气象局\n", "    short: 气象局\n    counts_for: 不存在的镇\n")})
    assert "counts_for" in p and "another unit" in p
    [p] = problems({"scoring.yaml": ("period: month\n", "period: month\nscoring_year: {start: 01-05, end: 11-30}\n")})
    assert "scoring.yaml 第" in p and "whole months" in p
    [p] = problems({"scoring.yaml": ("  上报: 7\n", "  上报: {工作快讯: 7}\n")})
    assert "工作快讯" in p and "unknown piece type" in p
    [p] = problems({"scoring.yaml": ("    label: 完成年度政务信息培训\n    done: 10\n",
                                     "    label: 完成年度政务信息培训\n    points: 3\n    done: 10\n")})
    assert "give points, or done and not_done" in p


@pytest.mark.parametrize("name", REGIMES)
def test_random_ledgers_keep_the_invariants(name):
    """Random events (outlets, levels and adjustments the config may not know among them), any period:
    the components add up to the score, ranks follow scores within a class, nothing raises."""
    import random

    from baosong.ledger.regime.events import EndorsementEvent

    config = load_config(EXAMPLES / name)
    scoring = config.scoring
    units = [UnitRef(u.name, u.short, u.class_, u.group, u.counts_for) for u in config.units]
    names = [u.name for u in units]
    outlets = [*scoring.outlets, "已撤销的刊物"]
    levels = [*scoring.instructions, "已撤销的级别"]
    adjustments = [*scoring.adjustments, "已撤销的调整"]
    rng = random.Random(f"regimes-{name}")

    def day() -> date:
        return date(2026, 1, 1) + timedelta(days=rng.randrange(365))

    for _ in range(25):
        pieces = [PieceEvent(rng.choice(names), rng.choice([*scoring.categories, None]), i, day())
                  for i in range(rng.randrange(60))]
        adoptions = [AdoptionEvent(p.piece_id, p.unit, rng.choice(outlets), p.day + timedelta(days=rng.randrange(20)),
                                   rng.choice([*scoring.types(), None]),
                                   tuple(dict.fromkeys([p.unit, *rng.sample(names, rng.randrange(3))])))
                     for p in pieces if rng.random() < 0.4]
        instructions = [InstructionEvent(a.piece_id, a.unit, rng.choice(levels), a.on) for a in adoptions
                        if rng.random() < 0.3 and levels]
        commissions = [CommissionEvent(rng.choice(names), f"约稿{i}", rng.choice(
            ["on_time", "late", "missed", "refused", "adopted"]), day(), rng.choice(["信息", "调研报告", None]))
            for i in range(rng.randrange(6))]
        endorsements = [EndorsementEvent(rng.choice(names), rng.choice(["principal", "deputy"]), day())
                        for _ in range(rng.randrange(4))]
        adjusted = [AdjustmentEvent(rng.choice(names), rng.choice(adjustments), day(), rng.choice([True, False]))
                    for _ in range(rng.randrange(4))]
        period = rng.choice([Period.month(2026, rng.randrange(1, 13)), Period.quarter(2026, rng.randrange(1, 5)),
                             Period.half(2026, rng.randrange(1, 3)), year(scoring, 2026)])
        rows = run(scoring, period, units, pieces=pieces, adoptions=adoptions, instructions=instructions,
                   commissions=commissions, endorsements=endorsements, adjustments=adjusted)
        assert set(rows) == set(names)
        for row in rows.values():
            assert round(sum(c.points for c in row.components), 2) == pytest.approx(row.score, abs=0.011)
            assert row.submitted == sum(1 for p in pieces if p.unit == row.unit and period.contains(p.day))
        for a in rows.values():
            for b in rows.values():
                if a.class_ == b.class_ and a.score > b.score:
                    assert a.rank < b.rank


def test_changchun_weeks_and_the_quarterly_quota_not_yet_ended_are_progress_only():
    """Q1 2026 scored on Wednesday 18 February: the seven weeks ending by Monday 16 February are judged; the
    week of 16 February is running and the quarterly 调研类 quota's quarter has not ended (no −5 yet)."""
    scoring = example("changchun-hitech")
    unit = UnitRef("组织人事处", None, "综合部门")
    q1 = Period.quarter(2026, 1)
    mondays = [date(2025, 12, 29) + timedelta(weeks=i) for i in range(7)]
    pieces = tuple(_weekly("组织人事处", mondays))
    (mid,) = score(scoring, q1, [unit], Events(pieces=pieces, as_of=date(2026, 2, 18)))
    weekly = next(q for q in mid.quotas if q.name == "每周任务")
    assert (weekly.judged, weekly.periods, weekly.periods_met, weekly.met) == (True, 7, 7, True)
    quarterly = next(q for q in mid.quotas if q.period == "quarter")
    assert (quarterly.judged, quarterly.periods, quarterly.met) == (False, 0, False)
    assert "quota_missing" not in components(mid)

    # after the quarter: 6 weeks missing (−2 each) and no 调研类 (−5)
    (after,) = score(scoring, q1, [unit], Events(pieces=pieces, as_of=date(2026, 4, 1)))
    weekly = next(q for q in after.quotas if q.name == "每周任务")
    assert (weekly.periods, weekly.periods_met) == (13, 7)
    assert components(after)["quota_missing"] == -2 * 6 - 5
