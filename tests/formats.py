"""Real files in the formats units send, made here: .doc/.pdf by LibreOffice from python-docx
documents, .wps as WPS Office writes it, zips as Windows writes them, winmail.dat as Outlook
writes it (a small TNEF writer).

Nothing here is fetched from elsewhere; every byte is produced by python-docx, LibreOffice,
``zipfile`` or the writers below.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Inches, Pt

from baosong.demo.samples import png_bytes

TITLE = "滕州市商务局“三个聚焦”推动外贸稳中提质"
UNIT_LINE = "（滕州市商务局 赵文静）"
BODY = ("今年以来，滕州市商务局聚焦重点企业、重点市场，1-3月全市进出口总额35.6亿元，同比增长12.5%。"
        "The office counts English words too.")


def article_docx(title: str = TITLE, *, body: str = BODY, header: str | None = None,
                 table: bool = True, footnote_free: bool = True) -> bytes:
    """A typical submission: a centred title, the unit line, body paragraphs, a sign-off table."""
    d = docx.Document()
    p = d.add_paragraph()
    run = p.add_run(title)
    run.font.size = Pt(22)
    run.bold = True
    p.alignment = 1
    d.add_paragraph(UNIT_LINE)
    for _ in range(3):
        d.add_paragraph(body)
    if table:
        t = d.add_table(rows=2, cols=3)
        for i, text in enumerate(("单位", "作者", "电话")):
            t.cell(0, i).text = text
        for i, text in enumerate(("滕州市商务局", "赵文静", "0632-5512345")):
            t.cell(1, i).text = text
    if header:
        d.sections[0].header.paragraphs[0].text = header
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def photo_docx(pictures: int = 2) -> bytes:
    """A "paper page" pasted as photos: pictures and no text at all."""
    d = docx.Document()
    for _ in range(pictures):
        d.add_picture(io.BytesIO(png_bytes(320, 480)), width=Inches(5))
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def empty_docx() -> bytes:
    buf = io.BytesIO()
    docx.Document().save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ LibreOffice

def docm(data: bytes) -> bytes:
    """The .docx as Word saves it "启用宏": the macro-enabled main content type and a vbaProject.bin part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "[Content_Types].xml":
                body = body.replace(
                    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml")
                body = body.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                                 b'"application/vnd.ms-office.vbaProject"/></Types>')
            dst.writestr(item, body)
        dst.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return out.getvalue()


def soffice_or_skip() -> str:
    """The soffice binary; skip when it is missing, except in CI, where its absence is a failure."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path:
        return path
    reason = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must install it: tests/run.sh does)", pytrace=False)
    pytest.skip(reason)


def libreoffice_convert(files: dict[str, bytes], target: str) -> dict[str, bytes]:
    """Convert each ``name.docx`` with LibreOffice to ``target`` ("doc", "pdf"); {stem: bytes}."""
    soffice = soffice_or_skip()
    with tempfile.TemporaryDirectory(prefix="baosong-test-lo-") as tmp:
        work = Path(tmp)
        sources = []
        for name, data in files.items():
            path = work / name
            path.write_bytes(data)
            sources.append(str(path))
        out = work / "out"
        out.mkdir()
        subprocess.run(
            [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
             "--norestore", "--convert-to", target, "--outdir", str(out), *sources],
            check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": tmp},
        )
        return {p.stem: p.read_bytes() for p in out.iterdir()}


def as_wps(doc: bytes) -> bytes:
    """A .doc made WPS Office's way: WPS 文字 writes Word 97 binary files whose FIB carries the
    creator mark "KS" (wMagicCreated/wMagicRevised, offsets 0x22 and 0x24 of WordDocument), as
    seen in real .wps and .doc files saved by WPS Office 11."""
    import olefile

    with tempfile.NamedTemporaryFile(suffix=".doc") as f:
        f.write(doc)
        f.flush()
        with olefile.OleFileIO(f.name, write_mode=True) as ole:
            wd = bytearray(ole.openstream("WordDocument").read())
            wd[0x22:0x26] = b"KSKS"
            ole.write_stream("WordDocument", bytes(wd))
        return Path(f.name).read_bytes()


def set_word_flag(doc: bytes, mask: int) -> bytes:
    """Set FIB flag bits (e.g. fEncrypted 0x0100) in a .doc, as a password-protected file has them."""
    import olefile

    with tempfile.NamedTemporaryFile(suffix=".doc") as f:
        f.write(doc)
        f.flush()
        with olefile.OleFileIO(f.name, write_mode=True) as ole:
            wd = bytearray(ole.openstream("WordDocument").read())
            flags = struct.unpack_from("<H", wd, 0x0A)[0] | mask
            struct.pack_into("<H", wd, 0x0A, flags)
            ole.write_stream("WordDocument", bytes(wd))
        return Path(f.name).read_bytes()


# ------------------------------------------------------------------ zip

def windows_zip(entries: dict[str, bytes], *, encoding: str = "gbk", compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip as Windows' "发送到 → 压缩(zipped)文件夹" writes it on Chinese Windows: names in GBK, no
    UTF-8 flag (bit 11). ``zipfile`` always writes non-ASCII names as UTF-8 with the flag, so the
    names are written as UTF-8 and then patched to GBK bytes in both headers."""
    buf = io.BytesIO()
    placeholders: dict[bytes, bytes] = {}
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for i, (name, data) in enumerate(entries.items()):
            native = name.encode(encoding)
            ascii_name = f"n{i:03d}".encode() + b"_" * (len(native) - 4) if len(native) >= 4 else native
            placeholders[ascii_name] = native
            zf.writestr(zipfile.ZipInfo(ascii_name.decode("ascii"), (2026, 11, 3, 9, 0, 0)), data, compression)
    raw = buf.getvalue()
    for placeholder, native in placeholders.items():
        assert raw.count(placeholder) == 2, "placeholder must be unique"
        raw = raw.replace(placeholder, native)
    return raw


