"""Who wrote a piece and for which unit: the byline forms offices use. Pure: lines in, names out.

Forms, in the order they are believed:
labelled lines (报送单位/供稿单位/供稿/作者/撰稿/撰稿人/执笔/联系人, 审核/签发 for the approver),
a sign-off table (单位 | 作者 | 电话), a closing parenthesis "（滕州市审计局 赵文静）", a byline
under the title ("市体育局 周强"), a 公告-style ending (unit, then date), the page header.
Phone numbers, dates and e-mail addresses never become an author.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .textlines import DATE, EMAIL, PHONE, clean, is_date_line, is_person, is_unit_like, split_unit_person

UNIT_LABELS = ("报送单位", "供稿单位", "来稿单位", "投稿单位", "作者单位", "单位名称", "报送部门", "单位")
AUTHOR_LABELS = ("撰稿人", "撰稿", "作者", "执笔人", "执笔", "供稿人", "信息员", "撰写人")
CONTACT_LABELS = ("联系人",)
APPROVER_LABELS = ("审核人", "审核", "签发人", "签发", "审签", "审稿人", "审稿", "核稿")
EITHER_LABELS = ("供稿",)  # 供稿：滕州市审计局 or 供稿：赵文静 — decided by the value
_ALL_LABELS = UNIT_LABELS + AUTHOR_LABELS + CONTACT_LABELS + APPROVER_LABELS + EITHER_LABELS

_COLON = r"\s*[:：]"
_KNOWN_LABEL = re.compile("(" + "|".join(sorted(_ALL_LABELS, key=len, reverse=True)) + ")" + _COLON)
_ANY_LABEL = re.compile(r"(?:^|(?<=\s))([\u4e00-\u9fff]{1,6})" + _COLON)
_SEP = re.compile(r"[\s、，,；;/|（）()]+")
# Words around a byline that name no one: "（滨湖镇 张伟 供稿）", "文/张伟", "记者 张伟".
_BYLINE_WORDS = {"供稿", "报送", "提供", "撰稿", "整理", "执笔", "文", "图", "摄", "图文", "记者", "通讯员", "作者"}
_VALUE_TRIM = " \t\v\u3000;；,，。.、"
_PARENS = re.compile(r"^[（(]\s*(.+?)\s*[）)]$")
# A sign-off table flattened into one paragraph (LibreOffice's .doc export of a table without
# widths): its header row's labels run together before the values, "单位作者电话滕州市商务局赵文静…".
_FLAT_HEADER = re.compile(
    "^(?:" + "|".join(sorted({*_ALL_LABELS, "电话", "联系电话", "手机", "邮箱"}, key=len, reverse=True)) + "){2,}")
_CLOSING_REJECT = re.compile(r"[:：，,。；;！？!?]|^完$|^此件|^\d{4}\s*年|^附件|^注")
# "单位：万元" under a table is a unit of measurement, not the submitting unit.
_MEASURE = re.compile(
    r"^[万亿千百十]*(?:元|人|个|吨|亩|户|家|件|次|项|台|辆|套|米|公里|千米|平方米|平方公里|"
    r"千瓦时|度|人次|篇|条|%|％|‰|[A-Za-z²³/]+)(?:[/每][\u4e00-\u9fffA-Za-z]+)?$"
)

Knows = Callable[[str], bool]
_FIELD_LINE_MAX = 160
_PREFIX = "\0byline"  # the pseudo-label of a byline written before the first field  # does the registry know this unit name?


@dataclass
class Byline:
    unit: str | None = None
    authors: tuple[str, ...] = ()
    approver: str | None = None
    contact: tuple[str, ...] = ()
    form: str | None = None  # which form gave the unit: "label", "table", "closing", "byline", "ending", "header"

    def fill(self, other: Byline) -> None:
        if self.unit is None and other.unit:
            self.unit, self.form = other.unit, other.form
        if not self.authors and other.authors:
            self.authors = other.authors
        if self.approver is None and other.approver:
            self.approver = other.approver
        if not self.contact and other.contact:
            self.contact = other.contact


def _strip_noise(value: str) -> str:
    value = EMAIL.sub(" ", value)
    value = DATE.sub(" ", value)
    return PHONE.sub(" ", value)


def _tokens(value: str) -> list[str]:
    """The value split at separators, with a two-character name spaced out to align ("王　芳") rejoined."""
    tokens = [t.strip("（）()[]【】") for t in _SEP.split(value)]
    tokens = [t for t in tokens if t]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if len(token) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) == 1 and is_person(token + tokens[i + 1]):
            out.append(token + tokens[i + 1])
            i += 2
            continue
        out.append(token)
        i += 1
    return out


def people(value: str) -> tuple[str, ...]:
    """The personal names in a value such as '王芳，李明  13800000000'."""
    out: list[str] = []
    for token in _tokens(_strip_noise(value)):
        if is_person(token) and token not in out:
            out.append(token)
    return tuple(out)


def _unitish(token: str, knows: Knows) -> bool:
    return len(token) >= 2 and (knows(token) or is_unit_like(token))


def unit_and_people(text: str, knows: Knows, *, strict: bool = True) -> tuple[str | None, tuple[str, ...]] | None:
    """'滕州市审计局 赵文静', '滕州市气象局、孙丽', '市审计局赵文静', '滕州市审计局供稿' → (unit, authors).

    Strict: every token must be the unit, a name, a phone, a date or an address, else None (it
    is a sentence, not a byline)."""
    unit: str | None = None
    authors: list[str] = []
    noise_free = _strip_noise(text)
    for token in _tokens(noise_free):
        if token in _BYLINE_WORDS:
            continue
        if unit is None and _unitish(token, knows):
            unit = token
        elif is_person(token):
            if token not in authors:
                authors.append(token)
        elif unit is None and (pair := split_unit_person(token)) is not None:
            unit = pair[0]
            authors.append(pair[1])
        elif strict:
            return None
    if unit is None and not authors:
        return None
    return unit, tuple(authors)


def _fields(line: str) -> list[tuple[str, str]]:
    """(label, value) pairs if ``line`` is a field line such as '报送单位：X  撰稿人：Y', else []."""
    starts: list[tuple[int, int, str]] = []
    for pattern in (_KNOWN_LABEL, _ANY_LABEL):
        for m in pattern.finditer(line):
            starts.append((m.start(1), m.end(), m.group(1)))
    starts.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    chosen: list[tuple[int, int, str]] = []
    for start in starts:
        if not chosen or start[0] >= chosen[-1][1]:
            chosen.append(start)
    if not chosen:
        return []
    out = []
    if chosen[0][0] != 0:  # "滨湖镇人民政府 张伟 审核：张建国": a byline, then fields
        prefix = line[: chosen[0][0]].strip(_VALUE_TRIM)
        if len(prefix) > 30 or chosen[0][2] not in _ALL_LABELS:
            return []
        out.append((_PREFIX, prefix))
    for i, (_, end, label) in enumerate(chosen):
        stop = chosen[i + 1][0] if i + 1 < len(chosen) else len(line)
        out.append((label, line[end:stop].strip(_VALUE_TRIM)))
    return out


def is_field_line(line: str) -> bool:
    return any(label in _ALL_LABELS or label in ("标题", "题目", "信息标题", "联系电话", "电话", "手机", "邮箱")
               for label, _ in _fields(clean(line)))


def _is_measure(value: str) -> bool:
    parts = [p for p in _SEP.split(value) if p]
    return bool(parts) and all(_MEASURE.match(p) for p in parts)


def _only_people(value: str) -> bool:
    tokens = _tokens(_strip_noise(value))
    return bool(tokens) and all(is_person(t) for t in tokens)


def _assign(found: Byline, label: str, value: str, knows: Knows, form: str) -> None:
    if not value:
        return
    if label == _PREFIX:
        parsed = unit_and_people(value, knows)
        if parsed is not None:
            if parsed[0] and found.unit is None:
                found.unit, found.form = parsed[0], form
            if parsed[1] and not found.authors:
                found.authors = parsed[1]
        return
    if label in EITHER_LABELS:
        label = AUTHOR_LABELS[0] if _only_people(value) else UNIT_LABELS[0]
    if label in UNIT_LABELS:
        if label == "单位" and _is_measure(value):
            return
        parsed = unit_and_people(value, knows, strict=False)
        unit = parsed[0] if parsed and parsed[0] else value
        if found.unit is None:
            found.unit, found.form = unit, form
        if parsed and parsed[1] and not found.authors:
            found.authors = parsed[1]
    elif label in AUTHOR_LABELS:
        names = people(value)
        if not names or not _only_people(value):
            parsed = unit_and_people(value, knows, strict=False)  # 作者：滕州市气象局、孙丽
            if parsed and parsed[0] and found.unit is None:
                found.unit, found.form = parsed[0], form
            if parsed and parsed[1]:
                names = parsed[1]
        if names and not found.authors:
            found.authors = names
    elif label in CONTACT_LABELS:
        if not found.contact:
            found.contact = people(value)
    elif label in APPROVER_LABELS:
        names = people(value)
        if names and found.approver is None:
            found.approver = "、".join(names)


def labelled(lines: Sequence[str], knows: Knows) -> Byline:
    found = Byline()
    for line in lines:
        if len(line) > _FIELD_LINE_MAX or ("：" not in line and ":" not in line):
            continue  # a field line is short and has a colon: skip running text cheaply
        text = clean(line)
        m = _PARENS.match(text)  # "（作者单位：滕州市商务局）"
        for label, value in _fields(m.group(1) if m else text):
            _assign(found, label, value, knows, "label")
    return found


_OTHER_LABELS = ("电话", "联系电话", "手机", "邮箱", "电子邮箱", "职务", "日期", "时间", "备注", "科室", "部门")


def _label(cell: str) -> str:
    return cell.rstrip(":：").replace(" ", "").replace("\u3000", "")


TITLE_LABELS = ("信息标题", "稿件标题", "标题", "题目")


def title_from_tables(tables: Sequence[Sequence[Sequence[str]]]) -> str | None:
    """A submission form's title cell: '标题 | 滨湖镇…' (the value beside the label)."""
    for table in tables:
        for row in table:
            cells = [clean(c) for c in row]
            for c, cell in enumerate(cells):
                if _label(cell) in TITLE_LABELS:
                    right = [v for v in cells[c + 1:] if v and v != cell]
                    if right and len(right[0]) <= 80:
                        return right[0]
    return None


