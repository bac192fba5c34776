"""Checks of settings.yaml that need the machine, not only the file: is the database URL a URL whose
driver is installed, can the data directory be a directory here. Every failure is a :class:`Problem`
an admin can act on (file, line, key, Chinese and English) — never a traceback later.

Also :func:`mask_secrets`: no password ever reaches the screen or a log.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
from pathlib import Path

from baosong.messages import say

# a password inside a URL: scheme://user:PASSWORD@host
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)(?P<secret>[^@\s]+)(?=@)")
# password=..., passwd: ..., secret=... in free text (connection strings, exception messages)
_KEYWORD_PASSWORD = re.compile(r"(?P<head>\b(password|passwd|pwd|secret|授权码)\s*[=:：]\s*['\"]?)(?P<secret>[^\s'\",;]+)",
                               re.I)
MASK = "***"

_URL = re.compile(r"^(?P<dialect>[A-Za-z][A-Za-z0-9]*)(\+(?P<driver>[A-Za-z0-9_]+))?://")
# dialect -> (default driver module, {driver name: module}); only what baosong runs on
_DRIVERS: dict[str, tuple[str, dict[str, str]]] = {
    "sqlite": ("sqlite3", {"pysqlite": "sqlite3"}),
    "postgresql": ("psycopg2", {"psycopg": "psycopg", "psycopg2": "psycopg2", "pg8000": "pg8000",
                                "psycopg2cffi": "psycopg2cffi"}),
}
_SYSTEM_TREES = (Path("/proc"), Path("/sys"), Path("/dev"))


def mask_secrets(text: str) -> str:
    """``text`` with every password in a URL or a ``password=`` pair replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return _KEYWORD_PASSWORD.sub(lambda m: m.group("head") + MASK, text)


class MaskingFilter(logging.Filter):
    """A logging filter that masks secrets in every record (the daemon's logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:   # a traceback's text too (handlers reuse exc_text)
            record.exc_text = mask_secrets(logging.Formatter().formatException(record.exc_info))
        return True


def database_problem(url: str) -> str | None:
    """Why ``url`` cannot be the ledger's database here (None: it can)."""
    m = _URL.match(url.strip())
    if m is None:
        return say("config.not_database_url", url=mask_secrets(url))
    dialect, driver = m.group("dialect").lower(), (m.group("driver") or "").lower()
    if dialect in ("postgres",):
        return say("config.postgres_scheme")
    if dialect not in _DRIVERS:
        return say("config.unsupported_database", dialect=dialect, quoted=repr(dialect))
    default, known = _DRIVERS[dialect]
    module = known.get(driver) if driver else default
    if module is None:
        return say("config.unknown_driver", dialect=dialect, driver=driver)
    if importlib.util.find_spec(module) is None:
        if dialect == "postgresql":
            return say("config.postgres_driver_missing", module=module, quoted=repr(module))
        return say("config.driver_missing", module=module, quoted=repr(module))
    if dialect == "sqlite":
        rest = url.split("://", 1)[1]
        path = rest[1:].split("?", 1)[0] if rest.startswith("/") else ""
        if path and path != ":memory:":
            problem = directory_problem(Path(path).parent)
            if problem:
                return say("config.sqlite_folder_unusable", problem=problem)
    return None


def directory_problem(path: Path) -> str | None:
    """Why ``path`` cannot be (or become) a directory baosong writes into (None: it can)."""
    try:
        resolved = path.expanduser().resolve()
    except (OSError, RuntimeError) as exc:
        return say("config.path_unresolvable", error=exc)
    for tree in _SYSTEM_TREES:
        if resolved == tree or tree in resolved.parents:
            return say("config.inside_system_tree", path=resolved, tree=tree)
    probe = resolved
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        if probe == resolved:
            return say("config.file_not_folder", path=resolved)
        return say("config.file_in_path", path=probe)
    if probe.is_dir() and not os.access(probe, os.W_OK | os.X_OK):
        return say("config.folder_not_writable", path=probe)
    return None


def install_log_masking() -> None:
    """Mask secrets in every log record that reaches a root handler (or Python's last-resort one)."""
    masking = MaskingFilter()
    handlers = [*logging.getLogger().handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(masking)
