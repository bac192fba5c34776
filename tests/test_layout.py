"""Tools can read the layout: one name per module, lazy start-up, nothing written into the source tree."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from baosong.config.loader import example_config_dir, load_config
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail

ROOT = Path(__file__).resolve().parents[1]
MAPPED = ("intake", "ledger", "notify", "config", "templates")


def _fresh_python(code: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """A new interpreter in the checkout (where the sibling folders are in the current directory)."""
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": ""})


@pytest.mark.parametrize("name", MAPPED)
def test_mapped_folders_are_not_importable_under_their_folder_names(name: str):
    # The editable install maps baosong.<name> to ./<name>; it must not also expose <name> itself.
    # (The current directory is taken off sys.path: `python` started inside the checkout sees any
    # folder there; test_each_loaded_module_has_one_name checks no code relies on that.)
    probe = _fresh_python(
        "import importlib.util, sys; sys.path.remove('') if '' in sys.path else None; "
        f"print(importlib.util.find_spec({name!r}) is not None)")
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "False", f"{name} is importable outside baosong.{name}"
    assert importlib.util.find_spec(f"baosong.{name}") is not None


def test_tests_and_bench_are_not_part_of_the_package():
    for name in ("baosong.tests", "baosong.bench"):
        assert importlib.util.find_spec(name) is None, f"{name} is importable"


def test_each_loaded_module_has_one_name():
    """Import every module of the installed package; no file may be loaded twice under two names."""
    code = (
        "import importlib, pkgutil, sys, baosong\n"
        "for m in pkgutil.walk_packages(baosong.__path__, 'baosong.'):\n"
        "    if m.name.endswith(('__main__', '.migrations.env')) or '.versions.' in m.name:\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "files = {}\n"
        "for name, mod in list(sys.modules.items()):\n"
        "    f = getattr(mod, '__file__', None)\n"
        "    if f and f.startswith(sys.argv[1]):\n"
        "        files.setdefault(f, []).append(name)\n"
        "dups = {f: n for f, n in files.items() if len(n) > 1}\n"
        "assert not dups, dups\n"
        "outside = sorted(n for n in sys.modules if n.split('.')[0] in MAPPED)\n"
        "assert not outside, outside\n"
        "print(len(files))\n").replace("MAPPED", repr(MAPPED))
    run = _fresh_python(code, str(ROOT))
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) > 30  # really walked the package


def test_python_m_baosong_runs_the_cli():
    run = subprocess.run([sys.executable, "-m", "baosong", "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert "inspect" in run.stdout


# ------------------------------------------------------------------ start-up

def _modules_after(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run the CLI in a fresh interpreter; return its result and the modules it had loaded."""
    dump = tmp_path / "modules.json"
    code = ("import atexit, json, sys\n"
            f"atexit.register(lambda: open({str(dump)!r}, 'w').write(json.dumps(sorted(sys.modules))))\n"
            "sys.argv = ['baosong', *sys.argv[1:]]\n"
            "from baosong.cli import main\n"
            "main()\n")
    run = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    return run, json.loads(dump.read_text())


@pytest.fixture
def office_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    config = load_config(example_config_dir())
    unit = config.units[0]
    document = tmp_path / "piece.docx"
    document.write_bytes(docx_bytes("滕州市扎实推进乡村振兴", ["聚焦产业发展，扎实推进各项重点任务。"], "（滕州市 王芳）"))
    message = tmp_path / "piece.eml"
    message.write_bytes(mail(sender=f"信息员 <{unit.addresses[0]}>", to="tzxxk@example.com",
                             subject="【工作动态】滕州市扎实推进乡村振兴", body="信息科：报送信息一篇。",
                             when=datetime(2026, 10, 12, 9, 30, tzinfo=timezone(timedelta(hours=8))),
                             attachments=[("piece.docx", document.read_bytes(), DOCX_TYPE)]))
    from baosong.demo.config import write_office_config

    return document, message, write_office_config(tmp_path / "config")


