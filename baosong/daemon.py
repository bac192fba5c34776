"""The daemon (`baosong run`): APScheduler jobs over idempotent, ledger-backed work.

Jobs: ``poll`` every ``schedule.poll_minutes`` (intake, then delivery of the outbox);
``period-notice`` on ``schedule.monthly_notice``'s day and hour (each period of settings.yaml ``notices.periods``
— month, quarter, half, year — is due on that day and hour of the month after it ends); ``commission-deadlines`` and
``reminders`` every ``daemon.check_minutes``. Each job's state lives in the ledger (a notice's outbox key, an alert's
key), not in the scheduler: at start-up every job runs once (``next_run_time`` now), so a job
missed while the daemon was down runs once on restart, and never twice — the second run finds its
work done. A catch-up sends at most the latest due period of each kind, and says so in the log and to the office.

Only the holder of the database lease (``ledger/leases.py``) works: two daemons on one ledger never
both send. Config edits are picked up at the next job; an invalid config is logged and mailed to the
office, and the last good one stays in force. SIGTERM finishes the current message and exits 0.
"""

from __future__ import annotations

import hashlib
import logging
import logging.handlers
import os
import signal
import socket
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from rich.console import Console

from baosong.alerts import commission_deadline_alerts, queue_office_alert
from baosong.app import App
from baosong.config.loader import FILES, ConfigError, load_config
from baosong.ledger.periods import Month, Period
from baosong.messages import say
from baosong.notices import (
    NoticeError,
    NoticePeriod,
    as_notice_period,
    as_period,
    notice_sent,
    queue_and_deliver,
    refusal,
    scoring_year,
    send_notice,
)
from baosong.poll import poll_mailbox

log = logging.getLogger("baosong.daemon")
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def due_at(app: App, period: NoticePeriod) -> datetime:
    """When ``period``'s notice is due: the configured day and hour of the month after it ends (office time)."""
    sched = app.config.settings.schedule.monthly_notice
    end = as_period(period).end   # the first day after the period
    after = Month(end.year, end.month) if end.day == 1 else Month(end.year, end.month).next()
    return datetime(after.year, after.month, sched.day, sched.hour, sched.minute, tzinfo=app.config.tz)


def last_ended(app: App, kind: str, now: datetime) -> NoticePeriod:
    """The latest period of ``kind`` (month, quarter, half, year) that has ended by ``now``."""
    today = now.astimezone(app.config.tz).date()
    if kind == "year":
        sy = scoring_year(app)
        return max((p for p in (Period.year(y, sy) for y in range(today.year - 2, today.year + 1)) if p.end <= today),
                   key=lambda p: p.end)
    current = Period.enclosing(kind, today)
    assert current is not None
    return as_notice_period(Period.enclosing(kind, current.start - timedelta(days=1)))  # type: ignore[arg-type]


def earlier(app: App, period: NoticePeriod) -> NoticePeriod:
    """The period of the same kind just before ``period``."""
    p = as_period(period)
    if p.kind == "year":
        return Period.year(int(p.name) - 1, scoring_year(app))
    return as_notice_period(Period.enclosing(p.kind, p.start - timedelta(days=1)))  # type: ignore[arg-type]


def period_due(app: App, kind: str, now: datetime) -> NoticePeriod | None:
    """The period of ``kind`` whose notice is due and not yet sent at ``now``, if any: only ever the latest
    ended period, once its day and hour have come."""
    period = last_ended(app, kind, now)
    if now < due_at(app, period):
        return None
    return None if notice_sent(app, period) else period


def notices_due(app: App, now: datetime) -> list[NoticePeriod]:
    """Every configured period (settings.yaml ``notices.periods``) whose notice is due and not yet sent."""
    due = (period_due(app, kind, now) for kind in app.config.settings.notices.periods)
    return [p for p in due if p is not None]


def notice_due(app: App, now: datetime) -> Month | None:
    """The month whose notice is due and not yet sent at ``now``, if any (the month before ``now``'s, once its
    day and hour have come)."""
    due = period_due(app, "month", now)
    assert due is None or isinstance(due, Month)
    return due


