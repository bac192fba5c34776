"""Commissions' pure parts: working days across real holidays, deadlines, statuses, the link matcher,
periodic deadlines and the config section. No servers: plain values in, decisions out."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import write_office_config

from baosong.config.commissions import CommissionsConfig, PeriodicDeadline, YearCalendar, parse_clock
from baosong.config.loader import ConfigError, load_config
from baosong.intake.commission_link import LinkRules, OpenCommission, link_piece, numbers_in, tagged
from baosong.ledger.periodic import addressed, occurrence_at, occurrences_due, state_of
from baosong.ledger.timeliness import parse_deadline, unit_status
from baosong.ledger.workdays import UnknownYear, WorkCalendar
from baosong.vocabulary import CommissionLink, CommissionStatus

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()
H1730 = time(17, 30)


# ------------------------------------------------------------------ working days


def test_working_days_across_national_day_2026_with_make_up_saturday():
    # 2026: 10月1日至7日放假调休共7天，9月20日（周日）、10月10日（周六）上班
    assert CAL.add_working_days(date(2026, 9, 29), 1) == date(2026, 9, 30)
    # from Wednesday 30 September: 1 = Thu 8 Oct, 2 = Fri 9 Oct, 3 = Sat 10 Oct (a make-up working day)
    assert CAL.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    # weekends alone would have said Monday 5 October
    assert CAL.add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 12)
    # Friday 18 September: Saturday 19 off, Sunday 20 a make-up working day
    assert CAL.add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)


def test_working_days_across_spring_festival_2026():
    # 2026: 2月15日至23日放假调休共9天，2月14日（周六）、2月28日（周六）上班
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert CAL.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert CAL.add_working_days(date(2026, 2, 26), 2) == date(2026, 2, 28)


def test_a_year_nobody_knows_is_refused_not_guessed_and_config_years_are_used():
    with pytest.raises(UnknownYear) as exc:
        CAL.add_working_days(date(2027, 1, 28), 3)
    assert "commissions.calendar" in str(exc.value) and "2027" in str(exc.value)
    admin = WorkCalendar.from_config({2027: YearCalendar(
        holidays=[date(2027, 2, 5), date(2027, 2, 8)], workdays=[date(2027, 1, 30)])})
    assert admin.knows(2027)
    # Thu 28 Jan 2027 + 3: Fri 29, Sat 30 (make-up), Mon 1 Feb
    assert admin.add_working_days(date(2027, 1, 28), 3) == date(2027, 2, 1)
    # Thu 4 Feb + 2: Fri 5 off, Mon 8 off -> Tue 9, Wed 10
    assert admin.add_working_days(date(2027, 2, 4), 2) == date(2027, 2, 10)
    # the admin's dates also override the package inside a year it knows
    fixed = WorkCalendar.from_config({2026: YearCalendar(holidays=[date(2026, 12, 1)])})
    assert fixed.add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 2)


def test_deadlines_as_the_office_writes_them():
    now = datetime(2026, 9, 30, 10, 0, tzinfo=TZ)
    d = parse_deadline("2026-12-05 17:00", now=now, tz=TZ, default_time=H1730, calendar=CAL)
    assert d.when == datetime(2026, 12, 5, 17, 0, tzinfo=TZ) and d.working_days is None
    assert parse_deadline("2026-12-05", now=now, tz=TZ, default_time=H1730, calendar=CAL).when == \
        datetime(2026, 12, 5, 17, 30, tzinfo=TZ)
    assert parse_deadline("2026-12-05T09:00:00+00:00", now=now, tz=TZ, default_time=H1730, calendar=CAL).when == \
        datetime(2026, 12, 5, 17, 0, tzinfo=TZ)
    for text in ("3工作日", "3个工作日", " 3 个工作日内"):
        d = parse_deadline(text, now=now, tz=TZ, default_time=H1730, calendar=CAL)
        assert d.when == datetime(2026, 10, 10, 17, 30, tzinfo=TZ) and d.working_days == 3
    # "now" is taken in the office's time zone: 23:30 UTC on 29 September is already the 30th in Beijing
    late_utc = datetime(2026, 9, 29, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert parse_deadline("1工作日", now=late_utc, tz=TZ, default_time=H1730, calendar=CAL).when.date() == \
        date(2026, 10, 8)
    for bad in ("下周五", "2026-13-01", "0工作日", ""):
        with pytest.raises(ValueError):
            parse_deadline(bad, now=now, tz=TZ, default_time=H1730, calendar=CAL)


# ------------------------------------------------------------------ statuses


def test_unit_status_on_time_late_missed_open_refused():
    deadline = datetime(2026, 12, 5, 17, 0, tzinfo=TZ)
    before, after = deadline - timedelta(hours=3), deadline + timedelta(hours=3)
    assert unit_status(deadline=deadline, now=before, linked=[]) is CommissionStatus.OPEN
    assert unit_status(deadline=deadline, now=after, linked=[]) is CommissionStatus.MISSED
    assert unit_status(deadline=deadline, now=after, linked=[deadline]) is CommissionStatus.ON_TIME  # exactly at
    assert unit_status(deadline=deadline, now=after, linked=[after]) is CommissionStatus.LATE
    # the first linked piece decides: a revision after the deadline keeps it on time
    assert unit_status(deadline=deadline, now=after, linked=[after, before]) is CommissionStatus.ON_TIME
    assert unit_status(deadline=deadline, now=after, linked=[before], refused=True) is CommissionStatus.REFUSED
    # closed by the office before the deadline: nothing linked is missed from the closing on
    closed = before - timedelta(hours=1)
    assert unit_status(deadline=deadline, now=before, linked=[], closed_at=closed) is CommissionStatus.MISSED


# ------------------------------------------------------------------ the link matcher

A = OpenCommission(1, 2026, 12, "今冬明春安全生产", frozenset({"<root-a@x>", "<unit-a@x>"}))
B = OpenCommission(2, 2026, 13, "秋粮收购进展", frozenset({"<root-b@x>"}))
C = OpenCommission(3, 2026, 14, "安全生产大检查", frozenset({"<root-c@x>"}))
RULES = LinkRules(topic_ignore=frozenset(CommissionsConfig().topic_ignore))


def link(subject: str = "稿件", source: str = "稿件.docx", title: str | None = None, in_reply_to=(), references=(),
         commissions=(A, B)):
    return link_piece(in_reply_to=list(in_reply_to), references=list(references), subject=subject, source=source,
                      title=title, commissions=list(commissions), rules=RULES)


def test_a_reply_to_the_notice_links_by_in_reply_to_or_references():
    assert link(in_reply_to=["<unit-a@x>"]).commission_id == 1
    assert link(in_reply_to=["<unit-a@x>"]).how is CommissionLink.REPLY
    assert link(references=["<other@y>\r\n <root-b@x>"]).commission_id == 2
    assert link(in_reply_to=["<nothing@y>"]).commission_id is None and not link(in_reply_to=["<nothing@y>"]).flagged


def test_the_number_in_the_subject_or_file_name_links_however_it_is_bracketed():
    for text in ("约稿〔2026〕13号", "关于约稿[2026]13号的报送", "约稿（2026）第13号", "约稿【2026】013号"):
        assert link(subject=text).commission_id == 2, text
        assert link(subject=text).how is CommissionLink.NUMBER
    assert link(source="商务局-约稿〔2026〕12号.docx").commission_id == 1
    assert numbers_in("约稿〔2026〕130号", "约稿〔{year}〕{seq}号") == {(2026, 130)}
    # another format from config
    assert numbers_in("关于YG-2026-7的材料", "YG-{year}-{seq}") == {(2026, 7)}
    # a number naming no open commission of this unit: flagged, not guessed
    assert link(subject="约稿〔2026〕99号").candidates == ()


def test_the_tag_plus_words_of_the_topic_links():
    assert tagged("【约稿】秋粮", "约稿") and tagged("[约稿] 秋粮", "约稿") and tagged("约稿-秋粮", "约稿")
    assert not tagged("关于约稿的说明", "约稿")
    found = link(subject="【约稿】我局全力做好秋粮收购工作")
    assert (found.commission_id, found.how) == (2, CommissionLink.TAG)
    assert link(subject="转发", source="（约稿）今冬明春安全生产措施.docx").commission_id == 1
    # topic words in the title count too, the tag must be in the subject or the file name
    assert link(subject="【约稿】", title="全市秋粮收购有序推进").commission_id == 2
    # words of the topic without the tag: an ordinary piece
    assert link(subject="我局秋粮收购进展顺利") == link()


def test_a_piece_that_could_belong_to_several_commissions_is_flagged_never_guessed():
    both = link(subject="【约稿】我局安全生产工作", commissions=(A, B, C))
    assert both.commission_id is None and both.candidates == (1, 3)
    # tagged but no topic fits: flagged with no candidate
    assert link(subject="【约稿】近期工作").candidates == ()
    # a reply to one commission naming another's number: conflicting evidence
    assert link(subject="约稿〔2026〕13号", in_reply_to=["<unit-a@x>"]).candidates == (1, 2)
    # the same commission by reply and by number is no conflict
    assert link(subject="约稿〔2026〕12号", in_reply_to=["<unit-a@x>"]).commission_id == 1


# ------------------------------------------------------------------ periodic deadlines

TOBACCO = PeriodicDeadline(name="季度政务信息和宣传报道情况", every="quarter", month=3, day=20,
                           match={"keywords": ["季度报送情况"]})
CHANGZHOU = PeriodicDeadline(name="外媒刊用目录", every="year", month=12, day=10, classes=["A"],
                             match={"categories": ["外媒目录"], "keywords": ["外媒"]})


def test_periodic_occurrences_and_statuses():
    occ = occurrence_at(TOBACCO, datetime(2026, 11, 29, 12, tzinfo=TZ), TZ)
    assert occ.label == "2026Q4" and occ.deadline == datetime(2026, 12, 20, 23, 59, 59, 999999, tzinfo=TZ)
    assert (occ.start, occ.end) == (datetime(2026, 10, 1, tzinfo=TZ), datetime(2027, 1, 1, tzinfo=TZ))
    yearly = occurrence_at(CHANGZHOU, datetime(2026, 3, 1, tzinfo=TZ), TZ)
    assert yearly.label == "2026" and yearly.deadline.date() == date(2026, 12, 10)
    due = occurrences_due(TOBACCO, datetime(2026, 1, 1, tzinfo=TZ), datetime(2027, 1, 1, tzinfo=TZ), TZ)
    assert [o.deadline.date() for o in due] == [date(2026, 3, 20), date(2026, 6, 20), date(2026, 9, 20),
                                               date(2026, 12, 20)]
    end_of_day = datetime(2026, 12, 20, 23, 59, tzinfo=TZ)
    assert state_of(occ, "甲", [(7, end_of_day)], now=end_of_day).status is CommissionStatus.ON_TIME
    assert state_of(occ, "甲", [(8, end_of_day + timedelta(minutes=2))], now=datetime(2027, 1, 2, tzinfo=TZ)) \
        .status is CommissionStatus.LATE
    assert state_of(occ, "甲", [], now=datetime(2026, 12, 1, tzinfo=TZ)).status is CommissionStatus.OPEN
    assert state_of(occ, "甲", [], now=datetime(2026, 12, 21, tzinfo=TZ)).status is CommissionStatus.MISSED
    units = [("滨湖镇人民政府", "滨湖镇", "A"), ("滕州市审计局", "审计局", "B")]
    assert addressed(CHANGZHOU, units) == ["滨湖镇人民政府"]
    assert addressed(TOBACCO, units) == ["滨湖镇人民政府", "滕州市审计局"]
    assert addressed(PeriodicDeadline(name="x", every="month", day=5, units=["审计局"],
                                      match={"keywords": ["x"]}), units) == ["滕州市审计局"]


# ------------------------------------------------------------------ config


def _with_commissions(tmp_path: Path, section: dict) -> Path:
    config = write_office_config(tmp_path / "config")
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    settings["commissions"] = section
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return config


def test_commissions_config_is_validated_with_messages_an_admin_understands(tmp_path: Path):
    config = _with_commissions(tmp_path, {
        "number_format": "约稿第{seq}号",
        "deadline_time": "25:00",
        "calendar": {2027: {"holidays": ["2026-10-01"], "workdays": []}},
        "periodic": [{"name": "季度", "every": "quarter", "month": 4, "day": 20, "match": {"keywords": ["季度"]}},
                     {"name": "外媒", "every": "year", "month": 12, "day": 10, "units": ["不存在局"],
                      "match": {"categories": ["没有这个分类"]}}],
    })
    with pytest.raises(ConfigError) as exc:
        load_config(config)
    text = str(exc.value)
    assert "{year} 和 {seq}" in text and "时:分" in text and "month" in text
    assert "2027" in text and "2026-10-01" in text
    config = _with_commissions(tmp_path / "2", {"periodic": [
        {"name": "外媒", "every": "year", "month": 12, "day": 10, "units": ["不存在局"],
         "match": {"categories": ["没有这个分类"]}}]})
    with pytest.raises(ConfigError) as exc:
        load_config(config)
    assert "不存在局" in str(exc.value) and "没有这个分类" in str(exc.value) and "settings.yaml" in str(exc.value)
    good = _with_commissions(tmp_path / "3", {"number_format": "YG-{year}-{seq}", "calendar": {
        2027: {"holidays": ["2027-02-05"], "workdays": ["2027-01-30"]}}})
    loaded = load_config(good).settings.commissions
    assert loaded.format_number(2027, 3) == "YG-2027-3" and loaded.calendar[2027].workdays == [date(2027, 1, 30)]
    assert parse_clock("24:00") == time(23, 59, 59, 999999)


def test_the_notice_is_rendered_from_templates_and_escapes_html():
    from datetime import date as day

    from baosong.notify.commissions import CommissionNotice, render_commission_notice

    notice = CommissionNotice(number="约稿〔2026〕12号", topic="<script>alert(1)</script>营商环境", kind="信息",
                              unit="滕州市商务局", deadline=datetime(2026, 12, 5, 17, 0, tzinfo=TZ), contact=None,
                              office_name="滕州市人民政府办公室", department="信息科", phone="0632-0000000",
                              mailbox="tzxxk@example.com", tag="约稿", issued=day(2026, 11, 30))
    subject, text, html = render_commission_notice(notice)
    assert subject == "【约稿通知】约稿〔2026〕12号 <script>alert(1)</script>营商环境（12月5日17时前报送）"
    assert "2026年12月5日（星期六）17时之前" in text and "联系人：信息科" in text and "2026年11月30日" in text
    assert "<script>" not in html and "&lt;script&gt;" in html
