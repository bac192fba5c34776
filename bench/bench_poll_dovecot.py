"""`baosong poll --once` over N realistic messages on a local Dovecot, beside a bare imapclient script.

Starts the tests' throw-away Dovecot (``tests/dovecot.py``: 127.0.0.1, a free port, Maildir in a
temporary directory) with two users holding the same N submissions (default 2,000, ``--count``;
~52 KB each: a note and one .docx piece from the units of the shipped config, INTERNALDATE set).
In the same run:

* **bare**: an imapclient script that SELECTs INBOX, FETCHes BODY.PEEK[] + INTERNALDATE of every
  message in batches of 50 and moves each batch with one UID MOVE — the protocol's floor;
* **poll**: ``baosong poll --once`` as an admin runs it (a fresh process, start-up included) on a
  config whose mailbox is the other user: fetch, archive (durable), judge, record, file, per batch.
  No smtp section (no replies are queued or sent), like bench_ingest.

Both end with an empty INBOX and all N filed (checked). Target: poll ≥ 0.2x the bare script.
``--profile FILE`` also runs the poll in-process under cProfile (a third user) and prints the top
functions by own time.

    python bench/bench_poll_dovecot.py [--count N] [--profile FILE] [--json FILE]
"""

from __future__ import annotations

import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient

import _common as c

sys.path.insert(0, str(c.REPO / "tests"))
from dovecot import DovecotServer  # noqa: E402 - the tests' throw-away Dovecot

TARGET_RATIO = 0.2        # poll --once at least this fraction of the bare script's speed (issue 8)
FETCH_BATCH = 50
APPEND_BATCH = 100


def connect(server: DovecotServer, user: str) -> IMAPClient:
    client = IMAPClient(server.host, port=server.port, ssl=False, timeout=60)
    client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.login(user, "bench-password")
    return client


def fill(server: DovecotServer, user: str, messages: list[tuple[bytes, object]]) -> None:
    server.add_user(user, "bench-password")
    client = connect(server, user)
    for i in range(0, len(messages), APPEND_BATCH):
        client.multiappend("INBOX", [{"msg": raw, "date": when} for raw, when in messages[i:i + APPEND_BATCH]])
    assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == len(messages)
    client.logout()


