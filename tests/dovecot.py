"""A throw-away Dovecot IMAP server for the test session.

Layout of the private directory (``/tmp/baosong-dovecot-XXXXXX`` or another
temp dir the service user can reach)::

    dovecot.conf       generated config (standalone, /etc/dovecot is not read)
    passwd.d/<user>    one passwd-file per user ("user:{PLAIN}pw:uid:gid::home")
    mail/<user>/       home, Maildir under it
    run/ state/        base_dir and state_dir
    dovecot.log        everything Dovecot logs
    stderr.log         the master's stdout/stderr

Running as root: Dovecot's imap-login refuses to run as root, so the master
and every service run as one unprivileged user (``nobody`` when started as
root, otherwise the current user): ``default_login_user``,
``default_internal_user`` and ``mail_uid`` all name that user, every
``chroot`` is empty, and the private directory is owned by it.  The directory
is created under a parent that user can traverse, never under pytest's 0700
``/tmp/pytest-of-root``, so no permissions of shared directories are changed.

Why one passwd-file per user: Dovecot re-reads a changed passwd-file, but it
stat()s a given file at most once per second (``passwd_file_sync`` skips the
check when ``last_sync_time == ioloop_time``).  A user appended right after
another login in the same second is then unknown until the next second.  With
``passwd.d/%u`` each new user is a file Dovecot has never seen, so it is read
on the very first lookup: :meth:`DovecotServer.add_user` takes effect at once,
without a restart or a sleep.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import IMAPClient

from baosong.demo.servers import free_port, imap_greeting

NOT_INSTALLED = ("Dovecot is not installed: apt-get install -y dovecot-imapd "
                 "(tests/run.sh does this)")

_USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+@-]{0,63}$")


class DovecotNotInstalled(RuntimeError):
    pass


def find_dovecot() -> str:
    path = os.environ.get("PATH", os.defpath) + os.pathsep + "/usr/sbin:/sbin"
    binary = shutil.which("dovecot", path=path)
    if binary is None:
        raise DovecotNotInstalled(NOT_INSTALLED)
    return binary


@dataclass(frozen=True)
class _RunAs:
    uid: int
    gid: int
    user: str
    group: str
    switch: bool  # True: we are root and the master must drop to uid/gid


def _run_identity() -> _RunAs:
    if os.geteuid() != 0:
        uid, gid = os.geteuid(), os.getegid()
        return _RunAs(uid, gid, pwd.getpwuid(uid).pw_name, grp.getgrgid(gid).gr_name, False)
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        raise RuntimeError("running as root, but there is no 'nobody' user to run Dovecot as") from None
    return _RunAs(entry.pw_uid, entry.pw_gid, entry.pw_name,
                  grp.getgrgid(entry.pw_gid).gr_name, True)


def _can_traverse(path: Path, who: _RunAs) -> bool:
    """True if ``who`` may search (x) every directory from / down to path."""
    groups = {who.gid} | {g.gr_gid for g in grp.getgrall() if who.user in g.gr_mem}
    for directory in [path, *path.parents]:
        try:
            st = directory.stat()
        except OSError:
            return False
        if st.st_uid == who.uid:
            ok = st.st_mode & 0o100
        elif st.st_gid in groups:
            ok = st.st_mode & 0o010
        else:
            ok = st.st_mode & 0o001
        if not ok:
            return False
    return True


def _signal_group(pgid: int, sig: int) -> bool:
    """Send sig to a process group; False when the group no longer exists."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    return True


def _group_alive(pgid: int) -> bool:
    """True while a process of the group is running (zombies do not count:
    orphans are reaped by whatever runs as PID 1, which may be slow or never)."""
    if not _signal_group(pgid, 0):
        return False
    try:
        entries = os.listdir("/proc")
    except OSError:
        return True
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ..."; comm may contain spaces or ')'.
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != b"Z":
            return True
    return False


