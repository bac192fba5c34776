""".doc and .wps on real bytes: made by LibreOffice from python-docx documents (Chinese text),
read both ways (LibreOffice conversion, pure-Python OLE piece table), with the same 字数."""

from __future__ import annotations

import threading

import pytest

from baosong.intake.readers.base import EncryptedDocument, UnreadableDocument
from baosong.intake.readers.doc import LibreOfficeWordReader, OleWordReader
from baosong.intake.readers.soffice import ConversionFailed, convert_to_docx, find_soffice
from baosong.intake.readers.wordbinary import read_word_binary, word_flavour
from baosong.intake.wordcount import word_count
from baosong.vocabulary import DocKind

from formats import (
    BODY,
    TITLE,
    UNIT_LINE,
    article_docx,
    as_wps,
    empty_docx,
    libreoffice_convert,
    photo_docx,
    set_word_flag,
    soffice_or_skip,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def revised_docx() -> bytes:
    """Tracked changes (a deletion and an insertion) and hidden text, as Word writes them."""
    import io

    import docx
    from lxml import etree

    d = docx.Document()
    d.add_paragraph(TITLE)
    p = d.add_paragraph("正文开头。")
    fragment = (
        f'<holder xmlns:w="{W}">'
        '<w:del w:id="1" w:author="a" w:date="2026-11-01T00:00:00Z"><w:r><w:delText>删除的旧句子。</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a" w:date="2026-11-01T00:00:00Z"><w:r><w:t>新增的句子。</w:t></w:r></w:ins>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏的批注</w:t></w:r>'
        '</holder>'
    )
    for child in list(etree.fromstring(fragment)):
        p._p.append(child)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


LONG_TITLE = "关于滕州市2026年第三季度政务信息报送工作情况的通报" * 12   # > 255 chars: several pieces


@pytest.fixture(scope="module")
def docs() -> dict[str, bytes]:
    """Real .doc files written by LibreOffice's MS Word 97 filter."""
    made = libreoffice_convert({
        "article.docx": article_docx(header="秘密★1年"),
        "photo.docx": photo_docx(),
        "empty.docx": empty_docx(),
        "long.docx": article_docx(LONG_TITLE, table=False),
        "revised.docx": revised_docx(),
    }, "doc")
    assert set(made) == {"article", "photo", "empty", "long", "revised"}
    return made


def test_word_flavour_by_bytes(docs):
    assert word_flavour(docs["article"]) is DocKind.DOC
    assert word_flavour(as_wps(docs["article"])) is DocKind.WPS
    assert word_flavour(article_docx()) is None          # a zip
    assert word_flavour(b"%PDF-1.7\n") is None
    assert word_flavour(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) is None  # OLE signature, no file


def test_ole_reader_reads_chinese_text(docs):
    text = read_word_binary(docs["article"])
    assert text.read_by == "ole"
    assert text.texts[:3] == (TITLE, UNIT_LINE, BODY)
    assert "赵文静" in text.texts and "0632-5512345" in text.texts
    assert [p.in_table for p in text.paragraphs if p.text == "赵文静"] == [True]
    assert text.header_text == "秘密★1年"    # headers are read (密级 marks), never counted
    assert "秘密" not in text.counted_text
    assert text.images == 0
    assert text.warnings  # says what it could not read (style-based layout)


def test_ole_reader_reads_direct_layout(docs):
    title, unit, body = read_word_binary(docs["article"]).paragraphs[:3]
    assert (title.alignment, title.size_pt, title.bold) == ("center", 22.0, True)
    assert not unit.bold and unit.size_pt in (None, 11.0) and body.style
    cells = [p.text for p in read_word_binary(docs["article"]).paragraphs if p.in_table]
    assert cells == ["单位", "作者", "电话", "滕州市商务局", "赵文静", "0632-5512345"]  # no row marks


def test_deleted_and_hidden_text_is_not_counted(docs):
    text = read_word_binary(docs["revised"])
    assert text.texts[0] == TITLE
    assert "删除的旧句子" not in text.counted_text and "隐藏的批注" not in text.counted_text
    assert "新增的句子。" in text.counted_text


def test_both_ways_give_the_same_text_and_word_count(docs):
    soffice_or_skip()
    for name in ("article", "long"):
        by_lo = LibreOfficeWordReader(DocKind.DOC).read(docs[name])
        by_ole = OleWordReader(DocKind.DOC).read(docs[name])
        assert by_lo.read_by == "libreoffice" and by_ole.read_by == "ole"
        assert by_lo.texts[0] == by_ole.texts[0]
        assert word_count(by_lo.counted_text) == word_count(by_ole.counted_text) > 100
    assert read_word_binary(docs["long"]).texts[0] == LONG_TITLE


def test_libreoffice_path_keeps_layout(docs):
    soffice_or_skip()
    text = LibreOfficeWordReader(DocKind.DOC).read(docs["article"])
    assert text.texts[0] == TITLE
    assert text.header_text == "秘密★1年"
    assert not text.warnings


def test_wps_read_both_ways(docs):
    wps = as_wps(docs["article"])
    ole = OleWordReader(DocKind.WPS)
    assert ole.recognises(wps) and not OleWordReader(DocKind.DOC).recognises(wps)
    assert ole.read(wps).texts[0] == TITLE
    soffice_or_skip()
    lo = LibreOfficeWordReader(DocKind.WPS)
    assert lo.recognises(wps)
    text = lo.read(wps)
    assert text.read_by == "libreoffice" and text.texts[0] == TITLE


def test_pictures_only_and_empty(docs):
    photo = read_word_binary(docs["photo"])
    assert photo.images == 2 and not photo.counted_text.strip()
    empty = read_word_binary(docs["empty"])
    assert empty.images == 0 and not empty.counted_text.strip()


def test_encrypted_doc_is_refused_before_libreoffice(docs):
    locked = set_word_flag(docs["article"], 0x0100)  # fEncrypted
    with pytest.raises(EncryptedDocument):
        read_word_binary(locked)
    # never handed to LibreOffice (which would wait for a password): refused by the header check
    reader = LibreOfficeWordReader(DocKind.DOC, soffice="/nonexistent/soffice")
    with pytest.raises(EncryptedDocument):
        reader.read(locked)


def test_unavailable_without_soffice_and_fallback_when_it_fails(docs, tmp_path):
    missing = LibreOfficeWordReader(DocKind.DOC, soffice="/nonexistent/soffice")
    assert missing.unavailable() == "LibreOffice (soffice) is not installed"
    assert OleWordReader(DocKind.DOC).unavailable() is None
    # a "soffice" that dies: the reader falls back to the OLE text and says why
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho 'boom' >&2\nexit 3\n")
    broken.chmod(0o755)
    reader = LibreOfficeWordReader(DocKind.DOC, soffice=str(broken))
    assert reader.unavailable() is None
    text = reader.read(docs["article"])
    assert text.read_by == "ole" and text.texts[0] == TITLE
    assert text.warnings[0].startswith("LibreOffice failed: LibreOffice made no .docx (boom)")


def test_conversion_timeout_kills_the_process_group(tmp_path):
    marker = tmp_path / "child-alive"
    hang = tmp_path / "soffice"
    # a converter that starts a child and hangs: both must be gone after the timeout
    hang.write_text(f"#!/bin/sh\n(sleep 41.7; touch {marker}) &\nsleep 41.7\n")
    hang.chmod(0o755)
    with pytest.raises(ConversionFailed, match="timed out"):
        convert_to_docx(b"x", suffix=".doc", soffice=str(hang), timeout=1)
    import subprocess
    assert "sleep 41.7" not in subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout


def test_conversions_run_one_at_a_time(docs):
    soffice = soffice_or_skip()
    results: list[bytes] = []
    errors: list[BaseException] = []

    def convert() -> None:
        try:
            results.append(convert_to_docx(docs["article"], suffix=".doc", soffice=soffice))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=convert) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 3 and all(r[:2] == b"PK" for r in results)


