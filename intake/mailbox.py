"""IMAP access to one registered submission mailbox (imapclient).

Only protocol work lives here: connect, identify, list, fetch, file away.
Deciding what a message means is the gate's job; recording it the ledger's.

Time is bounded twice: every socket read by the mailbox's ``timeout``, and the whole session by
an overall deadline. A server that drips one byte every few seconds never lets a read time out,
so a watchdog thread shuts the socket down when the deadline passes; the blocked read then fails
and :class:`DeadlineExceeded` says why.
"""

from __future__ import annotations

import imaplib
import socket
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from imapclient import IMAPClient, imap4, tls

from baosong import __version__
from baosong.messages import say

# RFC 2971 ID. NetEase (126/163) refuses SELECT ("Unsafe Login") until a client identifies itself.
CLIENT_ID = {"name": "baosong", "version": __version__, "vendor": "baosong"}


class MailboxError(Exception):
    """Could not log in or talk to the mailbox; the message is for the admin."""


class DeadlineExceeded(MailboxError):
    """The mailbox's overall deadline passed; the connection was cut."""


@dataclass(frozen=True)
class Fetched:
    uid: int
    uidvalidity: int
    internaldate: datetime | None   # the provider's receipt time, tz-aware
    raw: bytes                      # the whole message, or only its header when ``headers_only``
    size: int                       # RFC822.SIZE: the message's size on the server
    headers_only: bool = False      # too large to download: only BODY.PEEK[HEADER] was fetched


