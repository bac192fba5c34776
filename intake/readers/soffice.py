"""Convert a document to .docx with headless LibreOffice (``soffice --convert-to docx``).

Safe to call from the daemon and from several processes at once:

* one conversion at a time: a lock in this process and an exclusive ``flock`` on a lock file in
  the temporary directory across processes (LibreOffice instances get in each other's way);
* a private, throw-away profile (``-env:UserInstallation=file:///tmp/...``) for every run, so a
  user's own LibreOffice settings or a running instance never matter, and in it the macro
  security settings that forbid running any macro (``DisableMacrosExecution``), so a .doc or
  .wps carrying macros is converted, never executed;
* a timeout, after which the whole process group (oosplash and soffice.bin) is killed;
* no network, no stdin, a minimal environment with ``HOME`` in the temporary directory.

Raises :class:`ConversionFailed` for every way it can go wrong; callers fall back to the
pure-Python reader.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["ConversionFailed", "DEFAULT_TIMEOUT", "find_soffice", "convert_to_docx"]

DEFAULT_TIMEOUT = 120.0  # seconds; a 30-page .doc converts in ~3 s here, a first start ~2 s
_LOCK = threading.Lock()
_LOCK_FILE = "baosong-soffice-{uid}.lock"  # per user: another user's lock file is not ours to open

# Written into the private profile before LibreOffice starts: no macro ever runs.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class ConversionFailed(Exception):
    """LibreOffice did not produce a .docx (missing, timed out, crashed, refused the file)."""


def find_soffice(candidate: str | None = None) -> str | None:
    """The soffice executable: ``candidate`` if given (a path or a name on PATH), else soffice/libreoffice."""
    names = [candidate] if candidate else ["soffice", "libreoffice"]
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


@contextlib.contextmanager
def _one_at_a_time() -> Iterator[None]:
    with _LOCK:
        lock_path = Path(tempfile.gettempdir()) / _LOCK_FILE.format(uid=os.getuid())
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ConversionFailed(f"cannot open the conversion lock {lock_path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the flock


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.communicate(timeout=10)


def convert_to_docx(data: bytes, *, suffix: str, soffice: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The .docx LibreOffice makes of ``data`` (given the file name suffix it would have, e.g. ".doc")."""
    with _one_at_a_time(), tempfile.TemporaryDirectory(prefix="baosong-soffice-") as tmp:
        work = Path(tmp)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")
        source_dir, out_dir = work / "in", work / "out"
        source_dir.mkdir()
        out_dir.mkdir()
        source = source_dir / f"document{suffix}"
        source.write_bytes(data)
        cmd = [
            soffice, f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(source),
        ]
        env = {"HOME": str(work), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "LANG": "C.UTF-8", "TMPDIR": str(work)}
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env, cwd=work, start_new_session=True)
        except OSError as exc:
            raise ConversionFailed(f"cannot start LibreOffice: {exc.strerror or exc}") from None
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)  # oosplash and the soffice.bin it started: nothing may keep running
            raise ConversionFailed(f"LibreOffice timed out after {timeout:g} s") from None
        except BaseException:
            _kill_group(proc)
            raise
        result = out_dir / "document.docx"
        if not result.is_file() or result.stat().st_size == 0:
            tail = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            raise ConversionFailed(f"LibreOffice made no .docx ({tail[0][:200]})")
        return result.read_bytes()
