"""A tiny IMAP server on 127.0.0.1 that speaks just enough of the protocol, then misbehaves.

Real sockets and real bytes (no mocks): a poller connects, logs in, selects INBOX, searches,
asks for sizes and then fetches one message. What happens at the fetch is the test's choice:

* ``drip``: the answer is sent one byte every ``interval`` seconds — every read gets a byte in
  time, so a per-read timeout never fires and only an overall deadline ends it;
* ``drop``: half the answer, then the connection is closed.

Every command received is kept in ``commands`` so a test can check that nothing was moved,
flagged or expunged.
"""

from __future__ import annotations

import re
import socket
import threading
import time

MESSAGE = (b"From: shangwu-xx@example.org\r\nTo: tzxxk@example.com\r\nSubject: test\r\n"
           b"Message-ID: <slow@example.org>\r\n\r\n" + b"body line\r\n" * 200)


class SlowImapServer:
    def __init__(self, mode: str = "drip", interval: float = 0.5):
        self.mode, self.interval = mode, interval
        self.commands: list[str] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(5)
        self.host, self.port = self._sock.getsockname()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> SlowImapServer:
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._sock.close()
        for t in self._threads:
            t.join(timeout=5)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve(self, conn: socket.socket) -> None:
        try:
            with conn:
                conn.sendall(b"* OK [CAPABILITY IMAP4rev1 MOVE UIDPLUS] slow test server ready\r\n")
                buf = b""
                while not self._stop.is_set():
                    while b"\r\n" not in buf:
                        chunk = conn.recv(4096)
                        if not chunk:
                            return
                        buf += chunk
                    line, buf = buf.split(b"\r\n", 1)
                    if not self._answer(conn, line.decode("ascii", "replace")):
                        return
        except OSError:
            return

    def _answer(self, conn: socket.socket, line: str) -> bool:
        tag, _, rest = line.partition(" ")
        self.commands.append(rest)
        cmd = rest.upper()
        if cmd.startswith("CAPABILITY"):
            conn.sendall(b"* CAPABILITY IMAP4rev1 MOVE UIDPLUS\r\n" + f"{tag} OK done\r\n".encode())
        elif cmd.startswith("LOGIN"):
            conn.sendall(f"{tag} OK logged in\r\n".encode())
        elif cmd.startswith("SELECT"):
            conn.sendall(b"* 1 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 2] ok\r\n"
                         b"* FLAGS (\\Seen)\r\n" + f"{tag} OK [READ-WRITE] selected\r\n".encode())
        elif cmd.startswith("UID SEARCH"):
            conn.sendall(b"* SEARCH 1\r\n" + f"{tag} OK done\r\n".encode())
        elif cmd.startswith("UID FETCH") and "BODY" not in cmd:
            conn.sendall(f"* 1 FETCH (UID 1 RFC822.SIZE {len(MESSAGE)})\r\n{tag} OK done\r\n".encode())
        elif cmd.startswith("UID FETCH"):
            answer = (f'* 1 FETCH (UID 1 INTERNALDATE "09-Oct-2026 09:15:00 +0800" RFC822.SIZE {len(MESSAGE)} '
                      f"BODY[] {{{len(MESSAGE)}}}\r\n").encode() + MESSAGE + f")\r\n{tag} OK done\r\n".encode()
            if self.mode == "drop":
                conn.sendall(answer[:len(answer) // 2])
                return False
            for i in range(len(answer)):
                if self._stop.is_set():
                    return False
                conn.sendall(answer[i:i + 1])
                time.sleep(self.interval)
        elif cmd.startswith("LOGOUT"):
            conn.sendall(b"* BYE bye\r\n" + f"{tag} OK done\r\n".encode())
            return False
        elif re.match(r"(UID )?(MOVE|COPY|STORE|EXPUNGE)", cmd):
            conn.sendall(f"{tag} OK done\r\n".encode())
        else:
            conn.sendall(f"{tag} OK done\r\n".encode())
        return True
