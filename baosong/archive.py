"""The raw-message archive: every message is stored, byte for byte, before it is parsed."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo


def archive_raw(root: Path, raw: bytes, sha256: str, received_at: datetime, tz: ZoneInfo) -> Path:
    """Write ``raw`` to ``root/YYYY/MM/<sha256>.eml`` atomically and durably; idempotent."""
    local = received_at.astimezone(tz)
    folder = root / f"{local.year:04d}" / f"{local.month:02d}"
    target = folder / f"{sha256}.eml"
    if target.exists() and target.stat().st_size == len(raw):
        return target
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{sha256}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(raw)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return target
