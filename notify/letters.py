"""Interview letters (约谈, 反馈函): who receives one, and the letter itself. Pure functions.

Seed 004 (滕州): "市政府办公室对连续两个月排名后三位的镇街和A、B、C三类后三位的单位实行约谈，并给其
单位主要负责人寄发《滕州市政务信息工作反馈函》". The reading implemented (scoring.yaml ``interviews:``):

- the group rule: a unit of ``group`` (镇街) that is in the group's bottom ``bottom`` (3) in each of the
  last ``consecutive_months`` (2) months, this month included, ranked within the group, in months when
  the group is as large as a class must be (below);
- the class rule: a unit in the bottom ``bottom`` (3) of its class this month, for each class listed
  in ``classes`` (empty: every class), when the class has at least ``min_class_size`` units (None: more
  than ``bottom``, so a class of 3 never sends its first-ranked unit a letter for being "in the bottom 3");
- "bottom N" counts ties: every unit whose score is no higher than the N-th lowest score of its
  group or class (units tied at the boundary cannot be told apart, so all are written to);
- a unit chosen by both rules receives one letter naming both reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from baosong.ledger.periods import Month
from baosong.ledger.scoring import UnitScore
from baosong.messages import say

from .compose import DOCX_MIME, Attachment
from .formal import Fonts, FormalDoc, formal_docx
from .monthly import NoticeMail
from .render import render

GROUP = "group"
CLASS = "class"


@dataclass(frozen=True)
class InterviewRule:
    group: str | None = "镇街"
    bottom: int = 3
    consecutive_months: int = 2
    classes: tuple[str, ...] = ()        # empty: every class
    min_class_size: int | None = None    # None: more than ``bottom`` units

    @property
    def class_size_needed(self) -> int:
        """How many units a class needs before its bottom ``bottom`` are interviewed."""
        return self.bottom + 1 if self.min_class_size is None else self.min_class_size


@dataclass(frozen=True)
class Selection:
    unit: str
    reasons: tuple[str, ...]             # GROUP and/or CLASS


def bottom(scores: Sequence[UnitScore], n: int) -> set[str]:
    """The units among ``scores`` scoring no more than the n-th lowest score (ties included)."""
    if not scores:
        return set()
    ordered = sorted(s.score for s in scores)
    threshold = ordered[min(n, len(ordered)) - 1]
    return {s.unit for s in scores if s.score <= threshold}


def interviewed(rule: InterviewRule, history: Sequence[Sequence[UnitScore]]) -> list[Selection]:
    """Who is interviewed after the last month of ``history`` (oldest first, one list of scores per month).

    The order is the last month's (class, then rank)."""
    if not history:
        return []
    current = history[-1]
    reasons: dict[str, list[str]] = {}
    if rule.group and len(history) >= rule.consecutive_months:
        groups = [[s for s in month if s.group == rule.group] for month in history[-rule.consecutive_months:]]
        sets = [bottom(members, rule.bottom) if len(members) >= rule.class_size_needed else set()
                for members in groups]
        for unit in set.intersection(*sets):
            reasons.setdefault(unit, []).append(GROUP)
    classes = rule.classes or tuple(dict.fromkeys(s.class_ for s in current))
    for klass in classes:
        members = [s for s in current if s.class_ == klass]
        if len(members) >= rule.class_size_needed:
            for unit in bottom(members, rule.bottom):
                reasons.setdefault(unit, []).append(CLASS)
    return [Selection(s.unit, tuple(reasons[s.unit])) for s in current if s.unit in reasons]


@dataclass(frozen=True)
class RankLine:
    month: str             # 2026年10月
    rank: int
    of: int                # units in the class
    score: float
    group_rank: int | None = None
    group_of: int | None = None


@dataclass(frozen=True)
class Shortfall:
    category: str | None   # None: the total
    required: int
    done: int


@dataclass(frozen=True)
class CommissionLapse:
    number: str
    topic: str
    status: str            # 漏报 / 迟报 / 拒报 (vocabulary.label of CommissionStatus: templates/labels.yaml)


@dataclass(frozen=True)
class LetterFacts:
    unit: str
    short: str | None
    class_label: str
    group: str | None
    principal: str | None
    reasons: tuple[str, ...]
    ranks: tuple[RankLine, ...]
    shortfalls: tuple[Shortfall, ...]
    commissions: tuple[CommissionLapse, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]


def rank_history(unit: str, history: Sequence[tuple[Month, Sequence[UnitScore]]]) -> tuple[RankLine, ...]:
    lines: list[RankLine] = []
    for month, scores in history:
        mine = next((s for s in scores if s.unit == unit), None)
        if mine is None:
            continue
        of = sum(1 for s in scores if s.class_ == mine.class_)
        group_of = sum(1 for s in scores if mine.group and s.group == mine.group) or None
        lines.append(RankLine(month.label, mine.rank, of, mine.score, mine.group_rank, group_of))
    return tuple(lines)


def shortfalls(score: UnitScore) -> tuple[Shortfall, ...]:
    """The judged quotas the unit did not meet this month: the total first, then categories in scoring.yaml's order."""
    missing = [q for q in score.quotas if q.judged and not q.met and q.done < q.required]
    missing.sort(key=lambda q: q.category is not None)   # stable: keeps the categories' configured order
    return tuple(Shortfall(q.category, q.required, q.done) for q in missing)


def letter_mails(letters: Sequence[LetterFacts], *, month: Month, numbers: Mapping[str, str], title: str,
                 office_name: str, department: str, place: str, issuer: str, issued_on: date,
                 consecutive: int = 2, bottom: int = 3, fonts: Fonts = Fonts()) -> list[NoticeMail]:
    """One mail per letter: to the principal, the office in copy, the letter attached as .docx."""
    issued = say("notify.issued_date", year=issued_on.year, month=issued_on.month, day=issued_on.day)
    out: list[NoticeMail] = []
    for facts in letters:
        ctx = dict(f=facts, month=month, number=numbers[facts.unit], title=title, office_name=office_name,
                   department=department, place=place, issued=issued, GROUP=GROUP, CLASS=CLASS,
                   consecutive=consecutive, bottom=bottom)
        docx = formal_docx(FormalDoc(mark=issuer, number=numbers[facts.unit], title=title,
                                     markup=render("letter_docx.txt.j2", **ctx), signer=issuer, date_text=issued,
                                     fonts=fonts))
        subject = render("letter_subject.txt.j2", **ctx).strip()
        out.append(NoticeMail(
            key=f"letter:{month}:{facts.unit}", to=facts.to, cc=facts.cc, subject=subject,
            text=render("letter.txt.j2", **ctx), html=render("letter.html.j2", **ctx),
            attachments=(Attachment(f"{title}（{facts.short or facts.unit}）.docx", docx, DOCX_MIME),),
        ))
    return out
