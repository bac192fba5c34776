"""The .zip archives units pack several documents into, opened in memory under limits.

* Nothing is extracted to disk; member names are only labels (``safe_name``), so no path in the
  archive can leave a directory.
* Limits (``Limits``): entry count, total uncompressed size, size of one member and compression
  ratio, checked on the declared sizes first and enforced again while reading (a member can never
  yield more than its declared size: ``zipfile`` stops there and checks the CRC).
* An encrypted member makes the whole archive :class:`EncryptedDocument` (the sender is asked
  for an unprotected copy).
* Names: Windows' built-in zip and WinRAR/360压缩 write Chinese names in GBK without the UTF-8
  flag (bit 11); ``zipfile`` would show them as cp437 mojibake. Unflagged names are decoded as
  UTF-8 when that gives Chinese (or ASCII) text (Linux and macOS zip), else as GB18030. An Info-ZIP Unicode
  Path extra field (0x7075), when present and consistent, wins.
* Office packages (.docx, .xlsx, .odt ...) are zip files too but not archives: a zip holding
  ``[Content_Types].xml`` or ``mimetype`` at its root is left to the document readers.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from baosong.vocabulary import DocKind

from .base import EncryptedDocument, UnreadableDocument
from .container import ArchiveLimit, Limits, Member, safe_name

__all__ = ["ZipContainer", "is_zip", "member_name"]

_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive's end record
_PACKAGE_MARKERS = ("[Content_Types].xml", "mimetype")
_JUNK_PREFIXES = ("__MACOSX/",)
_JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
_SMALL = 1024 * 1024  # below this a high compression ratio is harmless (a page of blank table cells)
_UNICODE_PATH = 0x7075


def is_zip(data: bytes) -> bool:
    return data[:4] in _SIGNATURES


def _unicode_path(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    extra = info.extra
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4: pos + 4 + size]
        pos += 4 + size
        if tag == _UNICODE_PATH and len(body) >= 5 and body[0] == 1:
            if struct.unpack_from("<I", body, 1)[0] == zlib.crc32(raw):
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it (UTF-8 flag, Unicode Path field, UTF-8, else GB18030)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")  # how zipfile decoded the raw bytes: reversible
    except UnicodeEncodeError:
        return info.filename
    unicode = _unicode_path(info, raw)
    if unicode:
        return unicode
    decoded = []
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded.append(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    # Short GBK names can be valid UTF-8 too ("一.docx" is b"\xd2\xbb.docx", UTF-8 for "һ.docx"):
    # take the first decoding whose non-ASCII characters are all Chinese text.
    for name in decoded:
        if all(ch < "\x80" or _is_cjk(ch) for ch in name):
            return name
    return decoded[0] if decoded else info.filename


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x2000 <= code <= 0x206F or 0x20000 <= code <= 0x3FFFF or code in (0xB7, 0xD7))


def _is_junk(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.startswith(_JUNK_PREFIXES) or base in _JUNK_NAMES or base.startswith("._")


class ZipContainer:
    """A .zip of documents."""

    name = "zip"
    kind = DocKind.ARCHIVE

    def __init__(self, limits: Limits = Limits()) -> None:
        self.limits = limits

    def recognises(self, data: bytes) -> bool:
        if not is_zip(data):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except Exception:  # a damaged zip: an Office package's reader explains it, else members() does
            return b"[Content_Types].xml" not in data and b"mimetype" not in data[:100]
        return not any(marker in names for marker in _PACKAGE_MARKERS)

    def unavailable(self) -> str | None:
        return None

    def members(self, data: bytes) -> tuple[Member, ...]:
        limits = self.limits
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            raise UnreadableDocument("damaged zip archive") from None
        with zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            named = [(i, safe_name(member_name(i))) for i in infos]
            named = [(i, n) for i, n in named if not _is_junk(n)]
            if len(named) > limits.max_entries:
                raise ArchiveLimit(f"{len(named)} files in the archive (at most {limits.max_entries})")
            encrypted = [n for i, n in named if i.flag_bits & 0x1]
            if encrypted:
                raise EncryptedDocument("password-protected zip entries: " + "、".join(encrypted[:5]))
            total = sum(i.file_size for i, _ in named)
            if total > limits.max_total_bytes:
                raise ArchiveLimit(f"{total / 1048576:.1f} MB unpacked (at most {limits.max_total_bytes / 1048576:.0f} MB)")
            out: list[Member] = []
            read_total = 0
            for info, name in named:
                if info.file_size > limits.max_member_bytes:
                    raise ArchiveLimit(f"{name}: {info.file_size / 1048576:.1f} MB unpacked")
                if info.file_size > _SMALL and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                    raise ArchiveLimit(f"{name}: compression ratio above {limits.max_ratio}")
                try:
                    with zf.open(info) as stream:
                        body = stream.read(limits.max_member_bytes + 1)
                except RuntimeError:  # zipfile: encrypted (flag cleared but data encrypted)
                    raise EncryptedDocument(f"password-protected zip entry: {name}") from None
                except NotImplementedError:
                    raise UnreadableDocument(f"{name}: unsupported zip compression") from None
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
                    raise UnreadableDocument(f"{name}: damaged zip entry") from None
                if len(body) > limits.max_member_bytes:
                    raise ArchiveLimit(f"{name}: larger than declared")
                read_total += len(body)
                if read_total > limits.max_total_bytes:
                    raise ArchiveLimit("archive larger than declared")
                out.append(Member(name, body))
            return tuple(out)
