"""Zip archives as Windows and other tools write them, .rar/.7z signatures, and Outlook's
winmail.dat (TNEF) written the way Outlook writes it."""

from __future__ import annotations

import io
import zipfile

import pytest

from baosong.intake.readers.base import EncryptedDocument, UnreadableDocument
from baosong.intake.readers.container import ArchiveLimit, Limits, UnsupportedArchive, safe_name
from baosong.intake.readers.otherarchives import RarSevenZipContainer
from baosong.intake.readers.tnef import TnefContainer
from baosong.intake.readers.ziparchive import ZipContainer
from baosong.vocabulary import DocKind
from formats import article_docx, encrypted_zip_entry, windows_zip, winmail_dat

DOCX = article_docx()


def plain_zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


# ------------------------------------------------------------------ zip

def test_zip_recognised_but_not_office_packages():
    z = ZipContainer()
    assert z.kind is DocKind.ARCHIVE
    assert z.recognises(plain_zip({"a.docx": DOCX}))
    assert not z.recognises(DOCX)                             # a .docx is a zip, not an archive
    assert not z.recognises(plain_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}))
    assert not z.recognises(b"%PDF-1.4")


def test_windows_gbk_names_decode():
    data = windows_zip({"材料/滕州市商务局信息.docx": DOCX, "附件：统计表.pdf": b"%PDF-1.4\n"})
    # what zipfile alone would show: cp437 mojibake
    assert not any("滕州" in n for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
    members = ZipContainer().members(data)
    assert [m.name for m in members] == ["材料/滕州市商务局信息.docx", "附件：统计表.pdf"]
    assert members[0].data == DOCX


def test_utf8_names_with_and_without_the_flag():
    flagged = plain_zip({"报送/信息.docx": DOCX})            # zipfile sets bit 11 for non-ASCII
    assert [m.name for m in ZipContainer().members(flagged)] == ["报送/信息.docx"]
    unflagged = windows_zip({"报送/信息.docx": DOCX}, encoding="utf-8")  # Linux/macOS zip
    assert [m.name for m in ZipContainer().members(unflagged)] == ["报送/信息.docx"]


def test_paths_never_leave_and_junk_is_skipped():
    data = plain_zip({
        "../../etc/passwd.docx": DOCX, "/abs/信息.docx": DOCX, "a\\..\\b.docx": DOCX,
        "__MACOSX/._信息.docx": b"junk", "Thumbs.db": b"junk", "dir/": b"",
    })
    names = [m.name for m in ZipContainer().members(data)]
    assert names == ["etc/passwd.docx", "abs/信息.docx", "a/b.docx"]
    assert safe_name("..\\..\\x\x00y.docx") == "xy.docx"
    assert safe_name("../..") == "(无文件名)"


def test_encrypted_entries_refused():
    with pytest.raises(EncryptedDocument, match="信息.docx"):
        ZipContainer().members(encrypted_zip_entry("信息.docx", DOCX))


def test_limits():
    with pytest.raises(ArchiveLimit, match="files in the archive"):
        ZipContainer(Limits(max_entries=3)).members(plain_zip({f"{i}.docx": DOCX for i in range(4)}))
    with pytest.raises(ArchiveLimit, match="unpacked"):
        ZipContainer(Limits(max_total_bytes=50_000)).members(plain_zip({"a.docx": DOCX, "b.docx": DOCX}))
    bomb = plain_zip({"bomb.docx": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(ArchiveLimit, match="compression ratio"):
        ZipContainer().members(bomb)
    # a small, highly compressible file is fine
    assert ZipContainer().members(plain_zip({"blank.docx": b"\0" * 200_000}))[0].data == b"\0" * 200_000


def test_lying_sizes_are_caught():
    data = bytearray(plain_zip({"a.txt": b"A" * 100_000}))
    # declare 10 bytes in both headers: zipfile stops at the declared size and the CRC fails
    cd = data.rfind(b"PK\x01\x02")
    data[22:26] = (10).to_bytes(4, "little")
    data[cd + 24: cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(UnreadableDocument):
        ZipContainer().members(bytes(data))


def test_damaged_zip():
    with pytest.raises(UnreadableDocument):
        ZipContainer().members(b"PK\x03\x04" + b"\xff" * 100)


# ------------------------------------------------------------------ rar / 7z

@pytest.mark.parametrize("head,label", [
    (b"Rar!\x1a\x07\x01\x00", "RAR"), (b"Rar!\x1a\x07\x00", "RAR"), (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z"),
])
def test_rar_and_7z_recognised_and_refused(head, label):
    c = RarSevenZipContainer()
    data = head + b"\0" * 64
    assert c.recognises(data) and c.kind is DocKind.ARCHIVE
    with pytest.raises(UnsupportedArchive, match=label):
        c.members(data)
    assert not c.recognises(DOCX)


# ------------------------------------------------------------------ winmail.dat

def test_tnef_members_with_long_names():
    data = winmail_dat([("滕州市商务局信息.docx", DOCX), ("附件二 统计表.pdf", b"%PDF-1.4\n")])
    t = TnefContainer()
    assert t.recognises(data) and t.kind is DocKind.TNEF and t.unavailable() is None
    members = t.members(data)
    assert [m.name for m in members] == ["滕州市商务局信息.docx", "附件二 统计表.pdf"]
    assert members[0].data == DOCX


def test_tnef_short_names_in_the_oem_code_page():
    data = winmail_dat([("滕州市商务局信息.docx", DOCX)], long_names=False)
    assert [m.name for m in TnefContainer().members(data)] == ["滕州市商务局信息.docx"]


def test_tnef_damaged():
    t = TnefContainer()
    assert not t.recognises(DOCX)
    data = winmail_dat([("a.docx", DOCX)])
    for broken in (data[:10], data[:300], b"\x78\x9f\x3e\x22" + b"\xff" * 50):
        try:
            t.members(broken)
        except UnreadableDocument:
            pass
