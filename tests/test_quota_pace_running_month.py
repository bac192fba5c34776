"""Quota pace during a running month: scored at an instant inside the month, the month's quota is progress
only (judged false, no periods judged: ledger/regime/quotas.py), and the pace note still reads it."""

from __future__ import annotations

from datetime import date

from regime_helpers import example, sent

from baosong.ledger.periods import Period
from baosong.ledger.regime import score
from baosong.ledger.regime.events import Events, UnitRef
from baosong.notify.reminders import behind_pace


def test_pace_reads_the_running_months_progress():
    scoring = example("tengzhou")
    units = [UnitRef("甲", None, "C"), UnitRef("乙", None, "C")]
    pieces = sent("甲", date(2026, 11, 3), "工作动态") + sent("乙", date(2026, 11, 3), "工作动态", "工作动态")
    rows = score(scoring, Period.month(2026, 11), units, Events(pieces=tuple(pieces), as_of=date(2026, 11, 15)))
    total = next(q for q in rows[0].quotas if q.category is None)
    assert (total.judged, total.periods, total.required) == (False, 0, 3)
    # class C: 3 a month; on the 15th of 30 days ceil(1.5) = 2 are expected: 甲 (1) is behind, 乙 (2) is not
    behind = behind_pace(rows, {"甲": ("a@x.org",), "乙": ("b@x.org",)}, day=15, days_in_month=30)
    assert [(p.unit, p.done, p.expected) for p in behind] == [("甲", 1, 2)]
