"""A message examined on the judge pool (``baosong.judge_pool``: a worker process, its result slimmed and
pickled back) is judged exactly as one examined in the poller's own process: every .eml of the corpus,
with a ledger that knows nothing and with one that answers "seen" and "ours" to every question (so the
duplicate, correspondence and revision rules fire too)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import write_office_config

from baosong.app import App
from baosong.intake.judge import Judgement
from baosong.judge_pool import JudgePool
from baosong.judging import LedgerLookups, decide_raw, examine_raw

CORPUS = Path(__file__).parent / "data" / "mail"

NOTHING_SEEN = LedgerLookups()
ALL_SEEN = LedgerLookups(seen_piece=lambda sha, unit: True, seen_message_id=lambda mid, unit: True,
                         ours=lambda mid: True, seen_title=lambda key, unit: True)


def _view(j: Judgement) -> tuple:
    """Everything the poller records or replies from a judgement (the attachments' bytes aside: the
    poller archives the raw message, never the judgement's copy of them)."""
    message = dataclasses.replace(j.message, attachments=tuple(
        (a.filename, a.content_type, a.inline) for a in j.message.attachments))
    return (j.as_json(), j.verdict, j.reason, j.detail, j.sender, j.unit, j.pieces, j.hits, j.skipped,
            j.authenticated, j.precedence, message)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return App.open(write_office_config(tmp_path_factory.mktemp("pool") / "config")).config


def test_the_pool_judges_every_corpus_message_as_the_poller_does(config):
    files = sorted(CORPUS.glob("*.eml")) + sorted((CORPUS / "seed").glob("*.eml"))
    raws = [f.read_bytes() for f in files]
    assert len(raws) >= 60
    pool = JudgePool(config, 2)
    try:
        pooled = pool.examine_async([(raw, None) for raw in raws])()
    finally:
        pool.close()
    assert all(c is not None for c in pooled)   # no worker failed: every one was examined over there
    for name, raw, candidate in zip(files, raws, pooled, strict=True):
        local = examine_raw(config, raw)
        assert candidate is not None
        # what came back is slim: no attachment's bytes, no paragraphs
        assert all(a.data == b"" for a in candidate.message.attachments), name
        assert all(d.text is None or d.text.paragraphs == () for d in candidate.documents), name
        for lookups in (NOTHING_SEEN, ALL_SEEN):
            assert _view(decide_raw(config, candidate, lookups)) == _view(decide_raw(config, local, lookups)), name


def test_a_header_only_message_is_judged_alike_on_the_pool(config):
    """An oversize message's header alone, with its size on the server (the pool's ``size``)."""
    raw = next(iter(sorted(CORPUS.glob("accept-*.eml")))).read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0] + b"\n\n"
    size = 500 * 1024 * 1024
    pool = JudgePool(config, 2)
    try:
        [candidate] = pool.examine_async([(head, size)])()
    finally:
        pool.close()
    assert candidate is not None
    local = examine_raw(config, head, size=size)
    pooled, alone = decide_raw(config, candidate), decide_raw(config, local)
    assert _view(pooled) == _view(alone)
    assert alone.reason is not None and alone.reason.value == "oversize"
