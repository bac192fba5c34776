"""The whole path of one message without IMAP: ``baosong.processing.process`` into a fresh ledger.

What ``baosong ingest`` does for each .eml of an imported history: look the message up in
the ledger (UID / SHA-256), write it to the archive (fsync + rename), judge it, record the
message and its piece in one SQLite transaction. The config is the shipped Tengzhou example
with ``data_dir`` in a temporary directory and no ``smtp`` section, so no replies are queued.

2N messages (default N = 2,000; ``--count N``) from the units' registered addresses, each
with a distinct .docx piece, are processed in one run. Throughput is reported for the first
N (into an empty ledger) and the second N (into a ledger that already holds N), and peak
RSS (``ru_maxrss``) after N and after 2N: it must stay flat, because an admin importing a
year of history (20,000 messages) runs the same loop ten times longer. Flatness is checked on
the current RSS after N and after 2N, which a slow leak cannot hide under the start-up peak. Only the time spent
in ``process`` counts; building the next message is not timed.

    python bench/bench_ingest.py [--count N] [--json FILE]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from baosong.app import App
from baosong.config.loader import load_config
from baosong.processing import process

import _common as c

# Measured ~180 messages/s on the 2-core reference machine (~5.5 ms a message, of which
# ~2 ms are SQLite's commit and the archive's fsync); 70/s keeps 2.5x headroom, fails on a 3x
# slowdown, and still imports 20,000 messages in under 5 minutes.
TARGET_MSGS_PER_S = 70.0
# Measured ~75 MB (interpreter, SQLAlchemy, lxml, pydantic and the working set of one message).
TARGET_PEAK_RSS_MB = 150.0
# "Flat": the second N messages may not raise the resident set by more than this
# (a leak of 5 KB a message, a tenth of each raw message, shows as 10 MB at N = 2,000).
TARGET_GROWTH_MB = 10.0


def main(argv: list[str] | None = None) -> int:
    parser = c.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="N: messages per half (default 2,000)")
    args = parser.parse_args(argv)
    n = args.count
    c.time_limit(max(120, n // 20))
    rng = random.Random(20260104)
    factory = c.DocxFactory()
    factory.selfcheck()
    senders = c.registered_senders()

    with tempfile.TemporaryDirectory(prefix="baosong-bench-ingest-") as tmp:
        app = App(load_config(c.write_office_config(Path(tmp) / "config")))
        assert app.config.settings.smtp is None
        _ = app.sessions  # create the ledger and sync the units before timing
        verdicts: dict[str, int] = {}
        halves: list[tuple[float, float, float]] = []   # (messages/s, peak RSS, current RSS) per half
        print(f"ledger ready: RSS {c.current_rss_mb():.1f} MB, peak {c.peak_rss_mb():.1f} MB")
        for half in range(2):
            busy = 0.0
            for i in range(half * n, (half + 1) * n):
                when = c.arrival(i)
                raw = c.submission(rng, factory, senders[i % len(senders)], when)
                t0 = time.perf_counter()
                outcome = process(app, raw, mailbox="bench", received_at=when)
                busy += time.perf_counter() - t0
                assert outcome.new, outcome
                verdicts[outcome.verdict] = verdicts.get(outcome.verdict, 0) + 1
            halves.append((n / busy, c.peak_rss_mb(), c.current_rss_mb()))
            print(f"messages {half * n + 1}-{(half + 1) * n}: {n / busy:.0f} messages/s "
                  f"({1e3 * busy / n:.2f} ms each), RSS {halves[-1][2]:.1f} MB, peak {halves[-1][1]:.1f} MB",
                  flush=True)
        archived = sum(1 for _ in app.config.archive_dir.rglob("*.eml"))
        db = Path(app.config.database_url.removeprefix("sqlite:///"))
        print(f"verdicts: {verdicts}; {archived} messages archived; ledger {db.stat().st_size / 2**20:.1f} MB")
        assert verdicts == {"accepted": 2 * n}, verdicts
        assert archived == 2 * n
        app.sessions.kw["bind"].dispose()

    (rate1, peak1, now1), (rate2, peak2, now2) = halves
    return c.report([
        c.Figure("ingest", f"first {n:,} messages (empty ledger): messages/s", rate1, "msg/s", TARGET_MSGS_PER_S),
        c.Figure("ingest", f"next {n:,} messages (ledger holds {n:,}): messages/s", rate2, "msg/s",
                 TARGET_MSGS_PER_S),
        c.Figure("ingest", f"peak RSS after {n:,} messages", peak1, "MB", TARGET_PEAK_RSS_MB, higher_is_better=False),
        c.Figure("ingest", f"peak RSS after {2 * n:,} messages", peak2, "MB", TARGET_PEAK_RSS_MB,
                 higher_is_better=False),
        c.Figure("ingest", f"RSS growth from {n:,} to {2 * n:,} messages", now2 - now1, "MB", TARGET_GROWTH_MB,
                 higher_is_better=False),
    ], args.json)


if __name__ == "__main__":
    sys.exit(main())
