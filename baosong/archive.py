"""The raw-message archive: every message is stored, byte for byte, before it is parsed."""

from __future__ import annotations

import functools
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo


def archive_path(root: Path, sha256: str, received_at: datetime, tz: ZoneInfo) -> Path:
    local = received_at.astimezone(tz)
    return root / f"{local.year:04d}" / f"{local.month:02d}" / f"{sha256}.eml"


def _write(root: Path, raw: bytes, sha256: str, received_at: datetime, tz: ZoneInfo, durable: bool) -> Path:
    target = archive_path(root, sha256, received_at, tz)
    if target.exists() and target.stat().st_size == len(raw):
        return target
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{sha256}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(raw)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target


def archive_raw(root: Path, raw: bytes, sha256: str, received_at: datetime, tz: ZoneInfo) -> Path:
    """Write ``raw`` to ``root/YYYY/MM/<sha256>.eml`` atomically and durably; idempotent."""
    return _write(root, raw, sha256, received_at, tz, durable=True)


def _fsync(path: Path, flags: int = os.O_RDONLY) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ArchiveBatch:
    """Archive a batch of messages and make them durable together, before the batch's ledger commit.

    Each message is written (complete, renamed into place) before it is parsed; :meth:`sync` then
    flushes the batch's files and folders in one go instead of one fsync per message. A crash before
    :meth:`sync` leaves at worst a file shorter than the message, which the next write replaces (its
    message is still in the inbox: nothing was recorded or moved).
    """

    def __init__(self, root: Path, tz: ZoneInfo):
        self.root, self.tz = root, tz
        self._files: list[Path] = []
        self._written: dict[tuple[str, datetime], Path] = {}   # written by this batch: not checked again

    def write(self, raw: bytes, sha256: str, received_at: datetime) -> Path:
        path = self._written.get((sha256, received_at))
        if path is not None:
            return path
        path = _write(self.root, raw, sha256, received_at, self.tz, durable=False)
        self._files.append(path)
        self._written[(sha256, received_at)] = path
        return path

    def sync(self) -> None:
        files, self._files = self._files, []
        if not files:
            return
        folders = list(dict.fromkeys(p.parent for p in files))
        if _syncfs(folders[0]):   # Linux: the whole file system in one call (the batch's files and folders)
            return
        for path in dict.fromkeys(files):
            _fsync(path)
        for folder in folders:
            _fsync(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def _syncfs(folder: Path) -> bool:
    """syncfs(2) on the file system holding ``folder``; False where it is not available."""
    libc = _libc()
    if libc is None:
        return False
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        return libc.syncfs(fd) == 0
    finally:
        os.close(fd)


@functools.cache
def _libc():  # -> ctypes.CDLL | None
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.syncfs.argtypes = [ctypes.c_int]
        return libc
    except (OSError, AttributeError):
        return None
