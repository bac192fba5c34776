"""Run every benchmark, print one table of figure vs target, exit 1 if any target is missed.

    python bench/run.py                 # all of them, one after another (~2.5 minutes)
    python bench/run.py judge poll      # only bench_judge.py and bench_poll.py
    python bench/run.py ledger          # the 1,000,000-piece ledger (not in the default run: minutes)

Each benchmark runs in its own Python process (so peak RSS and warm caches of one do not
leak into another), never two at once (they would share the two cores), with its output
shown as it goes. A benchmark that crashes, or is still running after its time limit, counts
as a missed target.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common as c

HERE = Path(__file__).resolve().parent
ORDER = ["startup", "wordcount", "docx", "judge", "ingest", "poll", "poll_dovecot"]
LONG = {"ledger": 2000}  # run only when named, with their own time limit (s)
LIMIT_S = 300   # each benchmark stops itself well before this; this is the last resort


def run_one(name: str, workdir: Path) -> tuple[list[c.Figure], str | None]:
    """(figures, problem) of one benchmark."""
    out = workdir / f"{name}.json"
    print(f"\n=== bench_{name}.py ===", flush=True)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(HERE / f"bench_{name}.py"), "--json", str(out)])
    try:
        code = proc.wait(LONG.get(name, LIMIT_S))
    except subprocess.TimeoutExpired:
        proc.terminate()   # the benchmark turns SIGTERM into a clean stop of its servers
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return [], f"still running after {LONG.get(name, LIMIT_S)} s"
    print(f"({time.monotonic() - started:.0f} s)", flush=True)
    if not out.exists():
        return [], f"exited with status {code} without figures"
    figures = [c.Figure(**f) for f in json.loads(out.read_text(encoding="utf-8"))]
    if code not in (0, 1):
        return figures, f"exited with status {code}"
    return figures, None


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or ORDER
    unknown = [n for n in names if n not in ORDER and n not in LONG]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join([*ORDER, *LONG])}",
              file=sys.stderr)
        return 2
    figures: list[c.Figure] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="baosong-bench-") as tmp:
        for name in names:
            got, problem = run_one(name, Path(tmp))
            figures += got
            if problem:
                problems.append(f"bench_{name}.py: {problem}")
    print(f"\n=== all benchmarks ({c.machine()}) ===")
    print(c.table(figures))
    missed = [f for f in figures if not f.ok]
    for p in problems:
        print(f"FAILED {p}")
    if missed or problems:
        print(f"\n{len(missed)} target(s) missed, {len(problems)} benchmark(s) failed")
        return 1
    print(f"\nall {sum(f.target is not None for f in figures)} targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
