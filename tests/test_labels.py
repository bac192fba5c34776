"""The words a person reads for stored values live in templates/labels.yaml, one per value, rewordable.

Every member of a labelled enum has its label (a new member cannot ship without one), an office's
``templates/labels.yaml`` in its config directory rewords a label in real output, and a mistake in
that file is reported by check-config with its file, line and key.
"""

from __future__ import annotations

import itertools
import json
import typing
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import yaml
from conftest import problems
from typer.testing import CliRunner

from baosong.cli import app
from baosong.config.schema import ScoringPeriod
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.ledger.corrections import EDITABLE
from baosong.ledger.labels import CORRECTION_FIELD, field_label
from baosong.notify.overrides import use_config_templates
from baosong.vocabulary import (
    Change,
    CommissionLink,
    CommissionStatus,
    ExtractionFlag,
    PieceStatus,
    UnitSource,
    Verdict,
    label,
    label_section,
    labels,
    shipped_labels,
    use_labels_from,
)

LABELLED = (Verdict, CommissionStatus, CommissionLink, UnitSource, ExtractionFlag, PieceStatus, Change)
runner = CliRunner()
TZ = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _shipped_labels_after() -> Iterator[None]:
    """An office's labels set by a test must not reach the next one."""
    yield
    use_config_templates(None)


@pytest.mark.parametrize("enum", LABELLED, ids=lambda e: e.__name__)
def test_every_member_of_a_labelled_enum_has_its_own_label(enum):
    shipped = shipped_labels()
    section = label_section(enum)
    assert section in shipped, f"templates/labels.yaml has no section {section}: for {enum.__name__}"
    missing = [m.value for m in enum if m.value not in shipped[section]]
    assert not missing, f"templates/labels.yaml [{section}] lacks a label for {missing}"
    assert set(shipped[section]) == {m.value for m in enum}, "a label for a value that does not exist"
    words = [label(m) for m in enum]
    assert all(isinstance(w, str) and w.strip() for w in words)
    assert len(set(words)) == len(words), f"two values of {enum.__name__} read the same"


def test_the_value_sets_that_are_no_enum_are_labelled_too():
    shipped = shipped_labels()
    assert set(shipped[CORRECTION_FIELD]) >= {*EDITABLE, "status", "outlet", "instruction", "name"}
    assert set(shipped["scoring_period"]) == set(typing.get_args(ScoringPeriod))
    assert set(shipped) == {label_section(e) for e in LABELLED} | {CORRECTION_FIELD, "scoring_period"}


def test_labels_keep_the_enum_order_and_the_shipped_words():
    assert list(labels(CommissionStatus)) == [m.value for m in CommissionStatus]  # commission list's columns
    assert label(CommissionStatus.LATE) == "迟报" and label(PieceStatus.VOID) == "作废"
    assert field_label("word_count") == "字数" and field_label("nonsense") == "nonsense"


def test_an_office_override_changes_only_what_it_names(tmp_path: Path):
    (tmp_path / "labels.yaml").write_text("piece_status:\n  void: 无效\n", encoding="utf-8")
    use_labels_from(tmp_path)
    assert label(PieceStatus.VOID) == "无效" and label(PieceStatus.COUNTED) == "计数"
    assert label(Change.VOID) == "作废"
    use_labels_from(None)
    assert label(PieceStatus.VOID) == "作废"


def invoke(config: Path, *args: str):
    return runner.invoke(app, ["--config", str(config), *args], catch_exceptions=False)


def submit(config: Path, tmp_path: Path, title: str) -> int:
    n = next(_numbers)
    doc = docx_bytes(title, [f"第{n}篇的内容，说明有关情况。"] * 3, None)
    path = tmp_path / f"m{n}.eml"
    path.write_bytes(mail(sender="shangwu-xx@example.org", to="tzxxk@example.com", subject=f"【工作动态】{title}",
                          body="请审阅", when=datetime(2026, 10, 15, tzinfo=TZ),
                          attachments=[(f"{title}.docx", doc, DOCX_TYPE)]))
    result = invoke(config, "ingest", str(path), "--received-at", "2026-10-15T10:00:00+08:00")
    assert result.exit_code == 0 and "受理" in result.output, result.output
    return max(p["id"] for p in json.loads(invoke(config, "ledger", "list", "--json").stdout))


def test_an_office_rewords_a_label_in_the_ledger_history(office_config: Path, tmp_path: Path):
    piece = submit(office_config, tmp_path, "商务局召开招商推介会")
    assert invoke(office_config, "ledger", "void", str(piece), "--reason", "测试邮件").exit_code == 0
    shipped = invoke(office_config, "ledger", "history", str(piece)).output
    assert "作废" in shipped and "无效" not in shipped

    (office_config / "templates").mkdir(exist_ok=True)
    (office_config / "templates" / "labels.yaml").write_text(
        "# 本办的说法\npiece_status:\n  void: 无效稿件\nchange:\n  void: 标为无效\nverdict:\n  accepted: 已登记\n",
        encoding="utf-8")
    assert invoke(office_config, "check-config").exit_code == 0
    reworded = invoke(office_config, "ledger", "history", str(piece))
    assert reworded.exit_code == 0, reworded.output
    assert "无效稿件" in reworded.output and "标为无效" in reworded.output and "作废" not in reworded.output
    xlsx = tmp_path / "台账.xlsx"   # the ledger layer's 台账 reads the same words
    assert invoke(office_config, "ledger", "export", "--month", "2026-10", "-o", str(xlsx)).exit_code == 0
    sheet = openpyxl.load_workbook(xlsx)["台账"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("状态")] == "无效稿件" and "标为无效" in row[header.index("更正记录")]

    n = next(_numbers)
    path = tmp_path / f"m{n}.eml"
    path.write_bytes(mail(sender="shangwu-xx@example.org", to="tzxxk@example.com", subject="【工作动态】第二篇",
                          body="请审阅", when=datetime(2026, 10, 16, tzinfo=TZ),
                          attachments=[("第二篇.docx", docx_bytes("第二篇", ["内容说明有关情况。"] * 3, None), DOCX_TYPE)]))
    ingested = invoke(office_config, "ingest", str(path), "--received-at", "2026-10-16T10:00:00+08:00")
    assert ingested.exit_code == 0 and "已登记" in ingested.output, ingested.output


def test_a_mistake_in_the_office_labels_is_reported_with_file_line_and_key(cfg: Path):
    (cfg / "templates").mkdir()
    (cfg / "templates" / "labels.yaml").write_text(
        "piece_status:\n  void: 无效\n  voided: 无效\nchange:\n  void: ''\nstatus:\n  x: y\n", encoding="utf-8")
    found = problems(cfg)
    assert any("templates/labels.yaml 第 3 行 [piece_status.voided]" in p and "不认识的值" in p for p in found), found
    assert any("第 5 行 [change.void]" in p and "不为空" in p for p in found), found
    assert any("第 6 行 [status]" in p and "不认识的分类" in p for p in found), found

    (cfg / "templates" / "labels.yaml").write_text("piece_status:\n  void: [无效\n", encoding="utf-8")
    assert any(p.startswith("templates/labels.yaml 第 ") and "YAML" in p for p in problems(cfg))


def test_the_shipped_labels_are_valid_yaml_of_text():
    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "templates" / "labels.yaml").read_text("utf-8"))
    assert all(isinstance(v, str) and v for section in data.values() for v in section.values())