def from_tables(tables: Sequence[Sequence[Sequence[str]]], knows: Knows) -> Byline:
    """A sign-off table: label cells with the value beside them, or a header row with values below."""
    found = Byline()
    for table in reversed(tables):
        rows = [[clean(c) for c in row] for row in table]
        for r, row in enumerate(rows):
            filled = [c for c in row if c]
            labels = [_label(c) in _ALL_LABELS + _OTHER_LABELS for c in filled]
            # a header row holds labels only (单位 | 作者 | 电话); "作者 | 周强 | 电话 | 138…" is label-value pairs
            header_row = len(labels) >= 2 and all(labels) and r + 1 < len(rows)
            for c, cell in enumerate(row):
                label = _label(cell)
                if label not in _ALL_LABELS:
                    continue
                if header_row:
                    value = rows[r + 1][c] if c < len(rows[r + 1]) else ""
                else:
                    right = [v for v in row[c + 1:] if v and v != cell]
                    value = right[0] if right else ""
                _assign(found, label, value, knows, "table")
        if found.unit or found.authors:
            break
    return found


def closing(lines: Sequence[str], knows: Knows, last: int = 3) -> Byline:
    """A closing '（滕州市商务局 王芳）' / '（滕州市审计局供稿）' among the last paragraphs."""
    for line in reversed(lines[-last:]):
        m = _PARENS.match(clean(line))
        if m is None or _CLOSING_REJECT.search(m.group(1)):
            continue
        parsed = unit_and_people(m.group(1), knows)
        if parsed is not None and parsed[0]:
            return Byline(unit=parsed[0], authors=parsed[1], form="closing")
        if parsed is not None and parsed[1]:
            return Byline(authors=parsed[1], form="closing")
    for line in reversed(lines[-2:]):  # without brackets: "滕州市商务局 王芳 0632-1234567"
        text = _FLAT_HEADER.sub("", clean(line))
        if len(text) > 40 or _CLOSING_REJECT.search(text) or _PARENS.match(text):
            continue
        parsed = unit_and_people(text, knows)
        if parsed is not None and parsed[0] and parsed[1]:
            return Byline(unit=parsed[0], authors=parsed[1], form="closing")
    return Byline()