def test_damaged_files():
    with pytest.raises(UnreadableDocument):
        read_word_binary(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 2000)
    with pytest.raises(UnreadableDocument):
        read_word_binary(b"not a document")


def test_truncated_doc_never_crashes(docs):
    data = docs["article"]
    for cut in (600, 2048, len(data) // 2, len(data) - 100):
        try:
            read_word_binary(data[:cut])
        except UnreadableDocument:
            pass


@pytest.mark.parametrize("name", ["稿件.doc", "稿件.wps"])
def test_a_truncated_doc_is_a_corrupt_document_not_an_unsupported_format(docs, name):
    """A real LibreOffice .doc cut short (as a broken transfer leaves it) is answered "damaged, send it
    again", never "not a format we read" (the unit would resend the same file)."""
    from baosong.intake.documents import examine_attachment
    from baosong.intake.message import Attachment
    from baosong.intake.wordcount import CountOptions
    from baosong.vocabulary import Reason

    data = docs["article"]
    for cut in (600, 5000, len(data) // 2):
        att = Attachment(filename=name, content_type="application/msword", data=data[:cut], inline=False)
        doc = examine_attachment(att, subject="", categories=(), options=CountOptions())
        assert doc.not_read_because is Reason.CORRUPT_DOCUMENT, (cut, doc)


def test_find_soffice():
    assert find_soffice("/nonexistent/soffice") is None
    assert find_soffice("sh") is not None


def test_conversion_uses_a_private_profile_that_forbids_macros(tmp_path):
    """What soffice is started with: a fresh profile (never the user's) whose settings disable
    every macro, no terminal, a private HOME; and the profile is gone afterwards."""
    seen = tmp_path / "seen"
    fake = tmp_path / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        f"echo \"$@\" > {seen}/args\necho \"$HOME\" > {seen}/home\n"
        "for a in \"$@\"; do case $a in -env:UserInstallation=file://*) p=${a#-env:UserInstallation=file://};; esac; done\n"
        f"cp \"$p/user/registrymodifications.xcu\" {seen}/registry\n"
        "for a in \"$@\"; do if [ \"$last\" = --outdir ]; then o=$a; fi; last=$a; done\n"
        "printf 'PK' > \"$o/document.docx\"\n"
    )
    fake.chmod(0o755)
    seen.mkdir()
    assert convert_to_docx(b"x", suffix=".doc", soffice=str(fake)) == b"PK"
    args = (seen / "args").read_text()
    registry = (seen / "registry").read_text()
    assert "--headless" in args and "--norestore" in args and "docx:MS Word 2007 XML" in args
    assert '"DisableMacrosExecution" oor:op="fuse"><value>true' in registry
    assert '"MacroSecurityLevel" oor:op="fuse"><value>3' in registry
    profile = args.split("-env:UserInstallation=file://")[1].split()[0]
    home = (seen / "home").read_text().strip()
    assert profile.startswith(home) and "baosong-soffice-" in home
    import os
    assert not os.path.exists(home)  # everything of the run is removed


def test_mutated_docs_never_crash(docs):
    """Random byte damage anywhere in a real .doc: the reader reads or refuses, nothing else."""
    import random

    rng = random.Random(8)
    data = docs["article"]
    outcomes = {"read": 0, "refused": 0}
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            damaged[rng.randrange(512, len(damaged))] = rng.randrange(256)
        try:
            read_word_binary(bytes(damaged))
            outcomes["read"] += 1
        except UnreadableDocument:
            outcomes["refused"] += 1
    assert outcomes["read"] and sum(outcomes.values()) == 300
