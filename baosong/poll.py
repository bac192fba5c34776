"""One intake cycle over every configured mailbox.

Per folder: the UIDs, then every message's RFC822.SIZE (one command, nothing downloaded), then
batches of at most ``BATCH_MESSAGES`` messages and ``BATCH_BYTES`` bytes. For each batch: one
FETCH; each message archived before it is parsed, then judged and recorded; the archive made
durable and the ledger committed once; only then one UID MOVE per destination folder, and one
commit marking the batch filed. A message larger than ``limits.max_message_mb`` is never
downloaded: its header alone is judged (oversize), recorded, answered and filed.

Anything unusual in a batch (a message whose processing raises, a race lost to another poller)
sends that batch down the careful path: one message at a time, each in its own transaction.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from baosong.app import App
from baosong.archive import ArchiveBatch
from baosong.config.loader import secret
from baosong.config.schema import MailboxConfig
from baosong.failures import note_failure
from baosong.intake.documents import sha256 as sha256_of
from baosong.intake.gate import Candidate
from baosong.intake.mailbox import CONNECTION_ERRORS, Fetched, Mailbox, MailboxError
from baosong.judge_pool import JudgePool, workers
from baosong.judging import examine_raw
from baosong.ledger.messages import mark_filed, recorded_shas, recorded_uids
from baosong.ledger.outbox import DeliveryReport, deliver_pending
from baosong.ledger.polls import needs_alert, note_uidvalidity, poll_state, record_poll
from baosong.messages import say
from baosong.processing import Batch, BatchLookups, Outcome, RecentPieces, process
from baosong.views import verdict_labels
from baosong.vocabulary import DISPOSITIONS, Verdict

if TYPE_CHECKING:
    from baosong.ledger.messages import StagedMessage
    from baosong.ledger.models import Message

log = logging.getLogger("baosong.poll")
message_log = logging.getLogger("baosong.messages")

BATCH_MESSAGES = 50
BATCH_BYTES = 24 * 1024 * 1024   # a batch of large messages holds at most this much (one message more alone)
POOL_MIN_MESSAGES = 100          # a folder with this many new messages is judged on every core
POOL_MAX_BYTES = 2 * 1024 * 1024  # larger messages are judged in the poller's own process (memory)


@dataclass
class MailboxReport:
    mailbox: str
    fetched: int = 0
    new: int = 0
    already: int = 0
    counts: dict[str, int] = field(default_factory=dict)   # verdict -> number of new messages
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)        # worth saying, not a problem (UIDVALIDITY changed)
    set_aside: int = 0   # failed too often: moved to quarantine, recorded, the office alerted
    oversize: int = 0    # judged from the header alone (RFC822.SIZE above the limit): not downloaded
    ok: bool = False     # every folder polled to the end (per-message failures aside)
    connected: bool = False  # the server was reached and logged in to (a poll that never was fetched nothing)
    last_success: datetime | None = None   # the last successful poll (this one when ``ok``)
    stopped: bool = False      # a stop was asked for (SIGTERM): the rest waits for the next start
    failures_in_row: int = 0   # polls of this mailbox that failed in a row, this one included
    alert_due: bool = False    # the failures reached daemon.mailbox_failure_alert: the office must be told

    @property
    def failed(self) -> str | None:
        """Why the mailbox itself could not be polled (login, connection, deadline); None when it was."""
        return None if self.ok else ("；".join(self.errors) or say("poll.poll_not_completed"))

    def summary(self) -> str:
        if not self.connected:  # nothing was looked at: say that, not "no new mail"
            return say("poll.summary_not_connected", mailbox=self.mailbox) + (
                say("poll.summary_last_success", when=self.last_success) if self.last_success
                else say("poll.summary_last_success_never"))
        counts = "，".join(say("poll.summary_count", verdict=verdict_labels().get(k, k), count=v)
                          for k, v in self.counts.items())
        if counts or self.ok:
            head = say("poll.summary", mailbox=self.mailbox, fetched=self.fetched, new=self.new,
                       counts=counts or say("poll.summary_no_new"))
        else:  # cut short before anything new was recorded: there may well be new mail still waiting
            head = say("poll.summary_plain", mailbox=self.mailbox, fetched=self.fetched, new=self.new)
        text = (head
                + (say("poll.summary_already", already=self.already) if self.already else "")
                + (say("poll.summary_oversize", oversize=self.oversize) if self.oversize else "")
                + (say("poll.summary_set_aside", set_aside=self.set_aside) if self.set_aside else ""))
        if not self.ok:
            text += (say("poll.summary_incomplete", when=self.last_success) if self.last_success
                     else say("poll.summary_incomplete_never"))
        return text


def folder_for(cfg: MailboxConfig, verdict: Verdict | str) -> str:
    """The IMAP folder a message with this verdict is filed in (the verdict's disposition names it)."""
    return getattr(cfg, DISPOSITIONS[Verdict(verdict)].folder)


def ledger_name(cfg: MailboxConfig, folder: str) -> str:
    """The name a folder's messages are recorded under: the mailbox's, or "name#folder" for the junk folder
    (each folder numbers its messages itself, so (mailbox, UIDVALIDITY, UID) must tell them apart)."""
    return cfg.name if folder == cfg.folder else f"{cfg.name}#{folder}"


# progress(mailbox name, messages done, messages in the inbox folder)
Progress = Callable[[str, int, int], None]


def batches(uids: Sequence[int], sizes: dict[int, int], max_messages: int = BATCH_MESSAGES,
            max_bytes: int = BATCH_BYTES) -> Iterator[list[int]]:
    """Consecutive groups of at most ``max_messages`` UIDs and ``max_bytes`` bytes (a larger message alone)."""
    batch: list[int] = []
    size = 0
    for uid in uids:
        n = sizes.get(uid, 0)
        if batch and (len(batch) >= max_messages or size + n > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(uid)
        size += n
    if batch:
        yield batch


@dataclass
class _Ahead:
    """A fetched batch, archived and (with the judge pool) being judged while the previous one is recorded."""

    fetched: list[Fetched]
    shas: list[str]
    archive: ArchiveBatch
    examined: Callable[[], dict[str, Candidate]] = dict


class _FolderPoll:
    def __init__(self, app: App, cfg: MailboxConfig, box: Mailbox, folder: str, report: MailboxReport,
                 progress: Progress | None, should_stop: Callable[[], bool] | None = None):
        self.app, self.cfg, self.box, self.folder = app, cfg, box, folder
        self.should_stop = should_stop or (lambda: False)
        self.name = ledger_name(cfg, folder)
        self.report, self.progress = report, progress
        self.done = 0
        self.total = 0
        self.max_bytes = int(app.config.settings.limits.max_message_mb * 1024 * 1024)
        self.pool: JudgePool | None = None
        self.prefetch: Future[list[Fetched]] | None = None   # the FETCH of a batch ahead (helper thread)
        self.recent = RecentPieces()   # the units' recent pieces (revision rule), across this folder's batches

    def tick(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(self.cfg.name, self.done, self.total)

    def file_away(self, filed: Sequence[tuple[int, int, str]]) -> None:
        """Move (uid, ledger id, verdict) messages to their verdict's folders, then mark them filed.

        Called only once they are in the ledger: then they may leave the folder."""
        self.settle()   # the connection is free: the FETCH ahead has finished
        by_folder: dict[str, list[tuple[int, int]]] = {}
        for uid, ledger_id, verdict in filed:
            by_folder.setdefault(folder_for(self.cfg, verdict), []).append((uid, ledger_id))
        moved: list[int] = []
        for target, items in by_folder.items():
            self.box.file([uid for uid, _ in items], target)
            moved.extend(ledger_id for _, ledger_id in items)
        if moved:
            with self.app.sessions() as session:
                mark_filed(session, moved)
                session.commit()
        self.tick(len(filed))

    def run(self) -> None:
        box, report = self.box, self.report
        uidvalidity = box.select(self.folder) if box.folder != self.folder else box.uidvalidity
        with self.app.sessions() as session:
            before = note_uidvalidity(session, self.name, uidvalidity)
            session.commit()
        if before is not None:
            report.notes.append(say("poll.uidvalidity_changed", folder=self.folder, before=before,
                                    uidvalidity=uidvalidity))
        uids = box.uids()
        self.total += len(uids)
        with self.app.sessions() as session:
            known = recorded_uids(session, self.name, uidvalidity, uids)
            already = [(uid, m.id, m.verdict) for uid, m in sorted(known.items())]
        if self.progress:
            self.progress(self.cfg.name, self.done, self.total)
        # recorded in an earlier cycle that stopped before the move: file them, no download
        report.already += len(already)
        for i in range(0, len(already), BATCH_MESSAGES):
            box.check_deadline()
            self.file_away(already[i:i + BATCH_MESSAGES])
        todo = [uid for uid in uids if uid not in known]
        sizes = box.sizes(todo)
        todo = [uid for uid in todo if uid in sizes]   # a UID gone meanwhile: another poller moved it
        self.total -= len(uids) - len(known) - len(todo)
        processes = workers()
        if processes and len(todo) >= POOL_MIN_MESSAGES:
            self.pool = JudgePool(self.app.config, processes)
        try:
            self.fetch_all(todo, sizes)
        finally:
            if self.pool is not None:
                self.pool.close()

    def fetch_all(self, todo: list[int], sizes: dict[int, int]) -> None:
        """Fetch batch after batch. With the judge pool, batch N+1 is fetched and handed to the workers
        before batch N is recorded and filed, so the protocol, the judging and the ledger overlap; and
        batch N+2 is fetched by a helper thread while batch N is recorded (the IMAP connection is used by
        one thread at a time: batch N is moved only once that FETCH is in)."""
        box, report = self.box, self.report
        pending: _Ahead | None = None
        groups = list(batches(todo, sizes))
        fetcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baosong-prefetch") if self.pool else None
        try:
            for index, batch in enumerate(groups):
                if self.should_stop():  # SIGTERM: finish the batch in hand, leave the rest for the next start
                    report.stopped = True
                    break
                box.check_deadline()
                prefetched, self.prefetch = self.prefetch, None
                fetched = prefetched.result() if prefetched is not None else self.fetch(batch, sizes)
                self.total -= len(batch) - len(fetched)
                report.fetched += len(fetched)
                report.oversize += sum(1 for f in fetched if f.headers_only)
                ahead = self.start(fetched)
                overlap = self.pool is not None and all(len(f.raw) <= POOL_MAX_BYTES for f in fetched)
                if pending is not None:
                    done, pending = pending, None
                    following = groups[index + 1] if index + 1 < len(groups) else None
                    if (fetcher is not None and overlap and following is not None
                            and all(sizes[uid] <= POOL_MAX_BYTES for uid in following)):
                        self.prefetch = fetcher.submit(self.fetch, following, sizes)
                    self.process_batch(done)
                    if report.stopped:   # stopped inside that batch: the one just fetched waits too
                        break
                if overlap:
                    pending = ahead        # recorded after the next batch has been fetched
                else:
                    self.process_batch(ahead)   # large messages: one batch in memory at a time
        finally:
            self.settle()
            self.prefetch = None     # fetched ahead but not begun (a stop, an error): left in the inbox
            if fetcher is not None:
                fetcher.shutdown(wait=True)
            if pending is not None and not box.watchdog.fired:
                self.process_batch(pending)   # fetched and judged: record it before stopping

    def fetch(self, batch: list[int], sizes: dict[int, int]) -> list[Fetched]:
        """One batch's messages: whole, or the header alone of those above the size limit."""
        whole = [uid for uid in batch if sizes[uid] <= self.max_bytes]
        heads = [uid for uid in batch if sizes[uid] > self.max_bytes]
        return list(self.box.fetch(whole)) + list(self.box.fetch(heads, headers_only=True))

    def settle(self) -> None:
        """Wait until the FETCH running ahead (if any) is done: the IMAP connection is free again."""
        if self.prefetch is not None:
            wait([self.prefetch])

    def _count(self, uid: int, outcome: Outcome) -> None:
        log_message(self.name, uid, outcome)
        if outcome.new:
            self.report.new += 1
            self.report.counts[outcome.verdict] = self.report.counts.get(outcome.verdict, 0) + 1
        else:
            self.report.already += 1

    def start(self, fetched: list[Fetched]) -> _Ahead:
        """Archive the batch's ordinary-sized messages and hand them to the judge pool (if any)."""
        app = self.app
        ahead = _Ahead(fetched, [sha256_of(f.raw) for f in fetched], ArchiveBatch(app.config.archive_dir, app.config.tz))
        if self.pool is None:
            return ahead
        todo = [(f, sha) for f, sha in zip(fetched, ahead.shas, strict=True)
                if f.internaldate is not None and not f.headers_only and len(f.raw) <= POOL_MAX_BYTES]
        for f, sha in todo:   # archive before parse, here too
            assert f.internaldate is not None
            ahead.archive.write(f.raw, sha, f.internaldate)
        result = self.pool.examine_async([(f.raw, None) for f, _ in todo])
        ahead.examined = lambda: {sha: v for (_, sha), v in zip(todo, result(), strict=True) if v is not None}
        return ahead

    def stop_before(self, index: int) -> bool:
        """Whether to stop before the batch's message ``index``: a stop (SIGTERM) is honoured per message.
        The message in hand is finished; a batch fetched ahead is not begun once a stop was seen."""
        if (index or self.report.stopped) and self.should_stop():
            self.report.stopped = True
            return True
        return False

    def process_batch(self, ahead: _Ahead) -> None:
        fetched, archive = ahead.fetched, ahead.archive
        if not fetched or self.stop_before(0):
            return
        app = self.app
        outcomes: list[tuple[int, Outcome]] = []
        try:
            with app.sessions() as session:
                known: dict[str, Message | StagedMessage] = dict(recorded_shas(session, ahead.shas))
                batch = Batch(session, archive, known, ahead.examined())
                self.examine_rest(ahead, batch)
                # the gate's questions for every examined message of the batch, in a few queries
                batch.lookups = BatchLookups(session, batch.examined.values(), self.recent)
                for index, (f, sha) in enumerate(zip(fetched, ahead.shas, strict=True)):
                    if self.stop_before(index):   # the rest stay in the inbox, untouched, for the next start
                        fetched = fetched[:index]
                        break
                    process(app, f.raw, mailbox=self.name, uidvalidity=f.uidvalidity, uid=f.uid, sha=sha,
                            received_at=f.internaldate, size=f.size if f.headers_only else None, batch=batch)
                archive.sync()          # the raw bytes are durable before the ledger says they were recorded
                # the batch's INSERTs in one flush, then the commit: the ledger's write lock is held briefly
                outcomes = list(zip([f.uid for f in fetched], batch.finish(app), strict=True))
                session.commit()        # the ledger before the move
            self.recent.learn(batch.staged)   # the next batches know this one's pieces without asking
        except Exception:  # a message that fails, or a race lost to another poller: one at a time
            log.debug("batch of %d messages of %s goes one at a time", len(fetched), self.name, exc_info=True)
            self.recent.forget()    # what the careful path records is read from the ledger again
            archive.sync()
            self.one_by_one(fetched)
            return
        for uid, outcome in outcomes:
            self._count(uid, outcome)
        self.file_away([(uid, o.ledger_id, o.verdict) for uid, o in outcomes])

    def examine_rest(self, ahead: _Ahead, batch: Batch) -> None:
        """Examine (parse, read) the batch's messages the judge pool did not, each archived first; new
        ones only. Header-only (oversize) messages are judged as they are recorded."""
        for f, sha in zip(ahead.fetched, ahead.shas, strict=True):
            if sha in batch.examined or sha in batch.known or f.headers_only or f.internaldate is None:
                continue
            ahead.archive.write(f.raw, sha, f.internaldate)   # archive before parse
            batch.examined[sha] = examine_raw(self.app.config, f.raw)

    def one_by_one(self, fetched: list[Fetched]) -> None:
        cfg, report = self.cfg, self.report
        filed: list[tuple[int, int, str]] = []
        for index, f in enumerate(fetched):
            if self.stop_before(index):
                break
            try:
                outcome = process(self.app, f.raw, mailbox=self.name, uidvalidity=f.uidvalidity, uid=f.uid,
                                  received_at=f.internaldate, size=f.size if f.headers_only else None)
            except Exception as exc:  # counted; kept in the folder until it has failed max_attempts times
                # the traceback is kept in the ledger's failures table (`baosong ledger failures`)
                log.info("processing UID %s of %s failed", f.uid, self.name, exc_info=True)
                try:
                    failed = note_failure(self.app, mailbox=self.name, uidvalidity=f.uidvalidity, uid=f.uid,
                                          raw=f.raw, received_at=f.internaldate, error=traceback.format_exc(),
                                          quarantine_folder=cfg.quarantine_folder)
                except Exception as again:  # the ledger itself is failing: keep the message, go on
                    log.info("recording the failure of UID %s of %s failed", f.uid, self.name, exc_info=True)
                    report.errors.append(say("poll.failure_unrecorded", uid=f.uid, error=repr(exc),
                                             again=repr(again)))
                    continue
                if failed.set_aside_id is None:
                    report.errors.append(say("poll.failure_will_retry", uid=f.uid, attempts=failed.attempts,
                                             max_attempts=failed.max_attempts, error=repr(exc)))
                    continue
                report.set_aside += 1
                report.errors.append(say("poll.failure_set_aside", uid=f.uid, attempts=failed.attempts,
                                         folder=cfg.quarantine_folder, error=repr(exc)))
                filed.append((f.uid, failed.set_aside_id, Verdict.QUARANTINED))
                continue
            self._count(f.uid, outcome)
            filed.append((f.uid, outcome.ledger_id, outcome.verdict))
        self.file_away(filed)


def log_message(mailbox: str, uid: int | None, outcome: Outcome) -> None:
    """One structured line per message with its verdict (logfmt: key=value, values quoted as JSON)."""
    if not message_log.isEnabledFor(logging.INFO):   # `poll --once` logs nothing: no line built either
        return
    fields = {"event": "message", "mailbox": mailbox, "uid": uid, "verdict": outcome.verdict,
              "reason": outcome.reason, "unit": outcome.unit, "sender": outcome.sender, "new": outcome.new}
    message_log.info(" ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in fields.items()))


def _mailbox(cfg: MailboxConfig) -> Mailbox:
    return Mailbox(name=cfg.name, host=cfg.host, port=cfg.port, ssl=cfg.ssl, username=cfg.username,
                   password=secret(cfg.password, cfg.password_env), folder=cfg.folder, timeout=cfg.timeout,
                   deadline=cfg.deadline, password_env=None if cfg.password else cfg.password_env)


def _note_poll(app: App, report: MailboxReport) -> None:
    """Record this poll's end in the ledger; the last successful poll, the failures in a row and whether
    the office must now be told (once per run of failures) go into the report."""
    try:
        with app.sessions() as session:
            row = record_poll(session, report.mailbox, ok=report.ok, error=report.failed)
            report.last_success = row.last_success_at.astimezone(app.config.tz) if row.last_success_at else None
            report.failures_in_row = row.consecutive_failures or 0
            report.alert_due = needs_alert(row, app.config.settings.daemon.mailbox_failure_alert)
            if report.alert_due:
                row.alerted_at = datetime.now(timezone.utc)
            session.commit()
    except Exception:  # never let the bookkeeping hide the poll's own outcome
        log.debug("recording the poll of %s failed", report.mailbox, exc_info=True)


def last_success(app: App, mailbox: str) -> datetime | None:
    with app.sessions() as session:
        row = poll_state(session, mailbox)
        return row.last_success_at.astimezone(app.config.tz) if row and row.last_success_at else None


def poll_mailbox(app: App, cfg: MailboxConfig, progress: Progress | None = None,
                 should_stop: Callable[[], bool] | None = None) -> MailboxReport:
    report = MailboxReport(cfg.name)
    box = _mailbox(cfg)
    try:
        box.connect()
        report.connected = True
        for folder in [cfg.folder, *([cfg.junk_folder] if cfg.junk_folder else [])]:
            _FolderPoll(app, cfg, box, folder, report, progress, should_stop).run()
            if report.stopped:
                break
        report.ok = True
    except MailboxError as exc:
        report.errors.append(str(exc))
    except CONNECTION_ERRORS as exc:  # a dropped connection, the deadline's cut, a protocol error
        # the message is for the admin; the traceback only for a developer (debug log)
        log.debug("mailbox %s failed", cfg.name, exc_info=True)
        if box.watchdog.fired:
            report.errors.append(str(box.deadline_error()))
        else:
            report.errors.append(say("poll.connection_lost", mailbox=cfg.name,
                                     error=str(exc) or type(exc).__name__))
    except Exception as exc:  # anything else (the ledger failing ...): said plainly, the traceback at debug
        log.debug("mailbox %s failed", cfg.name, exc_info=True)
        report.errors.append(say("poll.poll_failed", mailbox=cfg.name, error=repr(exc)))
    finally:
        box.close()
    _note_poll(app, report)
    return report


def deliver(app: App) -> DeliveryReport | None:
    transport = app.smtp_transport()
    if transport is None:
        return None
    return deliver_pending(app.sessions, transport, policy=app.delivery_policy())


def poll_all(app: App, progress: Progress | None = None) -> tuple[list[MailboxReport], DeliveryReport | None]:
    reports = [poll_mailbox(app, cfg, progress) for cfg in app.config.settings.mailboxes]
    return reports, deliver(app)
