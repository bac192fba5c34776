"""Units named in documents are matched to the registry by name, short name, aliases and the
abbreviation rules — one test per rule — and never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import problems

from baosong.config.loader import load_config
from baosong.intake.units_match import MatchStatus, UnitRegistry, normalise_unit_text

SHIPPED = Path(__file__).resolve().parents[1] / "config"


@pytest.fixture(scope="module")
def shipped() -> UnitRegistry:
    return UnitRegistry.from_config(load_config(SHIPPED).units)


def matched(registry: UnitRegistry, text: str) -> str | None:
    m = registry.match(text)
    return m.name if m.status is MatchStatus.MATCHED else None


def test_full_name(shipped):
    assert matched(shipped, "滕州市商务局") == "滕州市商务局"
    assert matched(shipped, " 滕州市 商务局 ") == "滕州市商务局"  # spaces inside a name


def test_short_name(shipped):
    assert matched(shipped, "果树中心") == "滕州市果树服务中心"


def test_aliases_from_units_yaml(shipped):
    # config/units.yaml: 滕州市果树服务中心 aliases [市果树站, 果树站]
    assert matched(shipped, "市果树站") == "滕州市果树服务中心"
    assert matched(shipped, "果树站") == "滕州市果树服务中心"


def test_city_prefix_dropped_to_shi(shipped):
    assert matched(shipped, "市商务局") == "滕州市商务局"


def test_city_prefix_dropped_entirely(shipped):
    assert matched(shipped, "信访局") == "滕州市信访局"


def test_city_prefix_added(shipped):
    assert matched(shipped, "滕州市滨湖镇人民政府") == "滨湖镇人民政府"
    assert matched(shipped, "滕州市滨湖镇") == "滨湖镇人民政府"


def test_renmin_zhengfu_dropped(shipped):
    assert matched(shipped, "滨湖镇") == "滨湖镇人民政府"


def test_banshichu_dropped(shipped):
    assert matched(shipped, "龙泉街道") == "龙泉街道办事处"
    assert matched(shipped, "龙泉街道办") == "龙泉街道办事处"


@pytest.mark.parametrize("text", ["滕州市信访局供稿", "市信访局报送", "信访局提供", "（滕州市信访局）", "滕州市信访局撰稿"])
def test_delivery_suffixes_and_brackets_stripped(shipped, text):
    assert matched(shipped, text) == "滕州市信访局"


def test_unit_then_author(shipped):
    assert matched(shipped, "（市审计局 赵文静）") == "滕州市审计局"


def test_inner_office_is_its_unit(shipped):
    assert matched(shipped, "滕州市商务局办公室") == "滕州市商务局"
    assert matched(shipped, "滨湖镇党政办") == "滨湖镇人民政府"


@pytest.mark.parametrize("text", ["滕州市发展和改革局", "市政府", "滕州市", "发改局", "某某公司"])
def test_unregistered_is_kept_raw(shipped, text):
    m = shipped.match(text)
    assert m.status is MatchStatus.UNREGISTERED and m.name is None and m.raw == text


def test_ambiguous_is_never_guessed():
    registry = UnitRegistry([("滕州市商务局", None, ()), ("滕州市教育局", None, ()),
                             ("山亭区商务局", None, ()), ("山亭区教育局", None, ())])
    m = registry.match("商务局")
    assert m.status is MatchStatus.AMBIGUOUS and m.candidates == ("山亭区商务局", "滕州市商务局")
    assert m.raw == "商务局"
    # the remaining character of the prefix still tells them apart
    assert matched(registry, "市商务局") == "滕州市商务局"
    assert matched(registry, "区商务局") == "山亭区商务局"


def test_explicit_name_beats_derived_one():
    # 商务局 would be ambiguous by derivation, but one unit lists it as its short name
    registry = UnitRegistry([("滕州市商务局", "商务局", ()), ("滕州市教育局", None, ()),
                             ("山亭区商务局", None, ()), ("山亭区教育局", None, ())])
    assert matched(registry, "商务局") == "滕州市商务局"


def test_alias_not_derived_further():
    registry = UnitRegistry([("滕州市经济开发区管理委员会", "开发区", ("经开区管委会",)),
                             ("滕州市教育局", None, ())])
    assert matched(registry, "经开区管委会") == "滕州市经济开发区管理委员会"
    assert matched(registry, "开发区") == "滕州市经济开发区管理委员会"
    assert matched(registry, "市经济开发区管理委员会") == "滕州市经济开发区管理委员会"


def test_empty_registry_matches_nothing():
    assert UnitRegistry().match("滕州市商务局").status is MatchStatus.UNREGISTERED


def test_normalise():
    assert normalise_unit_text("（滕州市信访局 供稿）") == "滕州市信访局"
    assert normalise_unit_text("报送") == "报送"  # never stripped to nothing


# --- units.yaml `aliases:` validation ---------------------------------------------------------



def replace(cfg: Path, name: str, old: str, new: str) -> None:
    text = (cfg / name).read_text(encoding="utf-8")
    assert old in text
    (cfg / name).write_text(text.replace(old, new, 1), encoding="utf-8")


def test_alias_naming_another_unit_is_refused(cfg: Path):
    replace(cfg, "units.yaml", "aliases: [市果树站, 果树站]", "aliases: [市果树站, 气象局]")
    [p] = problems(cfg)
    assert "units.yaml 第" in p and "aliases[1]" in p and "“气象局”" in p and "滕州市气象局" in p
    assert "alias already names another unit" in p


def test_alias_too_short_is_refused(cfg: Path):
    replace(cfg, "units.yaml", "aliases: [市果树站, 果树站]", "aliases: [果]")
    [p] = problems(cfg)
    assert "aliases" in p and "别名至少两个字" in p


def test_same_alias_on_two_units_is_refused(cfg: Path):
    replace(cfg, "units.yaml", "    short: 地震局\n", "    short: 地震局\n    aliases: [果树站]\n")
    [p] = problems(cfg)
    assert "“果树站”" in p and "滕州市地震局" in p and "aliases[1]" in p


def test_category_alias_must_point_at_a_category(cfg: Path):
    replace(cfg, "scoring.yaml", "  动态: 工作动态", "  动态: 工作要闻")
    [p] = problems(cfg)
    assert "scoring.yaml" in p and "category_aliases" in p and "动态 → 工作要闻" in p
