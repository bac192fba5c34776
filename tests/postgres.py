"""A throw-away PostgreSQL cluster for the test session (and the ledger benchmark).

``initdb`` into a private temporary directory, ``postgres`` on 127.0.0.1 at a free port with
durability off (fsync, synchronous_commit, full_page_writes: a test cluster never survives a crash
anyway), one superuser ``test`` with trust authentication. Stopped with SIGINT (a fast shutdown)
and the directory removed.

Running as root: initdb and postgres refuse to run as root, so both run as the ``postgres`` user
Debian's package creates (or ``nobody``), and the private directory is owned by that user. It is
created in a temp directory that user can traverse (never pytest's 0700 ``/tmp/pytest-of-root``).

The binaries come from ``$BAOSONG_PG_BINDIR``, ``initdb`` on PATH, or the newest
``/usr/lib/postgresql/*/bin`` (Debian's ``postgresql`` package; ``tests/run.sh`` installs it).
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

NOT_INSTALLED = ("PostgreSQL is not installed: apt-get install -y postgresql "
                 "(tests/run.sh does this), or set BAOSONG_TEST_POSTGRES to a server's URL")


class PostgresNotInstalled(RuntimeError):
    pass


def find_bindir() -> Path:
    """The directory holding initdb and postgres."""
    given = os.environ.get("BAOSONG_PG_BINDIR")
    candidates = [Path(given)] if given else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in p.parent.name.split(".") if x.isdigit())

    candidates += sorted((p for p in Path("/usr/lib/postgresql").glob("*/bin")), key=version, reverse=True)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "postgres").is_file():
            return directory
    raise PostgresNotInstalled(NOT_INSTALLED)


def _service_user() -> pwd.struct_passwd | None:
    """Whom to run as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, but there is neither a 'postgres' nor a 'nobody' user to run PostgreSQL as")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _private_dir(user: pwd.struct_passwd | None) -> Path:
    for base in dict.fromkeys([tempfile.gettempdir(), "/tmp", "/var/tmp"]):
        if not Path(base).is_dir():
            continue
        st = Path(base).stat()
        if user is None or st.st_mode & 0o001:  # others may traverse it (/tmp is 1777)
            directory = Path(tempfile.mkdtemp(prefix="baosong-pg-", dir=base))
            if user is not None:
                os.chown(directory, user.pw_uid, user.pw_gid)
            return directory
    raise RuntimeError("no temporary directory the PostgreSQL user can reach")


class PostgresServer:
    """``start()``, then ``url`` (``postgresql+psycopg://test@127.0.0.1:PORT``, no database name), ``stop()``."""

    def __init__(self, *, startup_timeout: float = 30.0, settings: dict[str, str] | None = None) -> None:
        self.startup_timeout = startup_timeout
        self.settings = settings or {}
        self.port = 0
        self.root: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._user = _service_user()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://test@127.0.0.1:{self.port}"

    def _as_user(self) -> dict:
        if self._user is None:
            return {}
        return {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": [],
                "env": {**os.environ, "HOME": self._user.pw_dir}}

    def log(self) -> str:
        if self.root is None:
            return ""
        try:
            return (self.root / "postgres.log").read_text("utf-8", "replace")
        except OSError:
            return "(no log)"

    def start(self) -> PostgresServer:
        if self.process is not None:
            raise RuntimeError("PostgreSQL already started")
        bindir = find_bindir()
        self.root = _private_dir(self._user)
        data = self.root / "data"
        try:
            subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "test", "--auth=trust", "-E", "UTF8",
                            "--locale=C.UTF-8", "--no-sync"], check=True, capture_output=True, cwd=self.root,
                           **self._as_user())
        except subprocess.CalledProcessError as exc:
            self.stop()
            raise RuntimeError(f"initdb failed: {exc.stderr.decode(errors='replace')}") from None
        settings = {"listen_addresses": "127.0.0.1", "unix_socket_directories": str(self.root),
                    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                    "max_connections": "200", **self.settings}
        for _attempt in range(3):
            self.port = _free_port()
            args = [str(bindir / "postgres"), "-D", str(data), "-p", str(self.port)]
            for key, value in settings.items():
                args += ["-c", f"{key}={value}"]
            log = open(self.root / "postgres.log", "ab")  # noqa: SIM115 - the server's log, closed by the child
            try:
                self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=self.root,
                                                start_new_session=True, **self._as_user())
            finally:
                log.close()
            if self._wait_ready():
                atexit.register(self.stop)  # also when the session ends without its fixture's teardown
                return self
            self._terminate()
            if "already in use" not in self.log():
                break
        message = self.log()
        self.stop()
        raise RuntimeError(f"PostgreSQL did not start:\n{message}")

    def _wait_ready(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            if "ready to accept connections" in self.log():
                return True
            time.sleep(0.05)
        return False

    def _terminate(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # fast shutdown: disconnect clients, stop
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)

    def stop(self) -> None:
        atexit.unregister(self.stop)
        self._terminate()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