def _make_private_dir(who: _RunAs) -> Path:
    candidates = [tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"]
    for base in dict.fromkeys(candidates):
        base_path = Path(base)
        if base_path.is_dir() and _can_traverse(base_path, who):
            return Path(tempfile.mkdtemp(prefix="baosong-dovecot-", dir=base_path))
    raise RuntimeError(
        f"no temp directory that user {who.user!r} can reach among {candidates}; "
        "Dovecot's services need to reach their maildirs")


class DovecotServer:
    """Dovecot 2.3 on 127.0.0.1, plaintext LOGIN, passwd-file users, Maildir."""

    def __init__(self, host: str = "127.0.0.1", *, startup_timeout: float = 10.0,
                 keep_dir: bool = False) -> None:
        self.host = host
        self.port = 0
        self.startup_timeout = startup_timeout
        self.keep_dir = keep_dir
        self.root: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._who = _run_identity()
        self._users: set[str] = set()
        self._lock = threading.Lock()

    # -- paths ---------------------------------------------------------------

    @property
    def log_path(self) -> Path:
        assert self.root is not None
        return self.root / "dovecot.log"

    def log(self) -> str:
        """Dovecot's log plus the master's stderr (for failure messages)."""
        if self.root is None:
            return ""
        parts = []
        for name in ("dovecot.log", "stderr.log"):
            try:
                text = (self.root / name).read_text("utf-8", "replace")
            except OSError:
                continue
            if text.strip():
                parts.append(f"--- {name} ---\n{text}")
        return "\n".join(parts) or "(Dovecot logged nothing)"

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> DovecotServer:
        if self.process is not None:
            raise RuntimeError("Dovecot already started")
        binary = find_dovecot()
        self.root = _make_private_dir(self._who)
        try:
            for sub in ("passwd.d", "mail", "run", "state"):
                (self.root / sub).mkdir()
            for _attempt in range(3):
                self.port = free_port(self.host)
                self._write_config()
                self._chown_tree()
                if self._start_master(binary):
                    return self
            raise RuntimeError(
                f"Dovecot could not bind a free port on {self.host} after 3 tries\n{self.log()}")
        except BaseException:
            self.stop()
            raise

    def _chown_tree(self) -> None:
        if not self._who.switch:
            return
        assert self.root is not None
        for dirpath, dirnames, filenames in os.walk(self.root):
            for name in [dirpath, *(os.path.join(dirpath, n) for n in dirnames + filenames)]:
                os.lchown(name, self._who.uid, self._who.gid)

    def _write_config(self) -> None:
        assert self.root is not None
        r, who = self.root, self._who
        config = f"""\
# Generated by tests/dovecot.py for one test session; do not edit.
protocols = imap
listen = {self.host}
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
info_log_path = {r}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %u
auth_verbose = yes
# Failed logins answer at once instead of after 2 s (tests of bad passwords).
auth_failure_delay = 0
# Every process runs as {who.user}: imap-login refuses root.
default_login_user = {who.user}
default_internal_user = {who.user}
default_internal_group = {who.group}
mail_uid = {who.uid}
mail_gid = {who.gid}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{r}/mail/%u/Maildir
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/passwd.d/%u
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {r}/passwd.d/%u
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service submission-login {{
  chroot =
  inet_listener submission {{
    port = 0
  }}
}}
service imap-urlauth-login {{
  chroot =
}}
service anvil {{
  chroot =
}}
service ipc {{
  chroot =
}}
service old-stats {{
  chroot =
}}
service aggregator {{
  chroot =
}}
service director {{
  chroot =
}}
"""
        (r / "dovecot.conf").write_text(config, encoding="utf-8")

    def _start_master(self, binary: str) -> bool:
        """Start the master; True once it greets, False if the port was taken."""
        assert self.root is not None
        for name in ("dovecot.log", "stderr.log"):
            (self.root / name).unlink(missing_ok=True)
        who = self._who
        with open(self.root / "stderr.log", "wb") as out:
            kwargs: dict = {}
            if who.switch:
                kwargs = {"user": who.uid, "group": who.gid, "extra_groups": []}
            self.process = subprocess.Popen(
                [binary, "-F", "-c", str(self.root / "dovecot.conf")],
                stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                cwd=self.root, start_new_session=True, **kwargs)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            code = self.process.poll()
            if code is not None:
                self.process = None
                log = self.log()
                if "address already in use" in log.lower():
                    return False
                raise RuntimeError(
                    f"Dovecot exited with code {code} before accepting connections:\n{log}")
            if imap_greeting(self.host, self.port, timeout=1.0) is not None:
                return True
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"Dovecot did not greet on {self.host}:{self.port} within "
                    f"{self.startup_timeout:g} s:\n{self.log()}")
            time.sleep(0.02)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the master and its services; SIGKILL what is left after timeout.

        The master was started in a session of its own, so its process group
        holds exactly this instance's processes.  SIGTERM to the master alone
        takes ~2 s (the master lingers ~1 s, its children another ~1 s);
        SIGTERM to the whole group ends everything within milliseconds.
        """
        proc, self.process = self.process, None
        if proc is not None:
            pgid = proc.pid
            _signal_group(pgid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
            while _group_alive(pgid) and time.monotonic() < deadline:
                time.sleep(0.01)
            if _group_alive(pgid):
                _signal_group(pgid, signal.SIGKILL)
            proc.wait()
        if self.root is not None and not self.keep_dir:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- users ---------------------------------------------------------------

    def add_user(self, name: str, password: str) -> None:
        """Create an IMAP user; it can log in immediately (no restart)."""
        if not _USERNAME_RE.match(name):
            raise ValueError(f"unsupported user name for the test Dovecot: {name!r}")
        if not password or any(c in password for c in ":\r\n\0"):
            raise ValueError("password must be non-empty without ':', CR, LF or NUL")
        if self.root is None:
            raise RuntimeError("Dovecot is not running")
        with self._lock:
            if name in self._users:
                raise ValueError(f"user {name!r} already exists")
            who, d = self._who, self.root / "passwd.d"
            line = f"{name}:{{PLAIN}}{password}:{who.uid}:{who.gid}::{self.root}/mail/{name}\n"
            tmp = d / f".{name}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(line)
            if who.switch:
                os.chown(tmp, who.uid, who.gid)
            os.replace(tmp, d / name)  # Dovecot never sees a half-written file
            self._users.add(name)


@dataclass
class ImapAccount:
    """Where and how to log in; ``client()`` opens logged-in connections."""

    host: str
    port: int
    username: str
    password: str
    _clients: list[IMAPClient] = field(default_factory=list, repr=False)

    def client(self, timeout: float = 10.0) -> IMAPClient:
        """A new IMAPClient, logged in, with TCP_NODELAY (closed by the fixture)."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=timeout)
        # Without TCP_NODELAY every APPEND waits ~40 ms for a delayed ACK.
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._clients.append(client)
        client.login(self.username, self.password)
        return client

    def close_clients(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            try:
                client.logout()
            except Exception:
                try:
                    client.shutdown()
                except Exception:
                    pass
