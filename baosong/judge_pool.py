"""Judging a batch of messages on every core: a pool of worker processes (fork) running the pure judge.

Examining a message (parse it, read its documents) is pure and CPU-bound; the poller's own process
meanwhile has the IMAP connection and the ledger. Workers only examine; ``baosong.processing``
runs the gate over each examined message in-process, with the ledger's answers (duplicates,
replies to our own mail, revisions), so a message examined ahead is judged exactly as one judged
in-process. A worker that fails returns nothing: the message is then judged in-process, where a
failure is counted as usual.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.pool import Pool

from baosong.config.loader import Config
from baosong.intake.gate import Candidate
from baosong.intake.judge import slim
from baosong.judging import examine_raw

log = logging.getLogger("baosong.judge_pool")

_config: Config | None = None


def _init(config: Config) -> None:
    global _config
    _config = config
    # a fork inherits the poller's signal handlers (the daemon's stop, a benchmark's time limit); a worker
    # must not run them: Pool.terminate()'s SIGTERM ends it, and Ctrl-C is the poller's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _examine(item: tuple[bytes, int | None]) -> Candidate | None:
    raw, size = item
    try:
        assert _config is not None
        return slim(examine_raw(_config, raw, size=size))   # the poller has the bytes: not sent back
    except Exception:  # judged again in the poller's process, where the failure is recorded
        return None


def workers() -> int:
    """Worker processes worth starting: one per core, none on a single core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 else 0


class JudgePool:
    def __init__(self, config: Config, processes: int):
        self._pool: Pool | None = multiprocessing.get_context("fork").Pool(
            processes, initializer=_init, initargs=(config,))

    def examine_async(self, items: list[tuple[bytes, int | None]]) -> Callable[[], list[Candidate | None]]:
        """Start judging ``items``; the returned callable waits for the verdicts."""
        if self._pool is None or not items:
            return lambda: [None] * len(items)
        try:
            pending = self._pool.map_async(_examine, items, chunksize=max(1, len(items) // 8))
        except Exception:
            log.debug("judge pool failed; judging in-process", exc_info=True)
            self.close()
            return lambda: [None] * len(items)

        def result() -> list[Candidate | None]:
            try:
                return pending.get()
            except Exception:  # a worker died (killed, out of memory): judge in-process from now on
                log.debug("judge pool failed; judging in-process", exc_info=True)
                self.close()
                return [None] * len(items)

        return result

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
            pool.join()
