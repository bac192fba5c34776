"""`baosong status`: what an admin (or a monitor) needs to know that the daemon is healthy.

Pinned JSON keys: ``ok``, ``mailboxes`` (``[{"name", "last_attempt", "last_success", "last_error",
"consecutive_failures", "stale"}]``), ``today`` (``{"received", "by_verdict"}``), ``outbox``
(``{"pending", "failed", "pending_recipients", "failed_recipients", "failures": [...]}``),
``failed_messages``, ``next_jobs`` (``[{"job", "at"}]``) and ``lease``; also ``daemon_running``.
``ok`` is false (the command exits 1) when a configured mailbox has never been polled successfully
or not for longer than ``daemon.stale_minutes``.

Whether a daemon runs is read from the sending lease (``ledger/leases.py``): a running ``baosong run``
renews it at every job and deletes it when it stops; a lease past its expiry, or held by a process of
this machine that no longer exists, is no daemon. ``next_jobs`` are the times a running daemon would
work; the text says them only when one runs (``poll --once`` from cron polls, but schedules nothing).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from baosong.app import App
from baosong.messages import say


def _iso(when: datetime | None, tz) -> str | None:
    return when.astimezone(tz).isoformat(timespec="seconds") if when else None


def _holder_gone(holder: str) -> bool:
    from baosong.daemon import _dead_here

    return _dead_here(holder)


def _shown(iso: str | None) -> str | None:
    """An ISO time of the report as a person reads it: 2026-11-30 14:00 (the report's own time zone)."""
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M") if iso else None


def next_notice_at(app: App, now: datetime) -> datetime:
    mn = app.config.settings.schedule.monthly_notice
    local = now.astimezone(app.config.tz)
    at = local.replace(day=mn.day, hour=mn.hour, minute=mn.minute, second=0, microsecond=0)
    if at <= local:
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        at = at.replace(year=year, month=month)
    return at


def collect(app: App, now: datetime | None = None) -> dict[str, Any]:
    from baosong.ledger.failures import failures
    from baosong.ledger.leases import holder_of
    from baosong.ledger.messages import verdict_counts_between
    from baosong.ledger.outbox import failed_recipients, outbox_counts
    from baosong.ledger.polls import all_polls

    now = now or datetime.now(timezone.utc)
    tz = app.config.tz
    settings = app.config.settings
    stale_after = timedelta(minutes=settings.daemon.stale_minutes)
    local = now.astimezone(tz)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    with app.sessions() as session:
        polls = {p.mailbox: p for p in all_polls(session)}
        by_verdict = verdict_counts_between(session, day_start, day_start + timedelta(days=1))
        counts = outbox_counts(session)
        refused = [{"id": m.id, "subject": m.subject, "recipient": r.address, "error": r.last_error}
                   for m, r in failed_recipients(session)]
        failed_messages = sum(1 for f in failures(session) if f.set_aside_at is None)
        lease = holder_of(session)
        lease_info = ({"holder": lease.holder, "expires": _iso(lease.expires_at, tz)} if lease else None)
        running = lease is not None and lease.expires_at > now and not _holder_gone(lease.holder)
    mailboxes = []
    last_attempts: list[datetime] = []
    for cfg in settings.mailboxes:
        p = polls.get(cfg.name)
        stale = p is None or p.last_success_at is None or now - p.last_success_at > stale_after
        if p is not None and p.last_attempt_at is not None:
            last_attempts.append(p.last_attempt_at)
        mailboxes.append({
            "name": cfg.name, "last_attempt": _iso(p.last_attempt_at, tz) if p else None,
            "last_success": _iso(p.last_success_at, tz) if p else None,
            "last_error": p.last_error if p else None,
            "consecutive_failures": p.consecutive_failures if p else 0, "stale": stale,
        })
    poll_every = timedelta(minutes=settings.schedule.poll_minutes)
    next_poll = max(last_attempts) + poll_every if last_attempts else now
    return {
        "ok": not any(m["stale"] for m in mailboxes),
        "now": _iso(now, tz),
        "mailboxes": mailboxes,
        "today": {"received": sum(by_verdict.values()), "by_verdict": by_verdict},
        "outbox": {"pending": counts.pending, "failed": counts.failed,
                   "pending_recipients": counts.pending_recipients, "failed_recipients": counts.failed_recipients,
                   "failures": refused},
        "failed_messages": failed_messages,
        "next_jobs": [{"job": "poll", "at": _iso(max(next_poll, now), tz)},
                      {"job": "period-notice", "at": _iso(next_notice_at(app, now), tz)}],
        "lease": lease_info,
        "daemon_running": running,
    }


def status_lines(report: dict[str, Any]) -> list[str]:
    """What `baosong status` prints (Chinese)."""
    from baosong.notify.labels import verdict_labels

    running = report.get("daemon_running", True)
    now = _shown(report["now"])
    if not report["ok"]:
        lines = [say("status.stale", now=now)]
    else:
        lines = [say("status.ok", now=now) if running else say("status.ok_no_daemon", now=now)]
    if not report["mailboxes"]:
        lines.append(say("status.no_mailboxes"))
    for m in report["mailboxes"]:
        last_success = _shown(m["last_success"]) or say("status.never")
        if m["last_attempt"]:
            result = (say("status.mailbox_failed", count=m["consecutive_failures"], error=m["last_error"])
                      if m["last_error"] else say("status.mailbox_succeeded"))
            line = say("status.mailbox", name=m["name"], last_attempt=_shown(m["last_attempt"]), result=result,
                       last_success=last_success)
        else:
            line = say("status.mailbox_never_polled", name=m["name"], last_success=last_success)
        lines.append(line + (say("status.mailbox_stale") if m["stale"] else ""))
    today = report["today"]
    detail = "，".join(f"{verdict_labels().get(k, k)} {v}" for k, v in today["by_verdict"].items())
    lines.append(say("status.today_detail", count=today["received"], detail=detail) if detail
                 else say("status.today", count=today["received"]))
    ob = report["outbox"]
    lines.append(say("status.outbox", pending=ob["pending"], pending_recipients=ob["pending_recipients"],
                     failed=ob["failed"], failed_recipients=ob["failed_recipients"]))
    for f in ob["failures"][:5]:
        lines.append("  " + say("status.outbox_refused", id=f["id"], subject=f["subject"], recipient=f["recipient"],
                                error=f["error"]))
    lines.append(say("status.failed_messages", count=report["failed_messages"]))
    if not running:  # nothing is scheduled: no "next poll" time to promise
        lines.append(say("status.no_daemon"))
    for j in report["next_jobs"] if running else []:
        if j["job"] == "poll":
            lines.append(say("status.next_poll", at=_shown(j["at"])))
        elif j["job"] == "period-notice":
            lines.append(say("status.next_notice", at=_shown(j["at"])))
        else:
            lines.append(say("status.next_job", job=j["job"], at=_shown(j["at"])))
    if report["lease"] and running:
        lines.append(say("status.lease", holder=report["lease"]["holder"], expires=_shown(report["lease"]["expires"])))
    return lines
