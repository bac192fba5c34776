"""Imports point one way: intake → ledger → notify, wired by baosong/ (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# folder -> baosong packages it must never import
FORBIDDEN = {
    "intake": {"baosong.notify", "baosong.ledger"},
    "ledger": {"baosong.intake", "baosong.notify"},
    "notify": {"baosong.intake"},
    "config": {"baosong.intake", "baosong.ledger", "baosong.notify"},
}
WIRING = ("baosong.app", "baosong.cli", "baosong.commissions", "baosong.poll", "baosong.processing", "baosong.daemon",
          "baosong.demo", "baosong.notices", "baosong.views")


def imports(path: Path) -> set[str]:
    package = {"intake": "baosong.intake", "ledger": "baosong.ledger", "notify": "baosong.notify",
               "config": "baosong.config"}[path.relative_to(ROOT).parts[0]]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: stays inside its own package
                names.add(package)
            elif node.module:
                names.add(node.module)
    return names


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_import_direction(folder: str):
    for path in sorted((ROOT / folder).rglob("*.py")):  # subpackages too (intake/mime, intake/rules ...)
        for name in imports(path):
            bad = [f for f in (*FORBIDDEN[folder], *WIRING) if name == f or name.startswith(f + ".")]
            assert not bad, f"{path.relative_to(ROOT)} imports {name}"
