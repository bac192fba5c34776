"""One intake cycle over every configured mailbox."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from baosong.app import App
from baosong.config.loader import secret
from baosong.config.schema import MailboxConfig
from baosong.failures import note_failure
from baosong.intake.mailbox import Mailbox, MailboxError
from baosong.ledger.messages import mark_filed, recorded_uids
from baosong.ledger.outbox import DeliveryReport, deliver_pending
from baosong.processing import process
from baosong.views import verdict_labels
from baosong.vocabulary import DISPOSITIONS, Verdict

log = logging.getLogger("baosong.poll")


@dataclass
class MailboxReport:
    mailbox: str
    fetched: int = 0
    new: int = 0
    already: int = 0
    counts: dict[str, int] = field(default_factory=dict)   # verdict -> number of new messages
    errors: list[str] = field(default_factory=list)
    set_aside: int = 0   # failed too often: moved to quarantine, recorded, the office alerted

    def summary(self) -> str:
        counts = "，".join(f"{verdict_labels().get(k, k)} {v}" for k, v in self.counts.items()) or "无新邮件"
        return (f"邮箱“{self.mailbox}”：取到 {self.fetched} 封，新登记 {self.new} 封（{counts}）"
                + (f"，此前已登记 {self.already} 封" if self.already else "")
                + (f"，{self.set_aside} 封多次处理失败已移入隔离" if self.set_aside else ""))


def folder_for(cfg: MailboxConfig, verdict: Verdict | str) -> str:
    """The IMAP folder a message with this verdict is filed in (the verdict's disposition names it)."""
    return getattr(cfg, DISPOSITIONS[Verdict(verdict)].folder)


def _mark_filed(app: App, ledger_id: int) -> None:
    with app.sessions() as session:
        mark_filed(session, ledger_id)
        session.commit()


# progress(mailbox name, messages done, messages in the inbox folder)
Progress = Callable[[str, int, int], None]


def poll_mailbox(app: App, cfg: MailboxConfig, progress: Progress | None = None) -> MailboxReport:
    report = MailboxReport(cfg.name)
    box = Mailbox(name=cfg.name, host=cfg.host, port=cfg.port, ssl=cfg.ssl, username=cfg.username,
                  password=secret(cfg.password, cfg.password_env), folder=cfg.folder, timeout=cfg.timeout)
    try:
        box.connect()
    except MailboxError as exc:
        report.errors.append(str(exc))
        return report
    try:
        uids = box.uids()
        with app.sessions() as session:
            known = {uid: (m.id, m.verdict) for uid, m in
                     recorded_uids(session, cfg.name, box.uidvalidity, uids).items()}
        done = 0

        def file_away(uid: int, ledger_id: int, verdict: str) -> None:
            # called only once the message is in the ledger: then it may leave the inbox
            nonlocal done
            box.file(uid, folder_for(cfg, verdict))
            _mark_filed(app, ledger_id)
            done += 1
            if progress:
                progress(cfg.name, done, len(uids))

        if progress:
            progress(cfg.name, done, len(uids))
        # recorded in an earlier cycle that stopped before the move: file them, no download
        for uid, (ledger_id, verdict) in sorted(known.items()):
            report.already += 1
            file_away(uid, ledger_id, verdict)
        for fetched in box.fetch([uid for uid in uids if uid not in known]):
            report.fetched += 1
            try:
                outcome = process(app, fetched.raw, mailbox=cfg.name, uidvalidity=fetched.uidvalidity,
                                  uid=fetched.uid, received_at=fetched.internaldate)
            except Exception as exc:  # counted; kept in the inbox until it has failed max_attempts times
                # the traceback is kept in the ledger's failures table (`baosong ledger failures`)
                log.info("processing UID %s of %s failed", fetched.uid, cfg.name, exc_info=True)
                try:
                    failed = note_failure(app, mailbox=cfg.name, uidvalidity=fetched.uidvalidity, uid=fetched.uid,
                                          raw=fetched.raw, received_at=fetched.internaldate,
                                          error=traceback.format_exc())
                except Exception as again:  # the ledger itself is failing: keep the message, go on
                    log.info("recording the failure of UID %s of %s failed", fetched.uid, cfg.name, exc_info=True)
                    report.errors.append(f"UID {fetched.uid}：处理失败，且无法记入台账，邮件保留在收件箱 / "
                                         f"{exc!r}; {again!r}")
                    continue
                if failed.set_aside_id is None:
                    report.errors.append(f"UID {fetched.uid}：第 {failed.attempts}/{failed.max_attempts} 次处理失败，"
                                         f"邮件保留在收件箱，下次重试 / {exc!r}")
                    continue
                report.set_aside += 1
                report.errors.append(f"UID {fetched.uid}：连续 {failed.attempts} 次处理失败，已移入隔离文件夹"
                                     f"“{cfg.quarantine_folder}”并通知信息科 / {exc!r}")
                file_away(fetched.uid, failed.set_aside_id, Verdict.QUARANTINED)
                continue
            if outcome.new:
                report.new += 1
                report.counts[outcome.verdict] = report.counts.get(outcome.verdict, 0) + 1
            else:
                report.already += 1
            file_away(fetched.uid, outcome.ledger_id, outcome.verdict)
    except MailboxError as exc:
        report.errors.append(str(exc))
    except Exception as exc:  # IMAP protocol errors, dropped connections
        log.exception("mailbox %s failed", cfg.name)
        report.errors.append(f"邮箱“{cfg.name}”收信中断：{exc} / mailbox error")
    finally:
        box.close()
    return report


def deliver(app: App) -> DeliveryReport | None:
    transport = app.smtp_transport()
    if transport is None:
        return None
    return deliver_pending(app.sessions, transport)


def poll_all(app: App, progress: Progress | None = None) -> tuple[list[MailboxReport], DeliveryReport | None]:
    reports = [poll_mailbox(app, cfg, progress) for cfg in app.config.settings.mailboxes]
    return reports, deliver(app)
