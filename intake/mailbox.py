"""IMAP access to one registered submission mailbox (imapclient).

Only protocol work lives here: connect, identify, list, fetch, file away.
Deciding what a message means is the gate's job; recording it the ledger's.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from imapclient import IMAPClient

from baosong import __version__

# RFC 2971 ID. NetEase (126/163) refuses SELECT ("Unsafe Login") until a client identifies itself.
CLIENT_ID = {"name": "baosong", "version": __version__, "vendor": "baosong"}


class MailboxError(Exception):
    """Could not log in or talk to the mailbox; the message is for the admin."""


@dataclass(frozen=True)
class Fetched:
    uid: int
    uidvalidity: int
    internaldate: datetime | None   # the provider's receipt time, tz-aware
    raw: bytes


class Mailbox:
    def __init__(self, *, name: str, host: str, port: int, ssl: bool, username: str, password: str | None,
                 folder: str = "INBOX", timeout: float = 60.0):
        self.name = name
        self.host, self.port, self.ssl = host, port, ssl
        self.username, self.password = username, password
        self.folder = folder
        self.timeout = timeout
        self.client: IMAPClient | None = None
        self.uidvalidity: int = 0
        self._known_folders: set[str] = set()

    def __enter__(self) -> Mailbox:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        if self.password is None:
            raise MailboxError(f"邮箱“{self.name}”没有口令：请在 settings.yaml 中设置 password 或 password_env"
                               f" / no password for mailbox {self.name}")
        try:
            client = IMAPClient(self.host, port=self.port, ssl=self.ssl, timeout=self.timeout)
            client.normalise_times = False  # keep INTERNALDATE's own offset: tz-aware datetimes
            sock = getattr(client, "socket", lambda: None)()
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.login(self.username, self.password)
            if client.has_capability("ID"):
                client.id_(CLIENT_ID)
            info = client.select_folder(self.folder)
        except IMAPClient.Error as exc:
            raise MailboxError(f"邮箱“{self.name}”（{self.username}@{self.host}）登录或打开文件夹失败：{exc}"
                               f" / IMAP error") from exc
        except OSError as exc:
            raise MailboxError(f"无法连接邮箱服务器 {self.host}:{self.port}：{exc} / cannot connect") from exc
        self.client = client
        self.uidvalidity = int(info[b"UIDVALIDITY"])

    def close(self) -> None:
        if self.client is not None:
            try:
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

    def fetch(self, uids: Sequence[int], batch: int = 25) -> Iterator[Fetched]:
        """BODY.PEEK[] so that fetching never marks mail as read."""
        client = self._c()
        for i in range(0, len(uids), batch):
            chunk = list(uids[i:i + batch])
            data = client.fetch(chunk, ["BODY.PEEK[]", "INTERNALDATE"])
            for uid in chunk:
                item = data.get(uid)
                if item is None:  # expunged meanwhile by another client
                    continue
                yield Fetched(uid, self.uidvalidity, item.get(b"INTERNALDATE"), item[b"BODY[]"])

    def ensure_folder(self, folder: str) -> None:
        if folder in self._known_folders:
            return
        client = self._c()
        if not client.folder_exists(folder):
            client.create_folder(folder)
        self._known_folders.add(folder)

    def file(self, uid: int, folder: str) -> None:
        """Move one message out of the inbox folder into ``folder``."""
        client = self._c()
        self.ensure_folder(folder)
        if client.has_capability("MOVE"):
            client.move([uid], folder)
        else:
            client.copy([uid], folder)
            client.delete_messages([uid])
            if client.has_capability("UIDPLUS"):
                client.uid_expunge([uid])
            else:
                client.expunge()
