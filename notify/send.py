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
    failed: int
    errors: tuple[str, ...]


def deliver_pending(sessions: sessionmaker[Session], transport: Transport, *, only_ids: set[int] | None = None,
                    max_attempts: int = 10) -> DeliveryReport:
    """Send pending outbox mail (all, or just ``only_ids``); each is marked sent in its own commit.

    A crash between the SMTP hand-over and that commit would send that one mail again
    on the next run (it keeps its Message-ID, so mail clients show it once).
    """
    sent = failed = 0
    errors: list[str] = []
    with sessions() as session:
        ids = [m.id for m in pending_mail(session) if only_ids is None or m.id in only_ids]
    try:
        for mail_id in ids:
            with sessions() as session:
                mail = session.get(OutboxMail, mail_id)
                if mail is None or mail.status != "pending":
                    continue
                mail.attempts += 1
                try:
                    transport.send(mail)
                except (smtplib.SMTPException, OSError) as exc:
                    failed += 1
                    mail.last_error = f"{type(exc).__name__}: {exc}"
                    if mail.attempts >= max_attempts:
                        mail.status = "failed"
                    errors.append(f"#{mail.id} {mail.subject}: {mail.last_error}")
                    transport.close()  # reconnect on the next mail
                else:
                    sent += 1
                    mail.status = "sent"
                    mail.sent_at = datetime.now(timezone.utc)
                    mail.last_error = None
                session.commit()
    finally:
        transport.close()
    return DeliveryReport(sent, failed, tuple(errors))