def bare(server: DovecotServer, user: str, n: int) -> tuple[float, float]:
    """The floor: FETCH in batches of 50, one UID MOVE a batch. (Seconds, CPU seconds of the client.)"""
    c0 = time.process_time()
    t0 = time.perf_counter()
    client = connect(server, user)
    client.select_folder("INBOX")
    uids = sorted(client.search(["ALL"]))
    client.create_folder("done")
    got = 0
    for i in range(0, len(uids), FETCH_BATCH):
        chunk = uids[i:i + FETCH_BATCH]
        data = client.fetch(chunk, ["BODY.PEEK[]", "INTERNALDATE"])
        got += sum(len(item[b"BODY[]"]) > 0 for item in data.values())
        client.move(chunk, "done")
    client.logout()
    elapsed = time.perf_counter() - t0
    assert got == n, got
    return elapsed, time.process_time() - c0


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children and theirs (the poll's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def mailbox_config(server: DovecotServer, user: str) -> dict:
    return {"name": "信息科报送邮箱（基准）", "host": server.host, "port": server.port, "ssl": False,
            "username": user, "password": "bench-password", "folder": "INBOX", "timeout": 60}


def check_filed(server: DovecotServer, user: str, folder: str, n: int) -> None:
    client = connect(server, user)
    left = client.select_folder("INBOX", readonly=True)[b"EXISTS"]
    filed = client.select_folder(folder, readonly=True)[b"EXISTS"]
    client.logout()
    assert (left, filed) == (0, n), (left, filed)


def main(argv: list[str] | None = None) -> int:
    parser = c.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="messages in the INBOX (default 2,000)")
    parser.add_argument("--profile", metavar="FILE", help="also profile an in-process poll; stats to FILE")
    args = parser.parse_args(argv)
    n = args.count
    c.time_limit(1500 if args.profile else 280)   # run.py stops a benchmark after 300 s
    rng = random.Random(20260105)
    factory = c.DocxFactory()
    factory.selfcheck()
    senders = c.registered_senders()
    messages = [(c.submission(rng, factory, senders[i % len(senders)], c.arrival(i)), c.arrival(i))
                for i in range(n)]
    size = sum(len(raw) for raw, _ in messages)

    with tempfile.TemporaryDirectory(prefix="baosong-bench-dovecot-") as tmp, DovecotServer() as server:
        fill(server, "bare", messages)
        fill(server, "poll", messages)
        if args.profile:
            fill(server, "prof", messages)
        del messages
        print(f"Dovecot on {server.host}:{server.port}: {n} messages ({size / n / 1024:.0f} KB each) per user",
              flush=True)

        bare_s, bare_cpu = bare(server, "bare", n)
        print(f"bare imapclient (FETCH {FETCH_BATCH} a batch, one UID MOVE a batch): {bare_s:.2f} s "
              f"(client CPU {bare_cpu:.2f} s)", flush=True)

        config = c.write_office_config(Path(tmp) / "config", mailboxes=[mailbox_config(server, "poll")])
        env = dict(os.environ, COLUMNS="300")
        # the ledger is created (and migrated, units synced) before timing, as on an office's second day
        subprocess.run([sys.executable, "-m", "baosong", "--config", str(config), "check-config"], check=True,
                       env=env, capture_output=True)
        from baosong.app import App

        _ = App.open(config).sessions
        cpu0 = children_cpu()
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "baosong", "--config", str(config), "poll", "--once"],
                              env=env, capture_output=True, text=True)
        poll_s = time.perf_counter() - t0
        poll_cpu = children_cpu() - cpu0   # the poll and its judge pool, start-up included (not Dovecot's)
        print(done.stdout.strip(), done.stderr.strip()[-2000:], sep="\n", flush=True)
        assert done.returncode == 0, done.returncode
        assert f"新登记 {n} 封" in done.stdout.replace("\n", ""), done.stdout
        check_filed(server, "poll", "已处理", n)
        print(f"baosong poll --once: {poll_s:.2f} s (CPU {poll_cpu:.2f} s with its workers: "
              f"{poll_cpu / n * 1000:.2f} ms a message; load {os.getloadavg()[0]:.1f})", flush=True)

        if args.profile:
            import cProfile
            import pstats

            from baosong.poll import poll_mailbox

            pconfig = c.write_office_config(Path(tmp) / "pconfig", mailboxes=[mailbox_config(server, "prof")])
            app = App.open(pconfig)
            _ = app.sessions
            profiler = cProfile.Profile()
            profiler.enable()
            report = poll_mailbox(app, app.config.settings.mailboxes[0])
            profiler.disable()
            assert report.new == n, report
            profiler.dump_stats(args.profile)
            stats = pstats.Stats(args.profile)
            total = stats.total_tt  # type: ignore[attr-defined]
            print(f"\nprofile of an in-process poll_mailbox ({total:.2f} s under the profiler), top by own time:")
            stats.sort_stats("tottime").print_stats(15)
            stats.sort_stats("cumulative").print_stats(25)

    bare_rate, poll_rate = n / bare_s, n / poll_s
    return c.report([
        c.Figure("poll_dovecot", f"bare imapclient over {n} messages: messages/s", bare_rate, "msg/s"),
        c.Figure("poll_dovecot", f"baosong poll --once over {n} messages: messages/s", poll_rate, "msg/s"),
        c.Figure("poll_dovecot", "poll --once / bare imapclient", poll_rate / bare_rate, "x", TARGET_RATIO),
        c.Figure("poll_dovecot", "poll --once CPU (with its workers, start-up included) a message",
                 poll_cpu / n * 1000, "ms"),
    ], args.json)


if __name__ == "__main__":
    sys.exit(main())
