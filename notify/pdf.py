"""A PDF of a .docx by LibreOffice (``soffice --headless --convert-to pdf``), when it is installed.

Each conversion runs with a private LibreOffice profile in a temporary directory (a profile shared with
a running desktop LibreOffice would hand the job to that process, or lock), and a timeout.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from baosong.messages import say


class PdfError(Exception):
    pass


def soffice_path(command: str = "soffice") -> str | None:
    return shutil.which(command)


def docx_to_pdf(data: bytes, *, soffice: str = "soffice", timeout: float = 120, name: str = "notice") -> bytes | None:
    """The PDF's bytes; None when LibreOffice is not installed. PdfError when the conversion fails."""
    program = soffice_path(soffice)
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="baosong-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / f"{name}.docx"
        source.write_bytes(data)
        profile = (folder / "profile").as_uri()
        try:
            done = subprocess.run(
                [program, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
                 "--convert-to", "pdf", "--outdir", str(folder / "out"), str(source)],
                capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PdfError(say("notify.pdf_timeout", seconds=timeout)) from None
        target = folder / "out" / f"{name}.pdf"
        if done.returncode != 0 or not target.is_file():
            message = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
            raise PdfError(say("notify.pdf_failed", code=done.returncode, output=message))
        return target.read_bytes()