def skipped_before(app: App, period: NoticePeriod, back: int = 12) -> list[NoticePeriod]:
    """Earlier periods of the same kind that had intake, were due, and never went out: a catch-up does not
    send them."""
    out = []
    p = period
    for _ in range(back):
        p = earlier(app, p)
        if refusal(app, p) is None and not notice_sent(app, p):
            out.append(p)
    return sorted(out, key=lambda x: as_period(x).start)


def setup_logging(app: App, stream: Any = None) -> logging.Handler | None:
    """Log lines to stderr, and to ``daemon.log_file`` (rotating) when set. Returns the file handler."""
    root = logging.getLogger("baosong")
    root.setLevel(logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    if not any(getattr(h, "_baosong", False) for h in root.handlers):
        err = logging.StreamHandler(stream or sys.stderr)
        err.setFormatter(formatter)
        err._baosong = True  # type: ignore[attr-defined]
        root.addHandler(err)
    cfg = app.config.settings.daemon
    if not cfg.log_file:
        return None
    path = Path(cfg.log_file)
    path = path if path.is_absolute() else app.config.base_dir / path
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=int(cfg.log_max_mb * 1024 * 1024),
                                                   backupCount=cfg.log_backups, encoding="utf-8")
    handler.setFormatter(formatter)
    root.addHandler(handler)
    return handler


def reminder_mails(app: App, now: datetime) -> list[Any]:
    """Commission reminders and quota-pace notes due at ``now`` (the ``reminders`` job queues them,
    each once under its key, and delivers them with the outbox)."""
    from baosong.reminders import commission_reminders, pace_reminders

    return [*commission_reminders(app, now), *pace_reminders(app, now)]