def byline(line: str, knows: Knows) -> Byline:
    """A byline under the title: '市体育局 周强', '（滕州市体育局 周强 刘芳）', '滕州市气象局、孙丽'."""
    text = clean(line)
    m = _PARENS.match(text)
    if m:
        text = m.group(1)
    if len(text) > 40 or _CLOSING_REJECT.search(text):
        return Byline()
    parsed = unit_and_people(text, knows)
    if parsed is None:
        return Byline()
    if parsed[0] is None:  # "文/张伟", "记者 张伟": a byline naming only the author
        marked = re.match(r"^(?:文|作者|记者|通讯员|撰稿)\s*[/／:：]?\s*", text)
        return Byline(authors=parsed[1], form="byline") if marked and parsed[1] else Byline()
    return Byline(unit=parsed[0], authors=parsed[1], form="byline")


def is_byline(line: str, knows: Knows) -> bool:
    found = byline(line, knows)
    return found.unit is not None or bool(found.authors)


def ending(lines: Sequence[str], knows: Knows) -> Byline:
    """A 公告-style ending: the unit on its own line, then the date (both usually right-aligned)."""
    tail = [clean(t) for t in lines[-6:] if clean(t)]
    while tail and _is_contact(tail[-1]):  # "（联系人：钱峰，电话：0632-…）" after the date
        tail.pop()
    tail = tail[-3:]
    if len(tail) >= 2 and is_date_line(tail[-1]):
        candidate = tail[-2]
        if _unitish(candidate.replace(" ", ""), knows):
            return Byline(unit=candidate.replace(" ", ""), form="ending")
    if tail and _unitish(tail[-1].replace(" ", ""), knows) and len(tail[-1]) <= 30:
        return Byline(unit=tail[-1].replace(" ", ""), form="ending")
    return Byline()


def _is_contact(line: str) -> bool:
    m = _PARENS.match(line)
    inner = m.group(1) if m else line
    return bool(re.match(r"^(?:联系人|联系电话|电话|手机|邮箱|附件|抄送|抄报)", inner))


_HEADER_SUFFIX = re.compile(r"(?:政务信息|信息|简报|工作动态|专报)$")


def header(text: str, knows: Knows) -> Byline:
    """The unit named in the page header ('滕州市商务局' or '滕州市商务局信息')."""
    for line in text.splitlines():
        for part in clean(line).split(" "):
            if not part:
                continue
            for candidate in (part, _HEADER_SUFFIX.sub("", part)):
                if len(candidate) >= 2 and (knows(candidate) or is_unit_like(candidate)):
                    return Byline(unit=candidate, form="header")
    return Byline()