class Watchdog:
    """Shuts a socket down once ``deadline`` (time.monotonic()) has passed."""

    def __init__(self, deadline: float | None):
        self.deadline = deadline
        self.fired = False
        self._sock: socket.socket | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def expired(self) -> bool:
        left = self.remaining()
        return self.fired or (left is not None and left <= 0)

    def arm(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            left = self.remaining()
            if left is None or self._timer is not None:
                return
            self._timer = threading.Timer(max(0.0, left), self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._sock is not None:
                try:  # the plain socket's shutdown, also under TLS: a blocked read in the poller returns
                    socket.socket.shutdown(self._sock, socket.SHUT_RDWR)
                except OSError:
                    pass

    def cancel(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._sock = None


def _client_class(watchdog: Watchdog) -> type[IMAPClient]:
    """IMAPClient whose socket the watchdog sees from the moment it is connected (the greeting too)."""

    class Plain(imap4.IMAP4WithTimeout):
        def _create_socket(self, timeout=None):
            sock = super()._create_socket(timeout)
            watchdog.arm(sock)
            return sock

    class TLS(tls.IMAP4_TLS):
        def _create_socket(self, timeout=None):
            sock = super()._create_socket(timeout)
            watchdog.arm(sock)
            return sock

    class Client(IMAPClient):
        def _create_IMAP4(self):
            connect_timeout = getattr(self._timeout, "connect", None)
            if self.ssl:
                return TLS(self.host, self.port, self.ssl_context, connect_timeout)
            return Plain(self.host, self.port, connect_timeout)

    return Client


def connect_reason(exc: OSError) -> str:
    """Why the IMAP server could not be reached, in the office's words (the SMTP side says it the same way)."""
    if isinstance(exc, ConnectionRefusedError):
        return say("intake.mailbox_refused")
    if isinstance(exc, TimeoutError):   # socket.timeout is TimeoutError
        return say("intake.mailbox_timeout")
    if isinstance(exc, socket.gaierror):
        return say("intake.mailbox_unknown_host")
    if isinstance(exc, ssl.SSLError):
        return say("intake.mailbox_tls_failed")
    return say("intake.mailbox_network_error")


def uid_set(uids: Sequence[int]) -> list[str]:
    """Compact UID ranges ("3:7,9") so that one command moves a whole batch."""
    out: list[str] = []
    ordered = sorted(set(uids))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}:{ordered[j]}")
        i = j + 1
    return out


class Mailbox:
    def __init__(self, *, name: str, host: str, port: int, ssl: bool, username: str, password: str | None,
                 folder: str = "INBOX", timeout: float = 60.0, deadline: float | None = None,
                 password_env: str | None = None):
        self.name = name
        self.password_env = password_env  # the variable the password was to come from (named when it is unset)
        self.host, self.port, self.ssl = host, port, ssl
        self.username, self.password = username, password
        self.folder = folder
        self.timeout = timeout
        self.watchdog = Watchdog(None if deadline is None else time.monotonic() + deadline)
        self.deadline_s = deadline
        self.client: IMAPClient | None = None
        self.uidvalidity: int = 0
        self._known_folders: set[str] = set()

    def __enter__(self) -> Mailbox:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def deadline_error(self) -> DeadlineExceeded:
        return DeadlineExceeded(say("intake.poll_deadline", mailbox=self.name, seconds=self.deadline_s))

    def check_deadline(self) -> None:
        if self.watchdog.expired():
            raise self.deadline_error()

    def connect(self) -> None:
        if not self.password:
            if self.password_env:  # configured, but the variable is not set where baosong runs
                raise MailboxError(say("intake.mailbox_password_env_unset", mailbox=self.name,
                                       variable=self.password_env))
            raise MailboxError(say("intake.mailbox_no_password", mailbox=self.name))
        try:
            client = _client_class(self.watchdog)(self.host, port=self.port, ssl=self.ssl, timeout=self.timeout)
            client.normalise_times = False  # keep INTERNALDATE's own offset: tz-aware datetimes
            sock = getattr(client, "socket", lambda: None)()
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.login(self.username, self.password)
            if client.has_capability("ID"):
                client.id_(CLIENT_ID)
            self.client = client
            self.select(self.folder)
        except MailboxError:
            raise
        except IMAPClient.Error as exc:
            if self.watchdog.fired:
                raise self.deadline_error() from exc
            raise MailboxError(say("intake.mailbox_login_failed", mailbox=self.name, username=self.username,
                                   host=self.host, error=exc)) from exc
        except OSError as exc:
            if self.watchdog.fired:
                raise self.deadline_error() from exc
            raise MailboxError(say("intake.mailbox_unreachable", host=self.host, port=self.port,
                                   reason=connect_reason(exc), error=exc)) from exc

    def select(self, folder: str) -> int:
        """Open ``folder`` (read-write); its UIDVALIDITY."""
        info = self._c().select_folder(folder)
        self.folder = folder
        self.uidvalidity = int(info[b"UIDVALIDITY"])
        return self.uidvalidity

    def close(self) -> None:
        self.watchdog.cancel()
        if self.client is not None:
            try:
                if self.watchdog.fired:
                    self.client.shutdown()
                else:
                    self.client.logout()
            except (IMAPClient.Error, OSError):
                pass
            self.client = None

    def _c(self) -> IMAPClient:
        if self.client is None:
            raise MailboxError("mailbox not connected")
        return self.client

    def uids(self) -> list[int]:
        return sorted(self._c().search(["ALL"]))

    def sizes(self, uids: Sequence[int], chunk: int = 1000) -> dict[int, int]:
        """RFC822.SIZE of each message (before anything is downloaded); vanished UIDs are left out."""
        client = self._c()
        out: dict[int, int] = {}
        for i in range(0, len(uids), chunk):
            data = client.fetch(list(uids[i:i + chunk]), ["RFC822.SIZE"])
            for uid, item in data.items():
                size = item.get(b"RFC822.SIZE")
                if size is not None:
                    out[uid] = int(size)
        return out

    def fetch(self, uids: Sequence[int], *, headers_only: bool = False) -> Iterator[Fetched]:
        """One FETCH for ``uids``: BODY.PEEK[] (or BODY.PEEK[HEADER]), INTERNALDATE, RFC822.SIZE.

        PEEK, so that fetching never marks mail as read. A UID another client expunged meanwhile
        (Dovecot: ``NO [EXPUNGEISSUED]`` or simply no answer for it) is left out.
        """
        if not uids:
            return
        client = self._c()
        section = b"BODY[HEADER]" if headers_only else b"BODY[]"
        try:
            data = client.fetch(list(uids), ["BODY.PEEK[HEADER]" if headers_only else "BODY.PEEK[]",
                                                "INTERNALDATE", "RFC822.SIZE"])
        except imaplib.IMAP4.abort:   # the connection is gone: nothing more can be asked
            raise
        except IMAPClient.Error:
            # the server said NO: a message expunged by another client can fail the whole command
            # (Dovecot: NO [EXPUNGEISSUED]); one at a time, skipping what is gone
            data = {}
            for uid in uids:
                try:
                    data.update(client.fetch([uid], ["BODY.PEEK[HEADER]" if headers_only else "BODY.PEEK[]",
                                                     "INTERNALDATE", "RFC822.SIZE"]))
                except imaplib.IMAP4.abort:
                    raise
                except IMAPClient.Error:
                    continue
        for uid in uids:
            item = data.pop(uid, None)
            raw = item.get(section) if item is not None else None
            if raw is None:  # expunged meanwhile by another client (Dovecot answers NIL for its body)
                continue
            yield Fetched(uid, self.uidvalidity, item.get(b"INTERNALDATE"), raw,
                          int(item.get(b"RFC822.SIZE") or len(raw)), headers_only)

    def ensure_folder(self, folder: str) -> None:
        if folder in self._known_folders:
            return
        client = self._c()
        if not client.folder_exists(folder):
            try:
                client.create_folder(folder)
            except IMAPClient.Error:  # created meanwhile by another poller: fine if it exists now
                if not client.folder_exists(folder):
                    raise
        self._known_folders.add(folder)

    def file(self, uids: int | Sequence[int], folder: str) -> None:
        """Move messages out of the open folder into ``folder``: one UID MOVE (or COPY + UID EXPUNGE).

        UIDs another client moved meanwhile are simply gone: the server moves the rest.
        """
        batch = [uids] if isinstance(uids, int) else list(uids)
        if not batch:
            return
        self.ensure_folder(folder)
        try:
            self._move(uid_set(batch), folder)
        except imaplib.IMAP4.abort:
            raise
        except IMAPClient.Error:
            # NO [EXPUNGEISSUED]: another poller moved some of them meanwhile; move the rest one by one
            for uid in batch:
                try:
                    self._move([str(uid)], folder)
                except imaplib.IMAP4.abort:
                    raise
                except IMAPClient.Error:
                    continue   # gone: it has left the folder all the same

    def _move(self, ids: list[str], folder: str) -> None:
        client = self._c()
        if client.has_capability("MOVE"):
            client.move(ids, folder)
        else:
            client.copy(ids, folder)
            client.delete_messages(ids)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(ids)
            else:
                client.expunge()


# What a dropped or cut connection raises inside imaplib/imapclient.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (IMAPClient.Error, imaplib.IMAP4.abort, OSError)
