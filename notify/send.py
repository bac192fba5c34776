"""Deliver the outbox: every pending mail goes out once, by SMTP or into a folder of .eml files."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from baosong.ledger.models import OutboxMail
from baosong.ledger.record import pending_mail


class Transport(Protocol):
    def send(self, mail: OutboxMail) -> None: ...
    def close(self) -> None: ...


@dataclass
class SmtpTransport:
    host: str
    port: int
    sender: str
    use_ssl: bool = True
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 60.0
    helo: str | None = None
    _conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._conn is None:
            context = ssl.create_default_context()
            if self.use_ssl:
                conn: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, local_hostname=self.helo,
                                                      timeout=self.timeout, context=context)
            else:
                conn = smtplib.SMTP(self.host, self.port, local_hostname=self.helo, timeout=self.timeout)
                if self.starttls:
                    conn.starttls(context=context)
            if self.username:
                conn.login(self.username, self.password or "")
            self._conn = conn
        return self._conn

    def send(self, mail: OutboxMail) -> None:
        envelope_from = parseaddr(self.sender)[1]
        self._connect().sendmail(envelope_from, list(mail.recipients), mail.raw)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except smtplib.SMTPException:
                pass
            self._conn = None


@dataclass
class FolderTransport:
    """Writes each mail as ``<id>-<kind>.eml`` instead of sending (for review or manual sending)."""

    folder: Path

    def send(self, mail: OutboxMail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{mail.id:05d}-{mail.kind}.eml"
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(mail.raw)
        tmp.replace(target)

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int      # refused for good by the server (e.g. 550 no such user): status "failed"
    deferred: int    # still pending (server unreachable, temporary refusal): tried again next cycle
    errors: tuple[str, ...]

    @property
    def anything(self) -> bool:
        return bool(self.sent or self.failed or self.deferred)

    def summary(self, what: str = "邮件") -> str:
        parts = [f"发出{what} {self.sent} 封"]
        if self.deferred:
            parts.append(f"{self.deferred} 封暂未发出（发信服务器不可用或暂时拒收，下次自动重试）")
        if self.failed:
            parts.append(f"{self.failed} 封被收信服务器拒收，不再重试")
        return "，".join(parts)


def _permanent(exc: Exception) -> bool:
    """A 5xx answer about this one mail (recipient, sender or content): retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return exc.smtp_code >= 500
    return False


def _per_mail(exc: Exception) -> bool:
    return isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError))


def deliver_pending(sessions: sessionmaker[Session], transport: Transport, *,
                    only_ids: set[int] | None = None) -> DeliveryReport:
    """Send pending outbox mail (all, or just ``only_ids``); each is marked sent in its own commit.

    Nothing is ever dropped: a mail the server refuses for good is marked "failed" with
    the server's answer (visible to the admin); anything else stays pending. When the
    server cannot be reached or logged in to, the run stops at once and the rest wait
    for the next cycle, instead of timing out mail by mail.

    A crash between the SMTP hand-over and the commit would send that one mail again
    on the next run (it keeps its Message-ID, so mail clients show it once).
    """
    sent = failed = 0
    errors: list[str] = []
    with sessions() as session:
        ids = [m.id for m in pending_mail(session) if only_ids is None or m.id in only_ids]
    skipped = 0
    try:
        for mail_id in ids:
            with sessions() as session:
                mail = session.get(OutboxMail, mail_id)
                if mail is None or mail.status != "pending":  # sent meanwhile by another process
                    skipped += 1
                    continue
                mail.attempts += 1
                try:
                    transport.send(mail)
                except (smtplib.SMTPException, OSError) as exc:
                    mail.last_error = f"{type(exc).__name__}: {exc}"
                    errors.append(f"#{mail.id}《{mail.subject}》：{mail.last_error}")
                    if _permanent(exc):
                        mail.status = "failed"
                        failed += 1
                    session.commit()
                    if not _per_mail(exc):
                        break  # the server itself is unreachable or refuses us: try again next cycle
                    continue
                sent += 1
                mail.status = "sent"
                mail.sent_at = datetime.now(timezone.utc)
                mail.last_error = None
                session.commit()
    finally:
        transport.close()
    return DeliveryReport(sent, failed, len(ids) - skipped - sent - failed, tuple(errors))
