"""Every reason code has its own wording in the reply and the alert; the words are the vocabulary's.

A new rule cannot ship without its wording: its reason code is rendered here, and the test
fails while it falls through to the generic text of templates/reasons.j2.
"""

from __future__ import annotations

import pytest

from baosong.intake.chain import CHAIN
from baosong.notify.replies import reason_label, render_alert, render_reply
from baosong.vocabulary import DISPOSITIONS, GateAction, Reason, Verdict

FALLBACK = "其他原因"
COMMON = dict(detail="细节", sender="someone@example.org", subject="主题", unit="滕州市商务局", pieces=[],
              office_name="滕州市委办公室", department="信息科", phone=None, received_at="2026年11月29日 10:00")


def explanation(verdict: Verdict, reason: Reason) -> str:
    _, text = render_reply(verdict=verdict, reason=reason, **COMMON)
    return text.split("原因：", 1)[1].split("此邮件由政务信息报送系统自动发送")[0].strip()


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_its_own_reply_wording(reason: Reason):
    for verdict in (Verdict.REJECTED, Verdict.QUARANTINED):
        text = explanation(verdict, reason)
        assert text and FALLBACK not in text, (reason, text)
    label = reason_label(reason)
    assert label and FALLBACK not in label


def test_no_two_reasons_share_their_wording():
    texts = {r: explanation(Verdict.REJECTED, r) for r in Reason}
    labels = {r: reason_label(r) for r in Reason}
    assert len(set(texts.values())) == len(Reason)
    assert len(set(labels.values())) == len(Reason)


def test_the_fallback_exists_and_is_what_the_tests_look_for():
    assert FALLBACK in explanation(Verdict.REJECTED, "no_such_reason")  # type: ignore[arg-type]


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_an_alert(reason: Reason):
    subject, text = render_alert(reason=reason, detail="细节", sender="a@example.org", subject="主题",
                                 unit=None, received_at="2026年11月29日 10:00", archive_path="/archive/x.eml")
    assert reason_label(reason) in subject and reason_label(reason) in text and FALLBACK not in text


def test_every_rule_is_a_reason_and_every_verdict_has_a_disposition():
    assert {link.rule.name for link in CHAIN} == set(Reason) - {Reason.PROCESSING_FAILED}
    assert set(DISPOSITIONS) == set(Verdict)
    assert {a.verdict for a in GateAction} - {None} == set(Verdict)
    for verdict, disposition in DISPOSITIONS.items():
        if disposition.reply_template:
            render_reply(verdict=verdict, reason=None if verdict is Verdict.ACCEPTED else Reason.DUPLICATE,
                         **COMMON)
