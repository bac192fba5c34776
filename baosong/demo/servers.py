"""Throw-away mail servers for local demos and tests.

Both servers listen on 127.0.0.1 only and are meant to live for the length of
a demo run or a test session:

* :class:`SmtpSink` -- an in-process aiosmtpd server that accepts every
  message and keeps it in memory (and optionally writes it to ``NNNN.eml``).
* :class:`PymapServer` -- pymap's in-memory ("dict") IMAP backend started as a
  subprocess with a single user.

This module is runtime code (used by ``baosong demo``); it must not import
pytest.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

__all__ = ["PymapServer", "Received", "SmtpSink", "free_port", "imap_greeting", "pymap_command"]

LOCALHOST = "127.0.0.1"


def free_port(host: str = LOCALHOST) -> int:
    """Return a TCP port that was free on ``host`` a moment ago.

    Another process may take it before the caller binds it; callers that start
    a subprocess on this port retry when it reports "address already in use".
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------
# SMTP
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One message accepted by :class:`SmtpSink`."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # raw message bytes as received (CRLF line endings)


class _SinkHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        refusal = self._sink.refusal(address)
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        data = envelope.original_content
        if data is None:
            data = envelope.content
        if isinstance(data, str):  # only if someone turns decode_data on
            data = data.encode("utf-8", "surrogateescape")
        self._sink._store(Received(
            mail_from=envelope.mail_from or "",
            rcpt_tos=list(envelope.rcpt_tos),
            data=bytes(data),
        ))
        return "250 Message accepted for delivery"


class _FreePortController(Controller):
    """aiosmtpd Controller that can bind port 0.

    Stock ``Controller`` keeps ``self.port == 0`` after binding and then tries
    to connect to port 0 to trigger its SMTP factory, which fails.  Here the
    real port is read from the bound socket before that happens, so there is
    no window in which another process could take the port.
    """

    smtp_class: type[SMTP] = SMTP

    def _create_server(self) -> Any:
        async def bind() -> Any:
            server = await self.loop.create_server(
                self._factory_invoker,
                host=self.hostname,
                port=self.port,
                ssl=self.ssl_context,
            )
            self.port = server.sockets[0].getsockname()[1]
            return server

        return bind()

    def factory(self) -> SMTP:
        return self.smtp_class(self.handler, **self.SMTP_kwargs)


class SmtpSink:
    """An SMTP server on 127.0.0.1 that accepts and keeps every message.

    >>> with SmtpSink(outdir=Path("out")) as sink:
    ...     smtplib.SMTP(sink.host, sink.port).send_message(msg)

    * ``port=0`` (default) picks a free port; ``.host``/``.port`` tell where
      the server listens once started.
    * ``.messages`` is a snapshot (a new list on each access) of the
      :class:`Received` messages so far, in arrival order; safe to read from
      any thread.
    * ``outdir``: each message is also written there as ``0001.eml``,
      ``0002.eml``, ... (raw bytes as received).
    * 8-bit data and UTF-8 addresses are accepted (8BITMIME and SMTPUTF8 are
      advertised; data is never decoded).

    The tests' sink (``tests/smtpsink.py``) adds AUTH, refused recipients and waiting.
    """

    controller_class: type[_FreePortController] = _FreePortController
    handler_class: type[_SinkHandler] = _SinkHandler

    def __init__(self, host: str = LOCALHOST, port: int = 0, *, outdir: Path | str | None = None,
                 ready_timeout: float = 10.0) -> None:
        self.host = host
        self.port = port
        self._requested_port = port
        self.outdir = Path(outdir) if outdir is not None else None
        self._ready_timeout = ready_timeout
        self._messages: list[Received] = []
        self._written = 0  # files written to outdir
        self._cond = threading.Condition()
        self._controller: _FreePortController | None = None

    # -- lifecycle ---------------------------------------------------------

    def smtp_options(self) -> dict[str, Any]:
        """Keyword arguments for aiosmtpd's SMTP session (subclasses add AUTH)."""
        return {
            "decode_data": False,
            "enable_SMTPUTF8": True,
            # a fixed greeting name: aiosmtpd would otherwise call socket.getfqdn() (a DNS lookup)
            "server_hostname": "localhost",
        }

    def refusal(self, address: str) -> str | None:
        """The SMTP answer refusing a recipient, or None to accept it (every one, here)."""
        return None

    def start(self) -> SmtpSink:
        if self._controller is not None:
            raise RuntimeError("SmtpSink already started")
        if self.outdir is not None:
            self.outdir.mkdir(parents=True, exist_ok=True)
        controller = self.controller_class(
            self.handler_class(self),
            hostname=self.host,
            port=self._requested_port,
            ready_timeout=self._ready_timeout,
            **self.smtp_options(),
        )
        controller.start()
        self._controller = controller
        self.port = controller.port
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    @property
    def running(self) -> bool:
        return self._controller is not None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- messages ----------------------------------------------------------

    @property
    def messages(self) -> list[Received]:
        with self._cond:
            return list(self._messages)

    def _store(self, message: Received) -> None:
        with self._cond:
            self._messages.append(message)
            if self.outdir is not None:
                self._written += 1
                path = self.outdir / f"{self._written:04d}.eml"
                path.write_bytes(message.data)
            self._cond.notify_all()


