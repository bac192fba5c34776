"""The README documents the real command line: every command it lists exists, and every command is listed."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.testing import CliRunner

from baosong.cli import app

ROOT = Path(__file__).resolve().parents[1]


def cli_commands() -> set[str]:
    click_group = typer.main.get_command(app)
    names: set[str] = set()
    for name, cmd in click_group.commands.items():
        sub = getattr(cmd, "commands", None)
        if sub:
            names |= {f"{name} {s}" for s in sub}
        else:
            names.add(name)
    return names


def readme_commands() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.findall(r"^\| `baosong ([a-z-]+(?: [a-z]+)?)", text, re.M)
    return {f.split(" ")[0] if f.split(" ")[0] not in ("ledger", "notify", "commission") else f for f in found}


def test_readme_lists_exactly_the_real_commands():
    assert readme_commands() == cli_commands()


def test_readme_setup_commands_are_the_ones_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash tests/run.sh" in readme
    assert "baosong demo" in readme
    assert "bash tests/run.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_has_chinese_help():
    runner = CliRunner()
    for command in sorted(cli_commands()):
        result = runner.invoke(app, [*command.split(), "--help"])
        assert result.exit_code == 0, command
        assert re.search(r"[\u4e00-\u9fff]", result.output), f"{command} has no Chinese help"
