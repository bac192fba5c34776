"""The tests' SMTP server: the demo's sink (``baosong.demo.servers.SmtpSink``) plus what only tests need.

* ``refuse``: recipient addresses answered with a permanent "550 user unknown".
* ``username``/``password``: require AUTH (PLAIN/LOGIN) with these credentials; plaintext AUTH
  is allowed without TLS (a loopback-only server where plaintext AUTH is the point).
* ``wait_for(count)``: block until that many messages arrived; ``clear()`` forgets them.
* ``temporary``: {address: n}: the first n attempts for that recipient are answered "451" (greylisting).
* ``spam``: {address: n}: the first n attempts are answered "554 DT:SPM" (NetEase/QQ anti-spam).
* ``delay``: seconds the server takes before answering the end of DATA (a slow or blocking server);
  a client that goes away meanwhile gets no acceptance, and the message is not stored.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, Session

from baosong.demo import servers
from baosong.demo.servers import LOCALHOST, Received

__all__ = ["Received", "SmtpSink"]


class _QuietSession(Session):
    """aiosmtpd 1.4.6 sets its own deprecated ``Session.login_data`` after
    every successful AUTH, which logs a deprecation warning each time."""

    @property
    def login_data(self) -> Any:
        return self._login_data

    @login_data.setter
    def login_data(self, value: Any) -> None:
        self._login_data = value


class _AuthSMTP(SMTP):
    """aiosmtpd's SMTP, quiet about plaintext AUTH.

    With ``auth_required=True, auth_require_tls=False`` aiosmtpd 1.4 emits a
    UserWarning *and* a log warning for every connection. So the session is built
    with ``auth_require_tls=True`` and the (private) flag is lowered afterwards;
    tests/test_servers.py checks AUTH works without TLS.
    """

    def __init__(self, *args: Any, auth_require_tls: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, auth_require_tls=True, **kwargs)
        self._auth_require_tls = auth_require_tls

    def _create_session(self) -> Session:
        return _QuietSession(self.loop)


class _SlowHandler(servers._SinkHandler):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        delay = getattr(self._sink, "delay", 0.0)
        if delay:
            self._sink.waiting += 1  # a message whose end of DATA the server holds unanswered
            await asyncio.sleep(delay)
            if server.transport is None or server.transport.is_closing():
                return "451 4.3.0 the client went away before the answer"  # not accepted: nothing stored
        return await super().handle_DATA(server, session, envelope)


class _Controller(servers._FreePortController):
    smtp_class = _AuthSMTP


class SmtpSink(servers.SmtpSink):
    controller_class = _Controller
    handler_class = _SlowHandler

    def __init__(self, host: str = LOCALHOST, port: int = 0, *, outdir: Path | str | None = None,
                 username: str | None = None, password: str | None = None, ready_timeout: float = 10.0,
                 refuse: set[str] | frozenset[str] = frozenset(), temporary: dict[str, int] | None = None,
                 spam: dict[str, int] | None = None, delay: float = 0.0) -> None:
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        super().__init__(host, port, outdir=outdir, ready_timeout=ready_timeout)
        self.username = username
        self.password = password
        self.refuse = {a.lower() for a in refuse}
        self.temporary = {a.lower(): n for a, n in (temporary or {}).items()}
        self.spam = {a.lower(): n for a, n in (spam or {}).items()}
        self.delay = delay
        self.waiting = 0  # messages whose DATA the server began holding (with ``delay``)
        self.refusals: list[tuple[str, str]] = []  # (address, answer) in order

    def smtp_options(self) -> dict[str, Any]:
        options = super().smtp_options()
        if self.username is not None:
            options.update(auth_required=True, auth_require_tls=False, authenticator=self._authenticate)
        return options

    def refusal(self, address: str) -> str | None:
        a = address.lower()
        answer = None
        if a in self.refuse:
            answer = "550 5.1.1 Recipient address rejected: User unknown"
        elif self.temporary.get(a, 0) > 0:
            self.temporary[a] -= 1
            answer = "451 4.7.1 Greylisted, please try again later"
        elif self.spam.get(a, 0) > 0:
            self.spam[a] -= 1
            answer = "554 DT:SPM 163 smtp14,EsCowAD3 please see http://mail.163.com/help/help_spam_16.htm?ip="
        if answer:
            self.refusals.append((a, answer))
        return answer

    def copies(self) -> Counter[str]:
        """How many copies each recipient has received so far (by RCPT TO)."""
        return Counter(a for m in self.messages for a in m.rcpt_tos)

    def clear(self) -> None:
        """Forget the messages received so far (files in outdir stay)."""
        with self._cond:
            self._messages.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until at least ``count`` messages arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"SmtpSink on {self.host}:{self.port} received "
                        f"{len(self._messages)} message(s) within {timeout:g} s, "
                        f"expected at least {count}"
                        + ("" if self.running else " (the sink is not running)")
                    )
                self._cond.wait(remaining)
            return list(self._messages)

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self.username is not None and self.password is not None:
            ok = (auth_data.login == self.username.encode("utf-8")
                  and auth_data.password == self.password.encode("utf-8"))
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)
