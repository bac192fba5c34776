"""Transports for the outbox (``baosong.ledger.outbox.deliver_pending``): SMTP, or a folder of .eml files.

Each turns what went wrong into a :class:`~baosong.ledger.outbox.DeliveryError` saying whether the
refusal is permanent and whether it concerns one mail or the whole server.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from baosong.ledger.models import OutboxMail
from baosong.ledger.outbox import DeliveryError, Handover, Refusal
from baosong.messages import say


def _delivery_error(exc: Exception, host: str = "", port: int = 0) -> DeliveryError:
    return DeliveryError(describe(exc, host, port), permanent=_permanent(exc), per_mail=_per_mail(exc),
                         spam=_spam(exc))


def _detail(exc: BaseException) -> str:
    """The technical detail, short: the error's own first line (no Python class name)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def describe(exc: BaseException, host: str = "", port: int = 0) -> str:
    """What went wrong talking to the SMTP server, for the office: a Chinese sentence naming the
    server, then the short technical detail (what the outbox report and ``status`` show)."""
    server = f"{host}:{port}" if host else say("notify.smtp_server_unnamed")
    if isinstance(exc, smtplib.SMTPResponseException):   # the server answered with a refusal code
        answer = _answer(exc.smtp_code, exc.smtp_error)
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return say("notify.smtp_login_refused", server=server, answer=answer)
        return say("notify.smtp_refused", server=server, answer=answer)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return say("notify.smtp_disconnected", server=server, detail=_detail(exc))
    if isinstance(exc, smtplib.SMTPException):
        return say("notify.smtp_error", server=server, detail=_detail(exc))
    if isinstance(exc, ConnectionRefusedError):
        key = "notify.smtp_connection_refused"
    elif isinstance(exc, (TimeoutError, socket.timeout)):
        key = "notify.smtp_connection_timeout"
    elif isinstance(exc, socket.gaierror):
        key = "notify.smtp_host_unknown"
    elif isinstance(exc, ssl.SSLError):
        key = "notify.smtp_tls_failed"
    elif isinstance(exc, OSError):
        key = "notify.smtp_network_error"
    else:
        key = "notify.smtp_connect_failed"
    return say(key, server=server, detail=_detail(exc))


def _answer(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"


def is_spam_refusal(code: int, text: str) -> bool:
    """NetEase and QQ refuse a burst with "554 DT:SPM …" and accept again later: never final."""
    return code == 554 and "DT:SPM" in text.upper()


def refusal(code: int, text: bytes | str) -> Refusal:
    answer = _answer(code, text)
    return Refusal(answer, permanent=code >= 500 and not is_spam_refusal(code, answer),
                   spam=is_spam_refusal(code, answer))


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

    def send(self, mail: OutboxMail, recipients: list[str]) -> Handover:
        """Hand the mail to the server for ``recipients``; say which of them it refused, and how.

        ``sendmail`` succeeds when at least one recipient is accepted and returns the refused
        ones (one 451 of two): those are reported per recipient, never taken as sent.
        """
        envelope_from = parseaddr(self.sender)[1]
        try:
            refused = self._connect().sendmail(envelope_from, recipients, mail.raw)
        except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused
            return Handover({a: refusal(code, text) for a, (code, text) in exc.recipients.items()})
        except (smtplib.SMTPException, OSError) as exc:
            if not _per_mail(exc):
                self._drop()  # a broken connection is not reused
            raise _delivery_error(exc, self.host, self.port) from exc
        return Handover({a: refusal(code, text) for a, (code, text) in refused.items()})

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
            self._conn = None

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

    def send(self, mail: OutboxMail, recipients: list[str]) -> Handover:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{mail.id:05d}-{mail.kind}.eml"
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(mail.raw)
            tmp.replace(target)
        except OSError as exc:  # a full disk or a missing permission: stop the run, keep the mail pending
            raise DeliveryError(say("notify.folder_unwritable", folder=self.folder, reason=exc.strerror or exc,
                                    error=exc)) from exc
        return Handover()

    def close(self) -> None:
        pass


def _permanent(exc: Exception) -> bool:
    """A 5xx answer about this one mail (recipient, sender or content): retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return exc.smtp_code >= 500 and not _spam(exc)
    return False


def _spam(exc: Exception) -> bool:
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return is_spam_refusal(exc.smtp_code, text)
    return False


def _per_mail(exc: Exception) -> bool:
    return isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError))
