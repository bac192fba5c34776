"""Config validation: every mistake reported with file, line, key, in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import problems

from baosong.config.loader import ConfigError, load_config

SHIPPED = Path(__file__).resolve().parents[1] / "config"




def edit(cfg: Path, name: str, old: str, new: str, count: int = -1) -> list[int]:
    """Replace text in one config file; the 1-based numbers of the lines that now hold ``new``."""
    text = (cfg / name).read_text(encoding="utf-8").replace(old, new, count)
    (cfg / name).write_text(text, encoding="utf-8")
    return [i for i, line in enumerate(text.splitlines(), 1) if new in line]


def test_shipped_example_is_valid():
    config = load_config(SHIPPED)
    assert len(config.units) == 9
    assert {u.class_ for u in config.units} == {"A", "B", "C"}
    assert config.unit_for("BINHU-XX@example.com").name == "滨湖镇人民政府"
    assert config.settings.timezone == "Asia/Shanghai"
    assert config.database_url.startswith("sqlite:///")


def test_unknown_key_reports_file_line_and_key(cfg: Path):
    [line] = edit(cfg, "settings.yaml", "password_env: BAOSONG_IMAP_PASSWORD", "pasword_env: BAOSONG_IMAP_PASSWORD")
    [p] = problems(cfg)
    assert p.startswith(f"settings.yaml 第 {line} 行 [mailboxes[0].pasword_env]")
    assert "不认识的配置项" in p and "unknown key" in p


def test_unit_class_must_exist_in_scoring(cfg: Path):
    edit(cfg, "units.yaml", "class: C", "class: D", 1)
    [p] = problems(cfg)
    assert "units.yaml" in p and "'D'" in p and "未在 scoring.yaml 的 classes 中定义" in p


def test_bad_address(cfg: Path):
    [line] = edit(cfg, "units.yaml", "- binhu-xx@example.com", "- binhu-xx.example.com")
    [p] = problems(cfg)
    assert p.startswith(f"units.yaml 第 {line} 行 [units[0].addresses[0]]")
    assert "binhu-xx.example.com" in p and "不是有效的邮箱地址" in p


def test_address_registered_to_two_units(cfg: Path):
    [line] = edit(cfg, "units.yaml", "- tiyu-xx@example.org", "- SHANGWU-xx@example.org")
    [p] = problems(cfg)
    assert p.startswith(f"units.yaml 第 {line} 行 [units[4].addresses[0]]")
    assert "shangwu-xx@example.org" in p and "同时登记在“滕州市商务局”和“滕州市体育局”名下" in p


def test_duplicate_unit_name_points_at_both_lines(cfg: Path):
    lines = edit(cfg, "units.yaml", "name: 滕州市体育局", "name: 滕州市审计局")
    [p] = problems(cfg)
    assert p.startswith(f"units.yaml 第 {lines[1]} 行 [units[4].name]") and f"与第 {lines[0]} 行相同" in p


def test_yaml_syntax_error_names_the_line(cfg: Path):
    (cfg / "scoring.yaml").write_text("outlets:\n  国办专报: 60\n bad: [\n", encoding="utf-8")
    [p] = problems(cfg)
    assert p.startswith("scoring.yaml 第 ") and "YAML 格式错误" in p


def test_wrong_types_are_explained(cfg: Path):
    edit(cfg, "settings.yaml", "poll_minutes: 10", "poll_minutes: 十分钟")
    edit(cfg, "settings.yaml", "timezone: Asia/Shanghai", "timezone: Asia/Beijing")
    found = problems(cfg)
    assert any("[schedule.poll_minutes]" in p and "应填写整数" in p and "十分钟" in p for p in found)
    assert any("[timezone]" in p and "未知的时区" in p for p in found)


def test_missing_file_and_directory(tmp_path: Path):
    assert any("找不到文件" in p for p in problems(tmp_path))
    with pytest.raises(ConfigError, match="配置目录不存在"):
        load_config(tmp_path / "nope")


def test_unset_password_env_is_a_warning_not_an_error(cfg: Path, monkeypatch):
    monkeypatch.delenv("BAOSONG_IMAP_PASSWORD", raising=False)
    config = load_config(cfg)
    assert any("BAOSONG_IMAP_PASSWORD" in str(w) for w in config.warnings)


def add_gate(cfg: Path, lines: str) -> int:
    """Append a gate: section to settings.yaml; the 1-based number of its first rule line."""
    text = (cfg / "settings.yaml").read_text(encoding="utf-8")
    (cfg / "settings.yaml").write_text(text + "\ngate:\n" + lines, encoding="utf-8")
    return len(text.splitlines()) + 3


def test_gate_section_sets_a_links_action(cfg: Path):
    add_gate(cfg, "  spoofed_sender: quarantine\n  classified: off\n  oversize: flag\n")
    from baosong.config.schema import gate_overrides

    overrides = gate_overrides(load_config(cfg).settings.gate)
    assert overrides == {"spoofed_sender": "quarantine", "classified": "off", "oversize": "flag"}


def test_gate_unknown_rule_reports_file_line_and_key(cfg: Path):
    line = add_gate(cfg, "  spoofed_sendr: quarantine\n")
    [p] = problems(cfg)
    assert p.startswith(f"settings.yaml 第 {line} 行 [gate.spoofed_sendr]")
    assert "不认识的配置项" in p and "unknown key" in p


def test_gate_unknown_action_lists_the_actions(cfg: Path):
    line = add_gate(cfg, "  oversize: maybe\n")
    [p] = problems(cfg)
    assert p.startswith(f"settings.yaml 第 {line} 行 [gate.oversize]")
    assert "不认识的处理方式" in p and "quarantine" in p and "unknown gate action" in p
