"""Shared pytest fixtures: real mail servers on 127.0.0.1 (no protocol mocks)."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator

import pytest

from baosong.devservers import SmtpSink
from dovecot import DovecotNotInstalled, DovecotServer, ImapAccount

_account_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """One Dovecot for the whole session: ``.host``, ``.port``, ``add_user()``."""
    server = DovecotServer()
    missing = None
    try:
        server.start()
    except DovecotNotInstalled as exc:  # fail (never skip): CI must install it
        missing = str(exc)
    if missing:
        pytest.fail(missing, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> Iterator[ImapAccount]:
    """A fresh, empty Dovecot user; ``.client()`` gives logged-in IMAPClients."""
    username = f"user{next(_account_numbers)}-{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(12)
    dovecot.add_user(username, password)
    account = ImapAccount(dovecot.host, dovecot.port, username, password)
    try:
        yield account
    finally:
        account.close_clients()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A running SmtpSink on 127.0.0.1 (free port), stopped after the test."""
    with SmtpSink() as sink:
        yield sink
