"""The streamed JSON of long listings (`ledger list --json`, `score --json`) is byte for byte what
json.dumps(..., ensure_ascii=False, indent=2) writes: the keys and values are a public contract, and the
fast writer in baosong/cli.py only skips the pure-Python encoder's per-value overhead."""

from __future__ import annotations

import enum
import io
import json
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from baosong import cli


class Colour(enum.Enum):  # noqa: D101 - a value json.dumps cannot write: both must fail alike
    RED = 1


class Status(enum.StrEnum):
    COUNTED = "counted"


class Level(enum.IntEnum):
    HIGH = 3


def _streamed(rows: list) -> str:
    out = io.StringIO()
    saved, sys.stdout = sys.stdout, out
    try:
        cli._json_stream(iter(rows))
    finally:
        sys.stdout = saved
    return out.getvalue()


def _dumped(rows: list) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


ROWS = [
    {"id": 1, "received_at": "2026-10-08T09:30:00+08:00", "unit": "滨湖镇", "unit_short": None,
     "title": "“三夏”生产\t有序推进\\n（第二稿）\u2028", "author": "王芳", "category": "工作动态", "word_count": 1200,
     "source": "稿件.docx", "adoptions": ["枣庄普刊", "上报"], "instructions": [], "commission": None,
     "status": "counted", "replaced_by": None, "commissioned": False, "flags": ["forwarded"]},
    {"ok": True, "no": False, "ratio": 0.5, "big": 10**20, "neg": -3, "nan": float("nan"), "inf": float("inf"),
     "status": Status.COUNTED, "level": Level.HIGH, "empty": "", "ctrl": "\x00\x1f\x7f\ud800"},
    {"nested": {"a": [1, {"b": None}]}, "list_of_lists": [[1], []]},
    {"tuple": (1, "二"), "list_of_tuples": [(1,)]},
    {1: "int key", "k": "v"},
    {"floats": [1.0, 2.5e-10], "mixed": [None, True, 3, "四"]},
    {},
]


def test_known_rows_match_json_dumps() -> None:
    for rows in ([], ROWS[:1], ROWS, [ROWS[-1]] * 3):
        assert _streamed(rows) == _dumped(rows)


def test_an_unserialisable_value_fails_as_json_dumps_does() -> None:
    try:
        _dumped([{"c": Colour.RED}])
    except TypeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("json.dumps wrote an Enum")
    try:
        _streamed([{"c": Colour.RED}])
    except TypeError:
        return
    raise AssertionError("the fast writer wrote what json.dumps refuses")


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                      max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=8), values, max_size=8), max_size=4))
def test_any_rows_match_json_dumps(rows: list[dict]) -> None:
    assert _streamed(rows) == _dumped(rows)


class Items(list):  # a list subclass: json.dumps indents it like a list
    pass


def test_subclassed_containers_match_json_dumps() -> None:
    rows = [{"a": Items(["x", 1]), "b": "c"}, {"a": Items(), "t": (), "d": {}}]
    assert _streamed(rows) == _dumped(rows)


def _json_out(data: object) -> str:
    out = io.StringIO()
    saved, sys.stdout = sys.stdout, out
    try:
        cli._json(data)
    finally:
        sys.stdout = saved
    return out.getvalue()


def test_documents_match_json_dumps() -> None:
    score_like = [{"unit": "甲", "score": 20, "components": [{"key": "outlets", "points": 15.5, "detail": ["稿件 1"]},
                                                          {"key": "quota", "points": 5, "detail": []}],
                   "quotas": [{"name": "每月任务", "category": None, "met": True}], "warnings": []}]
    for data in (score_like, {}, [], "文本", 3, None, {"a": {"b": {"c": [1, [2, [3, {}]]]}}}, (1, (2, ())),
                 {"x": Items([Items([1])])}, {1: {"k": [1]}}, [[[]]], [{}]):
        assert _json_out(data) == _dumped(data)


def test_a_document_json_cannot_write_fails_as_before() -> None:
    loop: list = []
    loop.append([loop])
    for data in ([{"c": Colour.RED}], {"a": [set()]}, loop):
        try:
            _dumped(data)
        except (TypeError, ValueError) as exc:
            expected = type(exc)
        try:
            _json_out(data)
        except expected:
            continue
        raise AssertionError(f"{data!r} written")


@settings(max_examples=200, deadline=None)
@given(values)
def test_any_document_matches_json_dumps(data: object) -> None:
    assert _json_out(data) == _dumped(data)
