"""The hand-written .eml corpus (tests/data/mail/, built by build.py) judged by `baosong inspect --json`
against ONE expectations table (expectations.tsv): verdict, reason, pieces and their fields, the flag
rules that fired, and whether the reply `poll` would queue is sent or withheld.

The seeds (tests/data/mail/seed/) are ingested first, so duplicates and revisions are judged
against a ledger that holds their originals: on SQLite and on PostgreSQL (``BACKENDS``)."""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import BACKENDS, create_postgres_database, drop_postgres_database
from typer.testing import CliRunner

from baosong.cli import app
from baosong.intake.readers.soffice import find_soffice
from baosong.vocabulary import Reason, Verdict

CORPUS = Path(__file__).parent / "data" / "mail"
runner = CliRunner()


def table() -> list[dict[str, str]]:
    lines = [line for line in (CORPUS / "expectations.tsv").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = table()
# rows whose document LibreOffice converts where it is installed, and the OLE reader reads otherwise
EITHER_WAY = [r for r in ROWS if "/" in r["read_by"]]


def expected_read_by(row: dict[str, str], *, soffice: bool) -> str | None:
    """The row's read_by as inspect --json gives it: 'body' is null, 'libreoffice/ole' depends on soffice."""
    value = row["read_by"]
    if "/" in value:
        with_lo, without = value.split("/")
        return with_lo if soffice else without
    return None if value == "body" else value


def test_the_table_covers_the_corpus_and_every_rule():
    files = sorted(p.name for p in CORPUS.glob("*.eml"))
    assert len(files) >= 60
    assert sorted(r["file"] for r in ROWS) == files
    reasons = {r["reason"] for r in ROWS} | {f for r in ROWS for f in r["flags"].split(",")}
    # a crash in our own code is no property of a message's bytes: tests/test_failures.py makes one happen
    not_in_corpus = {Reason.PROCESSING_FAILED}
    assert {r.value for r in Reason} - not_in_corpus <= reasons
    assert {r["verdict"] for r in ROWS} == {v.value for v in Verdict}
    # every format a unit sends has a message of its own: .doc, .wps, .pdf, .docx, .docm, zip, winmail.dat
    read = {r["read_by"] for r in ROWS}
    assert {"docx", "pdf", "libreoffice/ole", "body"} <= read
    sources = [r["source"] for r in ROWS]
    for suffix in (".doc", ".wps", ".pdf", ".docm"):
        assert any(s.endswith(suffix) for s in sources), suffix
    assert any(".zip/" in s for s in sources) and any(s.startswith("winmail.dat/") for s in sources)


# a Foxmail submission with a .docx, written by build.py in a fresh process: its sha256 and its entries' times
_BUILD_ONE = """
import hashlib, sys, zipfile, io
sys.path.insert(0, sys.argv[1])
import build
build.fixed_clock()
raw = build.submission(sender="binhu-xx@example.com", subject="【工作动态】滨湖镇", attachments=[("a.docx", build.doc("标题"))])
times = {info.date_time for info in zipfile.ZipFile(io.BytesIO(build.doc("标题"))).infolist()}
print(hashlib.sha256(raw).hexdigest(), sorted(times))
"""


def test_the_builder_writes_the_same_bytes_in_every_process():
    """A rebuild of the corpus changes no committed byte: Message-IDs do not come from ``hash()`` (salted per
    process) and the documents' zip entries are not dated by the clock."""
    import subprocess
    import sys

    outputs = {subprocess.run([sys.executable, "-c", _BUILD_ONE, str(CORPUS)], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1, outputs
    assert "[(2026, 10, 12, 9, 0, 0)]" in outputs.pop()


def overridden(config: Path, settings: str, directory: Path) -> Path:
    """A copy of the config directory whose settings.yaml has ``settings`` ("limits.max_message_mb=0.04,...")
    applied; on SQLite the copy has its own (empty) ledger, on PostgreSQL it shares the database (inspect writes nothing)."""
    shutil.copytree(config, directory, dirs_exist_ok=True, ignore=shutil.ignore_patterns("data"))
    data = yaml.safe_load((directory / "settings.yaml").read_text(encoding="utf-8"))
    data["data_dir"] = str(directory / "data")
    for item in settings.split(","):
        key, _, value = item.partition("=")
        *path, last = key.strip().split(".")
        node = data
        for part in path:
            node = node.setdefault(part, {})
        node[last] = yaml.safe_load(value)
    (directory / "settings.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


@pytest.fixture(scope="module", params=BACKENDS)
def judged(request, tmp_path_factory) -> Iterator[dict[str, dict]]:
    database = None if request.param == "sqlite" else create_postgres_database(
        request.getfixturevalue("postgres_server"))
    try:
        yield judge_corpus(tmp_path_factory, database)
    finally:
        if database:
            drop_postgres_database(database)


def judge_corpus(tmp_path_factory, database: str | None) -> dict[str, dict]:
    """Every row's inspect --json, on a ledger holding the seeds (SQLite, or ``database``)."""
    from baosong.demo.config import write_office_config

    class Smtp:   # replies are built, never sent: inspect queues nothing
        host, port = "127.0.0.1", 9

    config = write_office_config(tmp_path_factory.mktemp("corpus") / "config", smtp=Smtp(), database=database)
    seeds = sorted((CORPUS / "seed").glob("*.eml"))
    seeded = runner.invoke(app, ["--config", str(config), "ingest", *map(str, seeds)])
    assert seeded.output.count("已登记") == len(seeds), seeded.output
    configs = {"-": config}
    for row in ROWS:   # a row with its own settings: judged under a copy of the config with them applied
        if row["settings"] not in configs:
            configs[row["settings"]] = overridden(config, row["settings"], tmp_path_factory.mktemp("override"))
    out = {}
    for row in ROWS:
        result = runner.invoke(app, ["--config", str(configs[row["settings"]]), "inspect",
                                     str(CORPUS / row["file"]), "--json"])
        assert result.exit_code == 0, (row["file"], result.output)
        out[row["file"]] = json.loads(result.stdout)
    return out


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_corpus_message(judged, row):
    data = judged[row["file"]]
    dash = lambda v: None if v == "-" else v
    assert (data["verdict"], data["reason"]) == (row["verdict"], dash(row["reason"]))
    assert len(data["pieces"]) == int(row["pieces"])
    if data["pieces"]:
        first = data["pieces"][0]
        assert (first["title"], first["category"], first["source"]) == (
            dash(row["title"]), dash(row["category"]), dash(row["source"]))
        assert all(p["word_count"] > 0 for p in data["pieces"])
        if row["words"] != "-":
            assert first["word_count"] == int(row["words"])
        if row["read_by"] != "-":
            soffice = find_soffice() is not None
            if "/" in row["read_by"] and not soffice and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail("LibreOffice (soffice) is not installed: CI must install it (tests/run.sh does)")
            assert first["read_by"] == expected_read_by(row, soffice=soffice)
    hit_rules = [h["rule"] for h in data["hits"]]
    flags = [] if row["flags"] == "-" else row["flags"].split(",")
    assert set(flags) <= set(hit_rules)
    if data["reason"]:
        assert hit_rules[0] == data["reason"] or data["reason"] in hit_rules
    if row["detail"] != "-":
        [deciding] = [h for h in data["hits"] if h["rule"] == data["reason"]]
        assert row["detail"] in deciding["detail"]
    reply = "sent" if data["reply"] else ("withheld" if data["reply_withheld"] else "none")
    assert reply == row["reply"], data["reply_withheld"]
    # nothing a person reads carries a control character or an escape sequence
    for text in [data["reply"]["subject"] if data["reply"] else "", *(p["title"] or "" for p in data["pieces"])]:
        assert text.isprintable(), repr(text)


@pytest.mark.parametrize("row", EITHER_WAY, ids=[r["file"] for r in EITHER_WAY])
def test_corpus_message_without_libreoffice(judged, row, monkeypatch, tmp_path):
    """The .doc/.wps rows again with soffice nowhere on PATH: the OLE reader gives the same verdict,
    title and 字数, and refuses an encrypted or photo-only .doc the same way (judged on an empty
    ledger: none of these rows depends on the seeds)."""
    from baosong.demo.config import write_office_config

    class Smtp:
        host, port = "127.0.0.1", 9

    config = write_office_config(tmp_path / "config", smtp=Smtp())
    monkeypatch.setenv("PATH", "/nonexistent")
    assert find_soffice() is None
    result = runner.invoke(app, ["--config", str(config), "inspect", str(CORPUS / row["file"]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["verdict"], data["reason"]) == (row["verdict"], None if row["reason"] == "-" else row["reason"])
    assert len(data["pieces"]) == int(row["pieces"])
    if data["pieces"]:
        first = data["pieces"][0]
        assert (first["title"], first["word_count"], first["read_by"]) == (
            row["title"], int(row["words"]), expected_read_by(row, soffice=False))
    if row["detail"] != "-":
        [deciding] = [h for h in data["hits"] if h["rule"] == data["reason"]]
        assert row["detail"] in deciding["detail"]
    # and the same fields as the way the corpus run read it (LibreOffice where installed), but read_by
    same = lambda piece: {k: v for k, v in piece.items() if k != "read_by"}
    assert [same(p) for p in data["pieces"]] == [same(p) for p in judged[row["file"]]["pieces"]]
