"""Who receives a reply, an alert or a notice: pure decisions, no servers."""

from __future__ import annotations

import pytest

from baosong.ledger.scoring import UnitScore
from baosong.notify.recipients import (
    Principal,
    alert_to,
    failure_alert_to,
    notice_recipients,
    reply_to,
)
from baosong.vocabulary import DISPOSITIONS, Verdict

OFFICE = ["leaders-office@example.com", "xinxike@example.com"]


@pytest.mark.parametrize("verdict", list(Verdict))
def test_reply_goes_to_the_sender_unless_the_disposition_says_none(verdict: Verdict):
    expected = () if DISPOSITIONS[verdict].reply_template is None else ("a@example.org",)
    assert reply_to(verdict, "a@example.org", smtp_configured=True) == expected
    assert reply_to(verdict.value, "a@example.org", smtp_configured=True) == expected


def test_no_reply_without_a_sender_or_an_smtp_server():
    assert reply_to(Verdict.ACCEPTED, "", smtp_configured=True) == ()
    assert reply_to(Verdict.ACCEPTED, None, smtp_configured=True) == ()
    assert reply_to(Verdict.REJECTED, "a@example.org", smtp_configured=False) == ()
    assert reply_to(Verdict.IGNORED, "mailer-daemon@example.com", smtp_configured=True) == ()


def test_alert_goes_to_the_office_for_quarantine_only():
    assert alert_to(Verdict.QUARANTINED, OFFICE, smtp_configured=True) == tuple(OFFICE)
    for verdict in (Verdict.ACCEPTED, Verdict.REJECTED, Verdict.IGNORED):
        assert alert_to(verdict, OFFICE, smtp_configured=True) == ()
    assert alert_to(Verdict.QUARANTINED, [], smtp_configured=True) == ()
    assert alert_to(Verdict.QUARANTINED, OFFICE, smtp_configured=False) == ()
    assert failure_alert_to(OFFICE, smtp_configured=True) == tuple(OFFICE)
    assert failure_alert_to(OFFICE, smtp_configured=False) == ()


def test_notice_goes_to_the_office_and_each_principal_with_an_address():
    own = UnitScore(unit="甲镇", short=None, class_="A", submitted=3, adopted=1, score=20.0, rank=1)
    scores = {"甲镇": own}
    principals = [Principal("甲镇", "张三", "zhang@example.org"), Principal("乙镇", "李四", None),
                  Principal("丙局", "王五", "wang@example.org")]
    greet = dict(office_greeting="各位领导、各单位", principal_greeting="{name}同志")
    recipients = notice_recipients(OFFICE, principals, scores, **greet)
    assert [(r.key, r.to, r.greeting) for r in recipients] == [
        ("office", tuple(OFFICE), "各位领导、各单位"),
        ("unit:甲镇", ("zhang@example.org",), "张三同志"),
        ("unit:丙局", ("wang@example.org",), "王五同志"),
    ]
    assert recipients[0].own is None and recipients[2].own is None
    assert recipients[1].own is own
    assert notice_recipients([], principals[1:2], {}, **greet) == []
    # a county office writes its own greeting; {unit} names the unit
    (r,) = notice_recipients([], principals[:1], {}, office_greeting="各位", principal_greeting="{unit}{name}同志")
    assert r.greeting == "甲镇张三同志"
