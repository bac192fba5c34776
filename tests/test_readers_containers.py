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


# ------------------------------------------------------------------ unpacking a message's attachments

from baosong.intake.readers.unpack import MAX_PARTS, container_for, unpack  # noqa: E402

CONTAINERS = (ZipContainer(), RarSevenZipContainer(), TnefContainer())


def test_unpack_plain_attachment_is_itself():
    parts, refused = unpack("信息.docx", DOCX, CONTAINERS)
    assert [(p.name, p.container) for p in parts] == [("信息.docx", None)] and not refused
    assert container_for(DOCX, CONTAINERS) is None


def test_unpack_zip_and_winmail_with_a_zip_inside():
    z = windows_zip({"一.docx": DOCX, "二.pdf": b"%PDF-1.4\n"})
    parts, refused = unpack("材料.zip", z, CONTAINERS)
    assert [(p.name, p.container) for p in parts] == [("材料.zip/一.docx", "材料.zip"), ("材料.zip/二.pdf", "材料.zip")]
    tnef = winmail_dat([("材料.zip", z), ("三.docx", DOCX)])
    parts, refused = unpack("winmail.dat", tnef, CONTAINERS)
    assert [p.name for p in parts] == ["winmail.dat/材料.zip/一.docx", "winmail.dat/材料.zip/二.pdf",
                                       "winmail.dat/三.docx"]
    assert {p.container for p in parts} == {"winmail.dat"} and not refused


def test_unpack_refusals_keep_the_rest():
    inner = plain_zip({"a.docx": DOCX})
    deep = plain_zip({"b.zip": plain_zip({"c.zip": inner})})
    parts, refused = unpack("深.zip", deep, CONTAINERS)
    assert not parts and [(r.name, type(r.error)) for r in refused] == [("深.zip/b.zip/c.zip", UnsupportedArchive)]
    mixed = plain_zip({"ok.docx": DOCX, "old.rar": b"Rar!\x1a\x07\x00" + b"\0" * 20})
    parts, refused = unpack("m.zip", mixed, CONTAINERS)
    assert [p.name for p in parts] == ["m.zip/ok.docx"]
    assert [(r.name, r.kind, str(r.error)) for r in refused] == [("m.zip/old.rar", DocKind.ARCHIVE, "RAR archive")]
    parts, refused = unpack("锁.zip", encrypted_zip_entry("x.docx", DOCX), CONTAINERS)
    assert not parts and isinstance(refused[0].error, EncryptedDocument)


def test_unpack_bounds_the_number_of_parts():
    many = plain_zip({f"{i}.zip": plain_zip({f"{j}.txt": b"x" for j in range(40)}) for i in range(4)})
    parts, refused = unpack("many.zip", many, CONTAINERS)
    assert len(parts) == MAX_PARTS and isinstance(refused[-1].error, ArchiveLimit)


def test_short_gbk_names_that_are_also_valid_utf8():
    names = ["一.docx", "二.docx", "信息.docx", "简报（第3期）.docx", "附件·说明.pdf"]
    data = windows_zip({n: b"x" for n in names})
    assert [m.name for m in ZipContainer().members(data)] == names
    assert b"\xd2\xbb.docx".decode("utf-8") == "\u04bb.docx"  # why a plain UTF-8-first rule fails


def test_a_truncated_docx_is_left_to_the_docx_reader():
    assert not ZipContainer().recognises(DOCX[: len(DOCX) // 2])
    assert ZipContainer().recognises(plain_zip({"a.txt": b"x" * 100})[:60])