# --------------------------------------------------------------------------
# IMAP (pymap)
# --------------------------------------------------------------------------


def pymap_command() -> list[str]:
    """The argv prefix that runs pymap with this interpreter.

    pymap 0.36 has no ``__main__`` module (``python -m pymap`` fails), so use
    the console script installed next to ``sys.executable``; if that is
    missing (e.g. a ``--user`` install), call its entry point via ``-c``.
    """
    script = Path(sys.executable).parent / "pymap"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-c",
            "import sys; from pymap.main import main; sys.argv[0] = 'pymap'; sys.exit(main())"]


class PymapServer:
    """pymap's in-memory IMAP server in a subprocess, one user, no TLS.

    Runs ``pymap --host 127.0.0.1 --port P --no-tls dict --demo-user U
    --demo-password PW``.  ``--no-tls`` is required: without it pymap offers
    no LOGIN/AUTHENTICATE before STARTTLS (and has no certificate).  All data
    lives in memory and is gone after :meth:`stop`.

    Verified with imapclient 4.1 against pymap 0.36.7: LOGIN, ID (answers
    ``ID NIL``, so ``id_()`` returns ``(None,)``), CREATE (also Chinese names,
    modified UTF-7), APPEND with ``msg_time`` (INTERNALDATE keeps the given
    UTC offset), MULTIAPPEND, SELECT, SEARCH, FETCH ``BODY.PEEK[]`` +
    ``INTERNALDATE``, UID MOVE, UID EXPUNGE, IDLE.
    pymap lacks, compared to Dovecot: NAMESPACE, ENABLE, UNSELECT, SORT,
    THREAD, CONDSTORE/QRESYNC, ESEARCH, SPECIAL-USE, QUOTA.  UIDs in a new
    mailbox start at 101 (Dovecot: 1) and UIDVALIDITY is random per mailbox.
    """

    def __init__(
        self,
        username: str = "demouser",
        password: str = "demopass",
        host: str = LOCALHOST,
        port: int = 0,
        *,
        startup_timeout: float = 15.0,
    ) -> None:
        self.username = username
        self.password = password
        self.host = host
        self.port = port
        self._requested_port = port
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None

    def start(self) -> PymapServer:
        if self.process is not None:
            raise RuntimeError("PymapServer already started")
        attempts = 1 if self._requested_port else 3
        for attempt in range(attempts):
            port = self._requested_port or free_port(self.host)
            try:
                self._start_on(port)
                return self
            except _PortInUse:
                if attempt == attempts - 1:
                    raise RuntimeError(f"pymap could not bind {self.host}:{port}: address in use") from None
        raise AssertionError("unreachable")

    def _start_on(self, port: int) -> None:
        argv = pymap_command() + [
            "--host", self.host, "--port", str(port), "--no-tls",
            "dict", "--demo-user", self.username, "--demo-password", self.password,
        ]
        env = dict(os.environ)
        # pymap computes its greeting from socket.getfqdn() on every
        # connection unless FQDN is set; avoid a DNS lookup per connection.
        env["FQDN"] = "localhost"
        # pymap would load a certificate named by these.
        env.pop("CERT_FILE", None)
        env.pop("KEY_FILE", None)
        stderr = tempfile.TemporaryFile(prefix="pymap-", suffix=".log")
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
            env=env, start_new_session=True,
        )
        deadline = time.monotonic() + self.startup_timeout
        while True:
            code = proc.poll()
            if code is not None:
                log = _read_all(stderr)
                stderr.close()
                if "address already in use" in log.lower():
                    raise _PortInUse()
                raise RuntimeError(
                    f"pymap exited with code {code} before accepting connections.\n"
                    f"command: {' '.join(argv)}\noutput:\n{log}")
            if imap_greeting(self.host, port) is not None:
                break
            if time.monotonic() > deadline:
                _terminate(proc, 2.0)
                log = _read_all(stderr)
                stderr.close()
                raise RuntimeError(
                    f"pymap did not greet on {self.host}:{port} within "
                    f"{self.startup_timeout:g} s.\ncommand: {' '.join(argv)}\noutput:\n{log}")
            time.sleep(0.05)
        self.process = proc
        self.port = port
        self._stderr = stderr

    def output(self) -> str:
        """What pymap printed so far (stdout and stderr)."""
        return _read_all(self._stderr) if self._stderr is not None else ""

    def stop(self, timeout: float = 5.0) -> None:
        """Terminate pymap (SIGTERM, then SIGKILL after ``timeout`` s)."""
        proc, self.process = self.process, None
        if proc is not None:
            _terminate(proc, timeout)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> PymapServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _PortInUse(Exception):
    pass


def _read_all(fileobj: Any) -> str:
    fileobj.flush()
    fileobj.seek(0)
    return fileobj.read().decode("utf-8", "replace")


def _terminate(proc: subprocess.Popen[bytes], timeout: float) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def imap_greeting(host: str, port: int, timeout: float = 2.0) -> bytes | None:
    """The ``* OK ...`` greeting line of an IMAP server on host:port, or None
    when nothing accepts connections there or it does not greet with OK."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            line = sock.makefile("rb").readline(4096)
    except OSError:
        return None
    return line if line.startswith(b"* OK") else None
