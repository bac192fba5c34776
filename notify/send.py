"""Transports for the outbox (``baosong.ledger.outbox.deliver_pending``): SMTP, or a folder of .eml files.

Each turns what went wrong into a :class:`~baosong.ledger.outbox.DeliveryError` saying whether the
refusal is permanent and whether it concerns one mail or the whole server.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from baosong.ledger.models import OutboxMail
from baosong.ledger.outbox import DeliveryError


def _delivery_error(exc: Exception) -> DeliveryError:
    return DeliveryError(f"{type(exc).__name__}: {exc}", permanent=_permanent(exc), per_mail=_per_mail(exc))


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
        try:
            self._connect().sendmail(envelope_from, list(mail.recipients), mail.raw)
        except (smtplib.SMTPException, OSError) as exc:
            raise _delivery_error(exc) from exc

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
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{mail.id:05d}-{mail.kind}.eml"
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(mail.raw)
            tmp.replace(target)
        except OSError as exc:  # a full disk or a missing permission: stop the run, keep the mail pending
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        pass


def _permanent(exc: Exception) -> bool:
    """A 5xx answer about this one mail (recipient, sender or content): retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return exc.smtp_code >= 500
    return False


def _per_mail(exc: Exception) -> bool:
    return isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError))
