"""Every fixed sentence the CLI, the daemon and the ledger print lives in templates/messages/*.yaml.

Each ``say("area.name", ...)`` in the code names a message the catalogue has, with exactly the fields
its text uses; every message in the catalogue is said somewhere; an office rewords one with
``templates/messages/<area>.yaml`` in its config directory, and check-config names a mistake there.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from baosong.cli import app
from baosong.messages import fields_of, say, shipped_messages, use_messages_from

ROOT = Path(__file__).resolve().parents[1]
CODE = [p for folder in ("baosong", "intake", "ledger", "notify", "config")
        for p in sorted((ROOT / folder).rglob("*.py")) if ".venv" not in p.parts]


def said() -> list[tuple[Path, int, str, set[str] | None]]:
    """Each say(...) call with a literal key: (file, line, key, the keyword fields; None with **kwargs)."""
    out = []
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "say"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                names = {k.arg for k in node.keywords}
                out.append((path, node.lineno, node.args[0].value, None if None in names else names))
    return out


def test_every_key_said_exists_with_its_fields():
    shipped = shipped_messages()
    calls = said()
    assert calls
    for path, line, key, names in calls:
        where = f"{path.relative_to(ROOT)}:{line}"
        assert key in shipped, f"{where}: {key} is not in templates/messages/"
        if names is not None:
            assert names == fields_of(shipped[key]), f"{where}: {key} given {sorted(names)}, text uses " \
                                                     f"{sorted(fields_of(shipped[key]))}"


def test_every_message_is_said():
    keys = {key for _, _, key, _ in said()}
    # a key said through a variable is named in full somewhere in the code as a string
    text = "\n".join(p.read_text(encoding="utf-8") for p in CODE)
    unused = [k for k in shipped_messages() if k not in keys and f'"{k}"' not in text]
    assert not unused, f"messages nobody says: {unused}"


def test_messages_are_text():
    for key, text in shipped_messages().items():
        assert isinstance(text, str) and text.strip(), key
        fields_of(text)  # raises on unbalanced braces


def test_an_office_rewords_a_message(tmp_path: Path):
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config, ignore=shutil.ignore_patterns("examples"))
    (config / "templates" / "messages").mkdir(parents=True)
    (config / "templates" / "messages" / "cli.yaml").write_text('config_ok: "配置无误（{directory}）"\n',
                                                                 encoding="utf-8")
    try:
        result = CliRunner().invoke(app, ["--config", str(config), "check-config"])
        assert result.exit_code == 0, result.output
        assert f"配置无误（{config}" in result.output.replace("\n", "")
    finally:
        use_messages_from(None)
    assert say("cli.config_ok", directory="x") == "配置正确：x"


@pytest.mark.parametrize("text, problem", [
    ('config_ok: "配置无误 {password}"\n', "password"),
    ('no_such_message: "某某"\n', "不认识的消息名"),
    ('config_ok: ""\n', "不为空"),
    ('config_ok: "配置无误 {directory"\n', "花括号"),
])
def test_check_config_names_a_mistake_in_an_office_message(tmp_path: Path, text: str, problem: str):
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config, ignore=shutil.ignore_patterns("examples"))
    (config / "templates" / "messages").mkdir(parents=True)
    (config / "templates" / "messages" / "cli.yaml").write_text(text, encoding="utf-8")
    try:
        result = CliRunner().invoke(app, ["--config", str(config), "check-config"])
    finally:
        use_messages_from(None)
    assert result.exit_code != 0
    out = result.output.replace("\n", "")
    assert "templates/messages/cli.yaml" in out and problem in out, result.output
    assert "Traceback" not in result.output
