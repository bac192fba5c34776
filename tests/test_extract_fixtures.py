"""Issue 9's measure: every fixture document in tests/data/docs/ read through `baosong extract --json`
gives what the office would write in the 台账 (tests/data/docs/expected.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from baosong.cli import app

DOCS = Path(__file__).resolve().parent / "data" / "docs"
CONFIG = Path(__file__).resolve().parents[1] / "config"
EXPECTED: dict[str, dict] = yaml.safe_load((DOCS / "expected.yaml").read_text(encoding="utf-8"))
FIELDS = ("title", "unit", "author", "category", "unit_source", "title_source", "title_fallback",
          "approver", "commissioned", "flags")
runner = CliRunner()


def expected_fields(entry: dict) -> dict:
    want = {"author": None, "approver": None, "category": None, "commissioned": False, "flags": [],
            "title_fallback": None}
    want.update({k: v for k, v in entry.items() if k not in ("subject", "sender")})
    want.setdefault("title_source", "document" if want.get("title") else None)
    return want


def extract_json(name: str, entry: dict) -> dict:
    args = ["--config", str(CONFIG), "extract", str(DOCS / name), "--json"]
    if entry.get("subject"):
        args += ["--subject", entry["subject"]]
    if entry.get("sender"):
        args += ["--sender", entry["sender"]]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_set_is_complete():
    files = {p.name for p in DOCS.glob("*.docx")}
    assert len(files) >= 40
    assert files == set(EXPECTED), (files ^ set(EXPECTED))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str):
    entry = EXPECTED[name]
    got = extract_json(name, entry)
    want = expected_fields(entry)
    assert {k: got[k] for k in FIELDS} == {k: want[k] for k in FIELDS}
    assert isinstance(got["word_count"], int) and got["word_count"] > 20


def test_reading_in_any_order_gives_the_same_fields():
    """The reader caches parts that repeat between files (relationships, settings, styles):
    the fixtures read in reverse order after a first pass give exactly the same fields."""
    from baosong.intake.extract import extract_docx

    names = sorted(EXPECTED)
    first = {n: extract_docx((DOCS / n).read_bytes(), filename=n) for n in names}
    again = {n: extract_docx((DOCS / n).read_bytes(), filename=n) for n in reversed(names)}
    assert first == again