@pytest.mark.parametrize("command", ["help", "extract", "inspect"])
def test_quick_commands_never_import_the_orm(tmp_path: Path, office_files, command: str):
    document, message, config_dir = office_files
    args = {"help": ["--help"], "extract": ["extract", str(document), "--json"],
            "inspect": ["--config", str(config_dir), "inspect", str(message), "--json"]}[command]
    run, modules = _modules_after(tmp_path, *args)
    assert run.returncode == 0, run.stderr
    assert "baosong.cli" in modules
    if command != "help":
        assert "baosong.intake.judge" in modules or "baosong.intake.extract" in modules
        assert json.loads(run.stdout)
    orm = [m for m in modules if m.startswith(("sqlalchemy", "alembic"))]
    assert not orm, f"`baosong {' '.join(args)}` imported {orm[:5]}"


def test_inspect_reads_an_existing_ledger(tmp_path: Path, office_files, office_database: str | None):
    from baosong.demo.config import write_office_config

    _, message, config_dir = office_files
    write_office_config(config_dir, database=office_database)  # its ledger on SQLite or PostgreSQL
    ingest = subprocess.run([sys.executable, "-m", "baosong", "--config", str(config_dir), "ingest", str(message)],
                            capture_output=True, text=True, timeout=120)
    assert ingest.returncode == 0, ingest.stderr
    run, modules = _modules_after(tmp_path, "--config", str(config_dir), "inspect", str(message), "--json")
    assert run.returncode == 0, run.stderr
    assert "sqlalchemy.orm" in modules  # there is a ledger now: inspect asks it about duplicates


# ------------------------------------------------------------------ the source tree stays clean

def test_shipped_example_config_keeps_its_data_outside_the_package(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    config = load_config(example_config_dir())
    assert config.data_dir == tmp_path / "xdg" / "baosong" / "data"
    assert config.database_url == f"sqlite:///{tmp_path / 'xdg' / 'baosong' / 'data' / 'baosong.db'}"
    assert config.archive_dir.is_relative_to(tmp_path / "xdg")
    assert not config.data_dir.is_relative_to(example_config_dir().resolve())


def test_a_copied_config_keeps_its_data_beside_it(tmp_path: Path):
    from baosong.demo.config import write_office_config

    directory = write_office_config(tmp_path / "office")
    settings = (directory / "settings.yaml").read_text(encoding="utf-8")
    (directory / "settings.yaml").write_text(
        "\n".join(line for line in settings.splitlines() if not line.startswith("data_dir")), encoding="utf-8")
    assert load_config(directory).data_dir == directory / "data"


def test_commands_on_the_shipped_config_write_nothing_into_the_checkout(tmp_path: Path):
    before = sorted(p.relative_to(ROOT) for p in (ROOT / "config").rglob("*"))
    run = subprocess.run([sys.executable, "-m", "baosong", "ledger", "list", "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "XDG_DATA_HOME": str(tmp_path), "BAOSONG_CONFIG": ""})
    assert run.returncode == 0, run.stderr
    assert sorted(p.relative_to(ROOT) for p in (ROOT / "config").rglob("*")) == before
    assert (tmp_path / "baosong" / "data" / "baosong.db").is_file()


def test_python_m_baosong_in_a_checkout_that_was_never_installed_says_so():
    # -S: no site-packages, so no editable install; only the checkout in the current directory
    run = subprocess.run([sys.executable, "-S", "-m", "baosong", "--help"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1
    assert "pip install -e ." in run.stderr and "Traceback" not in run.stderr


def test_no_test_times_code():
    """Speed targets live in bench/ as ratios against a reference measured in the same run; a timed assert
    in tests/ fails whenever the machine is busy. Deadlines for waiting (time.monotonic) are fine."""
    timers = ("perf_counter", "process_time", "thread_time", "timeit")
    offenders = [f"{path.name}: {timer}" for path in sorted((ROOT / "tests").glob("*.py"))
                 for timer in timers if timer in path.read_text(encoding="utf-8") and path.name != "test_layout.py"]
    assert offenders == []
