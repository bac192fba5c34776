"""The daemon: APScheduler runs the intake cycle every N minutes and the monthly notice on its day.

The notice job is idempotent (the outbox key ``notice:<month>:office`` records that it
went out), and every poll cycle also checks whether a notice is overdue, so a daemon
that was down on notice day catches up on its next cycle without a persistent job store.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from rich.console import Console

from baosong.app import App
from baosong.ledger.periods import Month
from baosong.notices import NoticeError, notice_sent, send_monthly
from baosong.poll import poll_all

log = logging.getLogger("baosong.daemon")


def notice_due(app: App, now: datetime) -> Month | None:
    """The month whose notice is due and not yet sent at ``now`` (office time), if any."""
    sched = app.config.settings.schedule.monthly_notice
    local = now.astimezone(app.config.tz)
    due_at = local.replace(day=sched.day, hour=sched.hour, minute=sched.minute, second=0, microsecond=0)
    if local < due_at:
        return None
    month = Month(local.year, local.month).previous()
    return None if notice_sent(app, month) else month


class Daemon:
    def __init__(self, app: App, console: Console | None = None):
        self.app = app
        self.console = console or Console(highlight=False)
        self.lock = threading.Lock()  # one cycle at a time, whichever job starts it

    def say(self, text: str) -> None:
        stamp = datetime.now(self.app.config.tz).strftime("%Y-%m-%d %H:%M:%S")
        self.console.print(f"[{stamp}] {text}", markup=False, soft_wrap=True)

    def cycle(self) -> None:
        """One intake cycle, then any overdue monthly notice."""
        with self.lock:
            reports, delivery = poll_all(self.app)
            for r in reports:
                self.say(r.summary() + "".join(f"；{n}" for n in r.notes) + "".join(f"；{e}" for e in r.errors))
            if delivery and delivery.anything:
                self.say(delivery.summary())
            self._notice_if_due()

    def notice_job(self) -> None:
        with self.lock:
            self._notice_if_due()

    def _notice_if_due(self) -> None:
        month = notice_due(self.app, datetime.now(self.app.config.tz))
        if month is None:
            return
        try:
            run = send_monthly(self.app, month)
        except NoticeError as exc:
            self.say(f"{month.label}通报未能发送：{exc}")
            return
        self.say(f"{month.label}通报：{run.delivery.summary()}")

    def scheduler(self) -> BlockingScheduler:
        settings = self.app.config.settings
        tz = self.app.config.tz
        scheduler = BlockingScheduler(timezone=tz, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        scheduler.add_job(self.cycle, IntervalTrigger(minutes=settings.schedule.poll_minutes, timezone=tz),
                          id="poll", name="收信", next_run_time=datetime.now(tz))
        mn = settings.schedule.monthly_notice
        scheduler.add_job(self.notice_job, CronTrigger(day=mn.day, hour=mn.hour, minute=mn.minute, timezone=tz),
                          id="monthly-notice", name="月度通报")
        return scheduler


def run_daemon(app: App, console: Console | None = None) -> None:
    daemon = Daemon(app, console)
    scheduler = daemon.scheduler()

    def stop(signum, _frame):  # finish the running job, then exit cleanly
        daemon.say("收到停止信号，等待当前任务完成后退出……")
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    mn = app.config.settings.schedule.monthly_notice
    daemon.say(f"baosong 已启动：每 {app.config.settings.schedule.poll_minutes} 分钟收信，"
               f"每月 {mn.day} 日 {mn.hour:02d}:{mn.minute:02d} 发送上月通报。")
    scheduler.start()
    daemon.say("baosong 已停止。")
