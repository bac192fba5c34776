"""The interview rule and the reminders as pure functions: bottom N with ties, the group rule over
consecutive months, class sizes, the quota pace, the reminder window; and scoring.yaml's interviews: check."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from baosong.config.schema import Scoring
from baosong.ledger.periods import Month
from baosong.ledger.regime.sheet import QuotaStatus
from baosong.ledger.scoring import UnitScore
from baosong.notify.letters import CLASS, GROUP, InterviewRule, Selection, bottom, interviewed
from baosong.notify.reminders import OpenCommission, behind_pace, due, pace_mails, reminder_mails

TZ = ZoneInfo("Asia/Shanghai")


def s(unit: str, score: float, klass: str = "A", group: str | None = None, rank: int = 1) -> UnitScore:
    return UnitScore(unit=unit, short=None, class_=klass, submitted=1, adopted=0, score=score, rank=rank, group=group)


def test_bottom_counts_ties_at_the_boundary():
    scores = [s("a", 10), s("b", 5), s("c", 3), s("d", 3), s("e", 0)]
    # three lowest scores: 0, 3, 3 → threshold 3 → e, c, d
    assert bottom(scores, 3) == {"c", "d", "e"}
    # two lowest: 0, 3 → threshold 3: the tie with d brings in a third unit
    assert bottom(scores, 2) == {"c", "d", "e"}
    assert bottom(scores, 1) == {"e"}
    assert bottom(scores[:2], 3) == {"a", "b"}   # a class smaller than N: all of it
    assert bottom([], 3) == set()


def test_group_rule_needs_every_one_of_the_consecutive_months():
    rule = InterviewRule(group="镇街", bottom=2, consecutive_months=2, classes=("B",))
    aug = [s("甲镇", 1, group="镇街"), s("乙镇", 2, group="镇街"), s("丙镇", 9, group="镇街")]
    sep = [s("甲镇", 8, group="镇街"), s("乙镇", 1, group="镇街"), s("丙镇", 2, group="镇街")]
    # August bottom two {甲, 乙}; September {乙, 丙}: only 乙镇 both months. Class A is not listed.
    assert interviewed(rule, [aug, sep]) == [Selection("乙镇", (GROUP,))]
    # one month of history is not "two months running"
    assert interviewed(rule, [sep]) == []
    three = InterviewRule(group="镇街", bottom=2, consecutive_months=3, classes=("B",))
    assert interviewed(three, [aug, sep]) == []
    # a group of three has no "bottom three" either (the class rule's size, audit A7): all three towns
    # would be summoned every month; the literal reading stays available as config
    rule3 = InterviewRule(group="镇街", bottom=3, consecutive_months=2, classes=("B",))
    assert interviewed(rule3, [aug, sep]) == []
    literal = InterviewRule(group="镇街", bottom=3, consecutive_months=2, classes=("B",), min_class_size=1)
    assert [x.unit for x in interviewed(literal, [aug, sep])] == ["甲镇", "乙镇", "丙镇"]


def test_class_rule_and_both_reasons_and_class_size():
    rule = InterviewRule(group="镇街", bottom=1, consecutive_months=1, min_class_size=3)
    month = [s("甲镇", 0, "A", "镇街"), s("商务局", 5, "A"), s("审计局", 9, "A"),
             s("乙镇", 3, "C", "镇街"), s("丙镇", 4, "C", "镇街"), s("体育局", 1, "B"), s("信访局", 2, "B")]
    # 甲镇: the group's lowest (3 towns) and class A's lowest; class B has 2 < 3 units: not judged;
    # class C's lowest, 乙镇, is in the group but not its lowest
    assert interviewed(rule, [month]) == [Selection("甲镇", (GROUP, CLASS))]
    assert interviewed(InterviewRule(group=None, bottom=1, min_class_size=1), [month]) == [
        Selection("甲镇", (CLASS,)), Selection("乙镇", (CLASS,)), Selection("体育局", (CLASS,))]


def test_a_class_no_larger_than_bottom_has_no_bottom_by_default():
    """Seed 004: "A、B、C三类后三位的单位" — a class of three has no "bottom three": the shipped default does not
    summon its first-ranked unit (the audit's A7: 商务局, 第1名（共3个单位）, got a letter)."""
    a3 = [s("商务局", 30, "A", rank=1), s("审计局", 20, "A", rank=2), s("统计局", 10, "A", rank=3)]
    b5 = [s(f"B{i}", 10 * i, "B", rank=6 - i) for i in range(1, 6)]
    default = InterviewRule(group=None, bottom=3)
    # class A (3 units, not more than bottom) is not judged; class B (5 units): its lowest three
    assert interviewed(default, [a3 + b5]) == [Selection(f"B{i}", (CLASS,)) for i in (1, 2, 3)]
    assert default.class_size_needed == 4
    # a class of exactly bottom + 1 is judged: its first-ranked unit stays out
    a4 = a3 + [s("体育局", 0, "A", rank=4)]
    assert [x.unit for x in interviewed(default, [a4])] == ["审计局", "统计局", "体育局"]
    # the literal reading stays available as config
    assert [x.unit for x in interviewed(InterviewRule(group=None, bottom=3, min_class_size=1), [a3])] == [
        "商务局", "审计局", "统计局"]
    # the config's default is the same rule, and the shipped scoring.yaml says it explicitly
    base = {"classes": {"A": {"quota": {"total": 10}}}, "outlets": {"上报": 7}}
    assert Scoring.model_validate(base).interviews.min_class_size is None
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[1] / "config"
    for path in (root / "scoring.yaml", root / "examples" / "tengzhou" / "scoring.yaml"):
        i = yaml.safe_load(path.read_text(encoding="utf-8"))["interviews"]
        assert i["enabled"] and i.get("min_class_size", i["bottom"] + 1) > i["bottom"], path


def test_interviews_config_is_checked():
    base = {"classes": {"A": {"quota": {"total": 10}}}, "outlets": {"上报": 7}, "groups": {"镇街": "镇街"}}
    assert Scoring.model_validate(base).interviews.bottom == 3
    with pytest.raises(ValidationError, match="interviews.group"):
        Scoring.model_validate({**base, "interviews": {"group": "乡镇"}})
    with pytest.raises(ValidationError, match="interviews.classes"):
        Scoring.model_validate({**base, "interviews": {"classes": ["D"]}})
    with pytest.raises(ValidationError):
        Scoring.model_validate({**base, "interviews": {"bottom": 0}})


def quota(required: int, done: int) -> QuotaStatus:
    return QuotaStatus("月度任务", "month", None, required=required, done=done, periods=1, periods_met=int(done >= required))


def test_quota_pace_on_the_15th_of_a_30_day_month():
    scores = [UnitScore("甲", None, "A", 4, 0, 0, 1, quotas=(quota(10, 4),)),   # needs ceil(10·15/30) = 5
              UnitScore("乙", None, "A", 5, 0, 0, 1, quotas=(quota(10, 5),)),
              UnitScore("丙", None, "C", 1, 0, 0, 1, quotas=(quota(3, 1),))]     # needs ceil(1.5) = 2
    behind = behind_pace(scores, {"甲": ("a@x.org",), "乙": ("b@x.org",), "丙": ("c@x.org",)}, day=15, days_in_month=30)
    assert [(p.unit, p.expected) for p in behind] == [("甲", 5), ("丙", 2)]
    (mail, _) = pace_mails(behind, month=Month(2026, 11), office_name="滕州市人民政府办公室", department="信息科")
    assert mail.key == "pace:2026-11:甲" and "已报送 4 篇" in mail.subject and "应报送 5 篇" in mail.text


def test_reminders_fall_in_the_window_before_the_deadline():
    deadline = datetime(2026, 12, 5, 17, 0, tzinfo=TZ)
    item = OpenCommission("约稿〔2026〕3号", "冬季供暖<保障>", deadline, "甲镇", ("a@x.org",))
    assert due([item], now=deadline - timedelta(hours=25), hours=24) == []
    assert due([item], now=deadline - timedelta(hours=24), hours=24) == [item]
    assert due([item], now=deadline, hours=24) == []          # passed: it is missed, not reminded
    assert due([item], now=deadline - timedelta(hours=1), hours=0) == []
    (mail,) = reminder_mails([item], office_name="滕州市人民政府办公室", department="信息科", phone=None)
    assert mail.key == "reminder:约稿〔2026〕3号:甲镇" and mail.to == ("a@x.org",)
    assert "冬季供暖&lt;保障&gt;" in mail.html and "冬季供暖<保障>" in mail.text   # the HTML part is escaped


def test_the_notice_html_escapes_unit_names():
    from datetime import date

    from baosong.notify.monthly import NoticeExtras, Recipient, notice_mails

    evil = UnitScore("某局", "<script>alert(1)</script>", "A", 0, 0, 0, 1, quotas=(quota(10, 0),))
    (mail,) = notice_mails(month=Month(2026, 10), scores=[evil], recipients=[Recipient("office", ("o@x.org",), "各位", None)],
                           office_name="某县人民政府办公室", department="信息科", class_labels={"A": "A类"}, regime="办法",
                           issued_on=date(2026, 11, 3), extras=NoticeExtras(place="县"))
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    assert "<script>alert(1)</script>" in mail.text and "全县" in mail.text and "零报送单位（1 个）" in mail.text
