"""The ledger at scale: scoring a month, a quarter and a year of a 1,000,000-piece ledger, on SQLite
and on PostgreSQL, each beside one hand-written SQL GROUP BY over the same database (the floor).

The ledger: 300 units, 24 months (2025-01 to 2026-12), one message per piece, 50,000 adoptions and
5,000 instructions, seeded (the same rows on both backends). Built with executemany (SQLite) and
COPY (PostgreSQL) into the schema the migrations make. The SQLite file is cached under
``$XDG_CACHE_HOME/baosong-bench`` (default ``~/.cache``), keyed by the parameters and the schema's
revision, so a rerun starts at once; PostgreSQL is a throw-away cluster (``tests/postgres.py``), or
the server ``BAOSONG_TEST_POSTGRES`` names, and is built each run.

Measured, per backend and ledger size (default 100,000 and 1,000,000 pieces, to see that memory is
flat in ledger size):

* in-process: ``period_events`` + ``score_period`` (what ``score`` and the notice run) for a month,
  a quarter and a year, best of 3 on an open ledger; beside the floor, one hand-written statement
  that counts each unit's counted pieces by category and sums its adoption points for the same period
  (what a score needs from the rows);
* the whole ``baosong score --month M --json`` command in a fresh process (start-up, config, the
  migration check and the unit sync included): wall time and peak RSS;
* ``baosong ledger list --month M --json --limit 100`` and the whole month's ``--json``.

Targets, on the 1,000,000-piece ledger (the issue's; the smaller one is there to compare memory): a month
in-process < 1 s and ≤ 3× the floor; ``score --month`` < 2 s; the command's peak RSS at the largest size
≤ 1.3× the smallest. (On the 100,000-piece ledger the floor is a few tens of ms, and the fixed part of
scoring, 300 units and the month's ~2,000 adoptions, is as large as on the big one.)

    python bench/bench_ledger.py [--pieces 100000,1000000] [--backends sqlite,postgresql] [--json FILE]
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import yaml

import _common as c

sys.path.insert(0, str(c.REPO / "tests"))
from postgres import PostgresServer  # noqa: E402 - tests/postgres.py, the throw-away cluster

UNITS = 300
MONTHS = 24
FIRST_MONTH = (2025, 1)
ADOPTIONS = 50_000
INSTRUCTIONS = 5_000
TZ_OFFSET = timedelta(hours=8)  # Asia/Shanghai, no DST
MONTH = "2026-10"
QUARTER = (date(2026, 10, 1), date(2027, 1, 1))
YEAR = (date(2026, 1, 1), date(2027, 1, 1))

TARGET_SIZE = 1_000_000  # the targets apply to a ledger this large
TARGET_MONTH_S = 1.0
TARGET_MONTH_RATIO = 3.0
TARGET_COMMAND_S = 2.0
TARGET_RSS_GROWTH = 1.3

# The command, reporting its own peak RSS at exit: VmHWM of its address space. (The rusage of a child
# counts the high-water mark of the process it was forked from too, i.e. this benchmark's own memory.)
CLI = ("import atexit, os, sys\n"
       "def hwm():\n"
       "    with open('/proc/self/status') as f, open(os.environ['BAOSONG_BENCH_HWM'], 'w') as out:\n"
       "        out.write(next(line.split()[1] for line in f if line.startswith('VmHWM')))\n"
       "atexit.register(hwm)\n"
       "from baosong.cli import main\n"
       "sys.argv[0] = 'baosong'\n"
       "main()\n")


# ------------------------------------------------------------------ the ledger's rows

def _months() -> list[tuple[int, int]]:
    y, m = FIRST_MONTH
    out = []
    for _ in range(MONTHS):
        out.append((y, m))
        y, m = y + m // 12, m % 12 + 1
    return out


def _scoring() -> dict:
    return yaml.safe_load((c.SHIPPED_CONFIG / "scoring.yaml").read_text(encoding="utf-8"))


def units_yaml() -> dict:
    classes = list(_scoring()["classes"])
    units = []
    for i in range(UNITS):
        units.append({"name": f"基准单位{i + 1:03d}", "short": f"单位{i + 1:03d}", "class": classes[i % len(classes)],
                      "addresses": [f"unit{i + 1:03d}@example.org"]})
    return {"units": units}


def piece_rows(n: int) -> Iterator[tuple]:
    """(id, unit index, received_at UTC, category) of n pieces spread over the 24 months."""
    rng = random.Random(20261129)
    categories = [*_scoring()["categories"], None]
    start = datetime(*FIRST_MONTH, 1, tzinfo=timezone.utc) - TZ_OFFSET
    months = _months()
    y, m = months[-1]
    end = datetime(y + m // 12, m % 12 + 1, 1, tzinfo=timezone.utc) - TZ_OFFSET
    span = int((end - start).total_seconds())
    # in received order, as a real ledger fills up
    offsets = sorted(rng.randrange(span) for _ in range(n))
    for i, off in enumerate(offsets, 1):
        yield i, rng.randrange(UNITS), start + timedelta(seconds=off), rng.choice(categories)


def credit_rows(n_pieces: int, received: list[datetime]) -> tuple[list[tuple], list[tuple]]:
    scoring = _scoring()
    rng = random.Random(7)
    outlets = list(scoring["outlets"])
    levels = list(scoring["instructions"])
    adopted = rng.sample(range(1, n_pieces + 1), min(ADOPTIONS, n_pieces))
    adoptions = []
    for pid in adopted:
        day = (received[pid - 1] + TZ_OFFSET).date() + timedelta(days=rng.randrange(20))
        adoptions.append((pid, rng.choice(outlets), day))
    instructions = [(pid, rng.choice(levels), day) for pid, _, day in adoptions[:INSTRUCTIONS]]
    return adoptions, instructions


def _unit_ids(url: str) -> list[int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        names = dict(conn.execute(text("select name, id from units")).all())
    engine.dispose()
    return [names[u["name"]] for u in units_yaml()["units"]]


def build(url: str, config_dir: Path, n: int) -> None:
    """Make the schema (as baosong opens a ledger: migrations, unit sync), then bulk-insert the rows."""
    from baosong.app import App

    App.open(config_dir).sessions  # noqa: B018 - creates the schema at head and syncs the 300 units
    unit_ids = _unit_ids(url)
    received: list[datetime] = []

    def messages_and_pieces() -> Iterator[tuple[tuple, tuple]]:
        for pid, u, when, category in piece_rows(n):
            received.append(when)
            uid = unit_ids[u]
            sha = hashlib.sha256(pid.to_bytes(8, "big")).hexdigest()
            message = (pid, "bench", 1, pid, sha, f"unit{u + 1:03d}@example.org", "【工作动态】稿件", when, 20_000,
                       f"archive/{sha}.eml", "accepted", uid, when, when)
            piece = (pid, pid, uid, "稿件.docx", sha, f"基准稿件第{pid}号", None, "王芳", category, 1200, when)
            yield message, piece

    message_cols = ("id, mailbox, uidvalidity, uid, sha256, sender, subject, received_at, size, archive_path,"
                    " verdict, unit_id, recorded_at, filed_at")
    piece_cols = "id, message_id, unit_id, source, sha256, title, stated_unit, author, category, word_count, received_at"
    if url.startswith("sqlite"):
        import sqlite3

        def s(when: datetime) -> str:  # how SQLAlchemy stores the ledger's UTC datetimes on SQLite
            return when.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.execute("PRAGMA synchronous=OFF")
        batch_m: list[tuple] = []
        batch_p: list[tuple] = []

        def flush() -> None:
            conn.executemany(f"insert into messages ({message_cols}) values ({','.join('?' * 14)})", batch_m)
            conn.executemany(f"insert into pieces ({piece_cols}) values ({','.join('?' * 11)})", batch_p)
            batch_m.clear()
            batch_p.clear()

        for m, p in messages_and_pieces():
            batch_m.append((*m[:7], s(m[7]), *m[8:12], s(m[12]), s(m[13])))
            batch_p.append((*p[:10], s(p[10])))
            if len(batch_m) >= 50_000:
                flush()
        flush()
        adoptions, instructions = credit_rows(n, received)
        now = s(datetime.now(timezone.utc))
        conn.executemany("insert into adoptions (piece_id, outlet, adopted_on, recorded_at) values (?,?,?,?)",
                         [(pid, o, d.isoformat(), now) for pid, o, d in adoptions])
        conn.executemany("insert into instructions (piece_id, level, instructed_on, recorded_at) values (?,?,?,?)",
                         [(pid, lv, d.isoformat(), now) for pid, lv, d in instructions])
        conn.commit()
        conn.execute("ANALYZE")
        conn.commit()
        conn.close()
        return
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            pieces: list[tuple] = []
            with cur.copy(f"COPY messages ({message_cols}) FROM STDIN") as copy:
                for m, p in messages_and_pieces():
                    copy.write_row(m)
                    pieces.append(p)
            with cur.copy(f"COPY pieces ({piece_cols}) FROM STDIN") as copy:
                for p in pieces:
                    copy.write_row(p)
            del pieces
            adoptions, instructions = credit_rows(n, received)
            now = datetime.now(timezone.utc)
            with cur.copy("COPY adoptions (piece_id, outlet, adopted_on, recorded_at) FROM STDIN") as copy:
                for pid, o, d in adoptions:
                    copy.write_row((pid, o, d, now))
            with cur.copy("COPY instructions (piece_id, level, instructed_on, recorded_at) FROM STDIN") as copy:
                for pid, lv, d in instructions:
                    copy.write_row((pid, lv, d, now))
            for table in ("messages", "pieces", "adoptions", "instructions"):
                cur.execute(f"select setval(pg_get_serial_sequence('{table}', 'id'), (select max(id) from {table}))")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")  # what autovacuum does to a settled ledger (index-only scans need it)


def write_config(directory: Path, url: str) -> Path:
    c.write_office_config(directory, database=url, data_dir=directory / "data")
    (directory / "units.yaml").write_text(yaml.safe_dump(units_yaml(), allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    return directory


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "baosong-bench"


def head() -> str:
    try:
        from baosong.ledger.db import head_revision
    except ImportError:  # a release before the start-up check
        return "0003"
    return head_revision() or "unknown"


# ------------------------------------------------------------------ measuring

ROUNDS = 3
PERIODS = ["month", "quarter", "year"]


LAST_BEST_CPU: list[float] = []  # CPU seconds of this process in the best_of call just made (a loaded machine)


def best_of(fn: Callable[[], object], n: int | None = None) -> float:
    n = n or ROUNDS
    fn()  # warm: the page cache, the statement cache
    times, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    LAST_BEST_CPU[:] = [min(cpu)]
    return min(times)


def floor_query(url: str, start: date, end: date) -> Callable[[], object]:
    """One hand-written statement computing what scoring a period needs from its rows: each unit's counted
    pieces by category (a piece without a category under its recorded type: the quotas' tally) and its
    adoption points, in [start, end)."""
    from sqlalchemy import create_engine, text

    outlets = _scoring()["outlets"]
    points = " ".join(f"WHEN '{k}' THEN {v}" for k, v in outlets.items())
    lo = datetime(start.year, start.month, start.day, tzinfo=timezone.utc) - TZ_OFFSET
    hi = datetime(end.year, end.month, end.day, tzinfo=timezone.utc) - TZ_OFFSET
    sqlite = url.startswith("sqlite")
    if sqlite:  # the ledger's storage format for UTC datetimes on SQLite
        lo_v: object = lo.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        hi_v: object = hi.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    else:
        lo_v, hi_v = lo, hi
    sql = text(f"""
        SELECT unit_id, category, sum(n), sum(pts) FROM (
            SELECT unit_id, coalesce(category, piece_type) AS category, 1 AS n, 0 AS pts FROM pieces
            WHERE received_at >= :lo AND received_at < :hi AND status = 'counted'
            UNION ALL
            SELECT p.unit_id, NULL, 0, CASE a.outlet {points} ELSE 0 END FROM adoptions a JOIN pieces p ON p.id = a.piece_id
            WHERE a.adopted_on >= :start AND a.adopted_on < :end
        ) AS events GROUP BY unit_id, category""")
    engine = create_engine(url)
    conn = engine.connect()

    def run() -> object:
        return conn.execute(sql, {"lo": lo_v, "hi": hi_v, "start": start, "end": end}).all()

    return run


def score_in_process(app, span: tuple[date, date], kind: str = "month") -> Callable[[], object]:
    """What ``score`` does once the ledger is open: load the period's events, score them under the regime
    (``App.period_scores``: the events in SQL, then the pure regime; the notices score the same way)."""
    from baosong.ledger.periods import Period

    period = Period(span[0], span[1], kind, f"{span[0]}")

    def run() -> object:
        return app.period_scores(period)

    return run


LAST_CPU: list[float] = []  # CPU seconds (user + system) of the commands run, for a loaded machine


def command(config_dir: Path, *args: str) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB, output bytes) of one ``baosong`` command in a fresh process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as hwm:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CLI, "--config", str(config_dir), *args], stdout=out, stderr=err,
                                env=command_env(BAOSONG_BENCH_HWM=hwm.name))
        _, status, usage = os.wait4(proc.pid, 0)  # the child's rusage: its CPU time
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"baosong {' '.join(args)} failed: {err.read().decode(errors='replace')[-800:]}")
        LAST_CPU.append(usage.ru_utime + usage.ru_stime)
        return elapsed, int(hwm.read()) / 1024, out.tell()


def command_env(**extra: str) -> dict[str, str]:
    """The commands' environment: this one's, with Python's bytecode cache on (in the bench's cache directory,
    the worktree untouched). An installed baosong runs from its .pyc files; with PYTHONDONTWRITEBYTECODE set
    (as in these sessions' shells) every command would compile baosong's own modules again, ~0.25 s of CPU."""
    env = {**os.environ, **extra}
    if env.pop("PYTHONDONTWRITEBYTECODE", None) is not None and "PYTHONPYCACHEPREFIX" not in env:
        env["PYTHONPYCACHEPREFIX"] = str(cache_dir() / "pycache")
    return env


def command_best(config_dir: Path, *args: str, n: int | None = None) -> tuple[float, float, int]:
    command(config_dir, *args)  # warm
    LAST_CPU.clear()
    runs = [command(config_dir, *args) for _ in range(n or ROUNDS)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[0][2]


# ------------------------------------------------------------------ one ledger

def measure(backend: str, url: str, config_dir: Path, n: int) -> list[c.Figure]:
    from baosong.app import App

    label = f"{backend} {n // 1000}k"
    app = App.open(config_dir)
    app.sessions  # noqa: B018 - open the ledger (migration check, unit sync) before timing
    month = (date(2026, 10, 1), date(2026, 11, 1))
    figures = []
    for name, span in (("month", month), ("quarter", QUARTER), ("year", YEAR)):
        if name not in PERIODS:
            continue
        t_floor = best_of(floor_query(url, *span))
        c_floor = LAST_BEST_CPU[0]
        t_score = best_of(score_in_process(app, span, name))
        c_score = LAST_BEST_CPU[0]
        # CPU time compares only where the database works in this process (SQLite): a server's work is not in it
        in_process = backend == "sqlite"
        cpu_note = f" ({c_score / max(c_floor, 1e-3):.2f}× in CPU)" if in_process else ""
        print(f"{label} {name}: score {1e3 * t_score:.0f} ms ({1e3 * c_score:.0f} ms CPU), floor {1e3 * t_floor:.0f} ms"
              f" ({1e3 * c_floor:.0f} ms CPU), {t_score / t_floor:.2f}×{cpu_note}", flush=True)
        monthly = name == "month" and n >= TARGET_SIZE
        figures += [
            c.Figure("ledger", f"{label}: score a {name} in-process", 1e3 * t_score, "ms",
                     1e3 * TARGET_MONTH_S if monthly else None, higher_is_better=False),
            c.Figure("ledger", f"{label}: {name} floor (one SQL GROUP BY)", 1e3 * t_floor, "ms"),
            c.Figure("ledger", f"{label}: {name} score / floor", t_score / t_floor, "×",
                     TARGET_MONTH_RATIO if monthly else None, higher_is_better=False),
        ]
        if in_process:
            figures.append(c.Figure("ledger", f"{label}: {name} score / floor in CPU time",
                                    c_score / max(c_floor, 1e-3), "×"))
    wall, rss, _ = command_best(config_dir, "score", "--month", MONTH, "--json")
    cpu = min(LAST_CPU)
    print(f"{label} score --month command: {1e3 * wall:.0f} ms ({1e3 * cpu:.0f} ms CPU), peak RSS {rss:.0f} MB"
          f" (load average {os.getloadavg()[0]:.1f})", flush=True)
    figures += [
        c.Figure("ledger", f"{label}: `score --month` command", 1e3 * wall, "ms",
                 1e3 * TARGET_COMMAND_S if n >= TARGET_SIZE else None, higher_is_better=False),
        c.Figure("ledger", f"{label}: `score --month` command CPU (user+sys)", 1e3 * cpu, "ms"),
        c.Figure("ledger", f"{label}: `score --month` peak RSS", rss, "MB"),
    ]
    for extra in (["--limit", "100"], []):
        what = " ".join(["ledger list --month --json", *extra])
        try:
            wall, rss, size = command_best(config_dir, "ledger", "list", "--month", MONTH, "--json", *extra, n=1)
        except SystemExit as exc:  # a release without --limit
            print(f"{label} {what}: {exc}", flush=True)
            continue
        print(f"{label} {what}: {1e3 * wall:.0f} ms ({1e3 * min(LAST_CPU):.0f} ms CPU), peak RSS {rss:.0f} MB,"
              f" {size / 1e6:.1f} MB out", flush=True)
        figures += [c.Figure("ledger", f"{label}: `{what}`", 1e3 * wall, "ms"),
                    c.Figure("ledger", f"{label}: `{what}` peak RSS", rss, "MB")]
    return figures


def sqlite_ledger(n: int, work: Path) -> tuple[str, Path]:
    """The cached SQLite ledger of n pieces (built once per parameters and schema revision)."""
    key = f"ledger-p{n}-u{UNITS}-m{MONTHS}-a{ADOPTIONS}-i{INSTRUCTIONS}-rev{head()}.db"
    cached = cache_dir() / key
    config_dir = work / f"sqlite-{n}"
    older = sorted(cached.parent.glob(key.replace(f"rev{head()}", "rev*")))
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        url = f"sqlite:///{building}"
        write_config(config_dir, url)
        t0 = time.perf_counter()
        upgraded = False
        for candidate in reversed(older):  # the same rows at an older revision: upgrade a copy, as an office's
            from baosong.ledger.db import make_engine

            print(f"upgrading a copy of {candidate} ...", flush=True)
            shutil.copyfile(candidate, building)
            try:
                make_engine(url).dispose()
            except Exception as exc:  # noqa: BLE001 - e.g. a file stamped with a revision id a branch later renumbered
                print(f"  cannot be upgraded ({type(exc).__name__}: {str(exc)[:120]}); trying an older one", flush=True)
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{building}{suffix}").unlink(missing_ok=True)
                continue
            upgraded = True
            print(f"  migrated in {time.perf_counter() - t0:.0f} s", flush=True)
            break
        if not upgraded:
            print(f"building {cached} ...", flush=True)
            build(url, config_dir, n)
            print(f"  built in {time.perf_counter() - t0:.0f} s", flush=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        building.rename(cached)
    # a copy per run: opening the ledger may write (the unit digest), the cache stays as built
    local = work / f"ledger-{n}.db"
    shutil.copyfile(cached, local)
    url = f"sqlite:///{local}"
    write_config(config_dir, url)
    return url, config_dir


def postgres_ledger(n: int, base: str, work: Path) -> tuple[str, Path]:
    from sqlalchemy import create_engine, text

    name = f"bench_{n}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    admin.dispose()
    url = f"{base}/{name}"
    config_dir = write_config(work / f"pg-{n}", url)
    t0 = time.perf_counter()
    print(f"building PostgreSQL ledger of {n} pieces ...", flush=True)
    build(url, config_dir, n)
    print(f"  built in {time.perf_counter() - t0:.0f} s", flush=True)
    return url, config_dir


def main(argv: list[str] | None = None) -> int:
    parser = c.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--pieces", default="100000,1000000", help="ledger sizes, comma-separated")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--periods", default="month,quarter,year")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each figure, best taken (default 3)")
    args = parser.parse_args(argv)
    global ROUNDS, PERIODS
    ROUNDS, PERIODS = args.rounds, args.periods.split(",")
    sizes = sorted(int(x) for x in args.pieces.split(","))
    backends = args.backends.split(",")
    c.time_limit(1800)
    figures: list[c.Figure] = []
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="baosong-bench-ledger-")))
        for backend in backends:
            rss: dict[int, float] = {}
            for n in sizes:
                if backend == "sqlite":
                    url, config_dir = sqlite_ledger(n, work)
                else:
                    base = os.environ.get("BAOSONG_TEST_POSTGRES")
                    if not base:
                        server = PostgresServer(settings={"shared_buffers": "256MB", "work_mem": "16MB"})
                        stack.enter_context(server)
                        base = server.url
                        os.environ["BAOSONG_TEST_POSTGRES"] = base
                    url, config_dir = postgres_ledger(n, base, work)
                got = measure(backend, url, config_dir, n)
                figures += got
                rss[n] = next(f.value for f in got if f.name.endswith("`score --month` peak RSS"))
            if len(sizes) > 1:
                growth = rss[sizes[-1]] / rss[sizes[0]]
                figures.append(c.Figure("ledger", f"{backend}: `score --month` peak RSS {sizes[-1] // 1000}k"
                                        f" / {sizes[0] // 1000}k", growth, "×", TARGET_RSS_GROWTH,
                                        higher_is_better=False))
    print(f"\n({c.machine()}, peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return c.report(figures, args.json)


if __name__ == "__main__":
    sys.exit(main())