def encrypted_zip_entry(name: str, data: bytes) -> bytes:
    """A zip whose one entry has the "encrypted" flag (bit 0) set, as ZipCrypto archives do."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(name, data)
    raw = bytearray(buf.getvalue())
    # local header: flags at offset 6; central directory header: flags at offset 8
    assert raw[:4] == b"PK\x03\x04"
    raw[6] |= 0x01
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 8] |= 0x01
    return bytes(raw)


# ------------------------------------------------------------------ TNEF

_LVL_MESSAGE, _LVL_ATTACHMENT = 1, 2
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005
PT_UNICODE, PT_STRING8 = 0x001F, 0x001E
PR_ATTACH_LONG_FILENAME = 0x3707


def _tnef_attr(level: int, attr: int, data: bytes) -> bytes:
    return struct.pack("<BII", level, attr, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def _mapi_string(prop_id: int, prop_type: int, value: bytes) -> bytes:
    padded = value + b"\x00" * (-len(value) % 4)
    return struct.pack("<HHII", prop_type, prop_id, 1, len(value)) + padded


def winmail_dat(attachments: list[tuple[str, bytes]], *, codepage: int = 936,
                long_names: bool = True) -> bytes:
    """A winmail.dat as Outlook writes it for a Rich Text mail with attachments ([MS-OXTNEF]):
    the short name (attAttachTitle) in the OEM code page, the long name as a Unicode MAPI
    property (PR_ATTACH_LONG_FILENAME) in attAttachment."""
    out = [struct.pack("<IH", 0x223E9F78, 0x1234)]
    out.append(_tnef_attr(_LVL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000)))
    out.append(_tnef_attr(_LVL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", codepage, 0)))
    out.append(_tnef_attr(_LVL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\x00"))
    for name, data in attachments:
        out.append(_tnef_attr(_LVL_ATTACHMENT, ATT_ATTACH_REND_DATA,
                              struct.pack("<HiIIH", 1, -1, 0, 0, 0)))
        short = name.encode(f"cp{codepage}", errors="replace") + b"\x00"
        out.append(_tnef_attr(_LVL_ATTACHMENT, ATT_ATTACH_TITLE, short))
        out.append(_tnef_attr(_LVL_ATTACHMENT, ATT_ATTACH_DATA, data))
        if long_names:
            props = struct.pack("<I", 1) + _mapi_string(
                PR_ATTACH_LONG_FILENAME, PT_UNICODE, (name + "\x00").encode("utf-16-le"))
            out.append(_tnef_attr(_LVL_ATTACHMENT, ATT_ATTACHMENT, props))
    return b"".join(out)