def _dead_here(holder: str) -> bool:
    """A lease holder ("host:pid:tag") on this machine whose process no longer runs (killed, crashed)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class Daemon:
    def __init__(self, app: App, console: Console | None = None, *, clock: Clock = _utcnow,
                 holder: str | None = None):
        self.app = app
        self.console = console or Console(highlight=False)
        self.clock = clock
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lock = threading.Lock()  # one job at a time, whichever starts it
        self.stopping = threading.Event()
        self.started_at = clock()
        self._stamp = self._config_stamp()
        self.scheduler_: BaseScheduler | None = None

    # ------------------------------------------------------------------ plumbing

    def say(self, text: str, level: int = logging.INFO) -> None:
        stamp = self.clock().astimezone(self.app.config.tz).strftime("%Y-%m-%d %H:%M:%S")
        self.console.print(f"[{stamp}] {text}", markup=False, soft_wrap=True)
        log.log(level, text)

    def should_stop(self) -> bool:
        return self.stopping.is_set()

    def _config_stamp(self) -> tuple:
        directory = self.app.config.directory
        paths = [directory / name for name in FILES]
        templates = directory / "templates"
        if templates.is_dir():
            paths += sorted(templates.iterdir())
        return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else (str(p), None, None)
                     for p in paths)

    def reload_config(self) -> bool:
        """Pick up edited config files; keep the last good config when the new one is invalid."""
        stamp = self._config_stamp()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            config = load_config(self.app.config.directory)
        except ConfigError as exc:
            problems = [str(p) for p in exc.problems] if hasattr(exc, "problems") else [str(exc)]
            self.say(say("daemon.config_invalid", problems="；".join(problems)))
            key = f"alert:config-invalid:{hashlib.sha1(repr(stamp).encode()).hexdigest()[:16]}"
            queue_office_alert(self.app, key, "config_invalid", directory=str(self.app.config.directory),
                               problems=problems)
            return False
        old_minutes = self.app.config.settings.schedule.poll_minutes
        old_notice = self.app.config.settings.schedule.monthly_notice
        self.app.config = config
        self.app.use_templates()
        self.say(say("daemon.config_reloaded"))
        if self.scheduler_ is not None:
            self._reschedule(old_minutes, old_notice)
        return True

    def _reschedule(self, old_minutes: int, old_notice: Any) -> None:
        settings = self.app.config.settings
        tz = self.app.config.tz
        assert self.scheduler_ is not None
        if settings.schedule.poll_minutes != old_minutes:
            self.scheduler_.reschedule_job("poll", trigger=IntervalTrigger(minutes=settings.schedule.poll_minutes,
                                                                           timezone=tz))
        mn = settings.schedule.monthly_notice
        if mn != old_notice:
            self.scheduler_.reschedule_job("period-notice", trigger=CronTrigger(day=mn.day, hour=mn.hour,
                                                                                minute=mn.minute, timezone=tz))

    def has_lease(self) -> bool:
        from baosong.ledger.leases import acquire, holder_of, take_over

        seconds = max(300, self.app.config.settings.schedule.poll_minutes * 60 * 3)
        if acquire(self.app.sessions, self.holder, self.clock(), seconds):
            return True
        with self.app.sessions() as session:
            lease = holder_of(session)
            other = lease.holder if lease is not None else ""
        if _dead_here(other) and take_over(self.app.sessions, self.holder, other, self.clock(), seconds):
            self.say(say("daemon.lease_taken_over", holder=other))
            return True
        log.info("another baosong process (%s) holds the sending lease; this one waits", other)
        return False

    def _guarded(self, job: Callable[[], None]) -> None:
        """Run one job: one at a time, config picked up first, only while holding the lease."""
        if self.stopping.is_set():
            return
        with self.lock:
            self.reload_config()
            try:
                if not self.has_lease():
                    return
                job()
            except Exception as exc:  # a job's bug is logged, never the end of the daemon
                down = self._database_down(exc)
                if down is None:
                    log.exception("job failed")
                else:  # one line per failing job, no traceback: the next cycle tries again
                    self.say(say("daemon.job_skipped", problem=down), logging.ERROR)

    def _database_down(self, exc: BaseException) -> str | None:
        """The office's sentence when ``exc`` says the ledger's database cannot be reached, else None.
        (With the database down nothing can be queued in the outbox, so the log line is the alert.)"""
        from baosong.ledger.db import DatabaseUnavailable, is_unreachable, unavailable

        if isinstance(exc, DatabaseUnavailable):
            return str(exc)
        if is_unreachable(exc):
            return str(unavailable(self.app.config.database_url, exc))
        return None

    # ---------------------------------------------------------------------- jobs

    def cycle(self) -> None:
        """The poll job: intake over every mailbox, then the outbox, then any due notice."""
        self._guarded(self._cycle)

    def _cycle(self) -> None:
        app = self.app
        for cfg in app.config.settings.mailboxes:
            if self.should_stop():
                break
            report = poll_mailbox(app, cfg, should_stop=self.should_stop)
            self.say(report.summary() + "".join(f"；{n}" for n in report.notes)
                     + "".join(f"；{e}" for e in report.errors))
            if report.alert_due:  # recorded by the poll; the office is told once per run of failures
                self.say(say("daemon.mailbox_failing", mailbox=cfg.name, failures=report.failures_in_row))
                when = report.last_success.strftime("%Y-%m-%d %H:%M") if report.last_success else None
                queue_office_alert(app, f"alert:mailbox-failing:{cfg.name}:{self.clock():%Y%m%d%H%M%S}",
                                   "mailbox_failing", mailbox=cfg.name, failures=report.failures_in_row,
                                   error=report.failed, last_success=when)
        if not self.should_stop():
            self._notice_if_due()
        self._deliver()

    def _deliver(self) -> None:
        from baosong.ledger.outbox import deliver_pending

        transport = self.app.smtp_transport()
        if transport is None:
            return
        report = deliver_pending(self.app.sessions, transport, policy=self.app.delivery_policy(),
                                 clock=self.clock, should_stop=self.should_stop)
        if report.anything:
            self.say(report.summary())
        for e in report.errors[:5]:
            log.warning("delivery: %s", e)

    def notice_job(self) -> None:
        def job() -> None:
            self._notice_if_due()
            self._deliver()
        self._guarded(job)

    def _notice_if_due(self) -> None:
        for period in notices_due(self.app, self.clock()):
            self._send_notice(period)

    def _send_notice(self, month: NoticePeriod) -> None:
        now = self.clock()
        late = now - due_at(self.app, month)
        grace = timedelta(minutes=max(15, 2 * self.app.config.settings.schedule.poll_minutes))
        try:
            run = send_notice(self.app, month, deliver=False, now=now)
        except NoticeError as exc:
            self.say(say("daemon.notice_failed", period=month.label, problem=exc))
            return
        if run.refused:
            log.info("no notice for %s: %s", month, run.refused)
            return
        if late > grace:  # the daemon was down at notice time: this is a catch-up
            skipped = skipped_before(self.app, month)
            names = [m.label for m in skipped]
            if names:
                self.say(say("daemon.catch_up_skipped", period=month.label, skipped="、".join(names)))
            else:
                self.say(say("daemon.catch_up", period=month.label))
            queue_office_alert(self.app, f"alert:catch-up:{month}", "catch_up", period_label=month.label,
                               skipped=names)
        if run.awaiting_approval:
            self.say(say("daemon.notice_for_approval", period=month.label, code=run.awaiting_approval))
        else:
            self.say(say("daemon.notice_queued", period=month.label, count=run.queued))

    def deadline_job(self) -> None:
        def job() -> None:
            for number in commission_deadline_alerts(self.app, self.clock()):
                self.say(say("daemon.commission_deadline", number=number))
            self._deliver()
        self._guarded(job)

    def reminder_job(self) -> None:
        def job() -> None:
            from baosong.vocabulary import MailKind

            mails = reminder_mails(self.app, self.clock())
            if not mails or self.app.config.settings.smtp is None:
                return
            queue_and_deliver(self.app, mails, MailKind.COMMISSION, deliver=False)  # the notices' one path
            self._deliver()
        self._guarded(job)

    def run_all_once(self) -> None:
        """Every job once (start-up catch-up, and the tests' injected clock)."""
        self.cycle()
        self.notice_job()
        self.deadline_job()
        self.reminder_job()

    # ----------------------------------------------------------------- scheduler

    def scheduler(self, blocking: bool = True) -> BaseScheduler:
        settings = self.app.config.settings
        tz = self.app.config.tz
        cls = BlockingScheduler if blocking else BackgroundScheduler
        scheduler = cls(timezone=tz, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        now = self.clock().astimezone(tz)
        scheduler.add_job(self.cycle, IntervalTrigger(minutes=settings.schedule.poll_minutes, timezone=tz,
                                                      start_date=now),
                          id="poll", name=say("daemon.job_poll"), next_run_time=now)
        mn = settings.schedule.monthly_notice
        scheduler.add_job(self.notice_job, CronTrigger(day=mn.day, hour=mn.hour, minute=mn.minute, timezone=tz),
                          id="period-notice", name=say("daemon.job_notice"))
        scheduler.add_job(self.deadline_job, IntervalTrigger(minutes=settings.daemon.check_minutes, timezone=tz,
                                                             start_date=now), id="commission-deadlines",
                          name=say("daemon.job_deadlines"), next_run_time=now + timedelta(seconds=1))
        scheduler.add_job(self.reminder_job, IntervalTrigger(minutes=settings.daemon.check_minutes, timezone=tz,
                                                             start_date=now), id="reminders",
                          name=say("daemon.job_reminders"), next_run_time=now + timedelta(seconds=2))
        self.scheduler_ = scheduler
        return scheduler

    def release(self) -> None:
        from baosong.ledger.leases import release

        try:
            release(self.app.sessions, self.holder)
        except Exception:  # the ledger is gone: the lease expires by itself
            log.info("could not release the lease", exc_info=True)


def run_daemon(app: App, console: Console | None = None) -> None:
    setup_logging(app)
    daemon = Daemon(app, console)
    scheduler = daemon.scheduler()

    def stop(signum, _frame):  # finish the current message, then exit cleanly
        daemon.say(say("daemon.stopping"))
        daemon.stopping.set()
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    from baosong.config.schema import NOTICE_PERIODS

    mn = app.config.settings.schedule.monthly_notice
    kinds = "、".join(NOTICE_PERIODS[k] for k in app.config.settings.notices.periods)
    daemon.say(say("daemon.started", minutes=app.config.settings.schedule.poll_minutes, day=mn.day, hour=mn.hour,
                   minute=mn.minute, kinds=kinds))
    scheduler.start()
    daemon.release()
    daemon.say(say("daemon.stopped"))
