"""PDF on real bytes: LibreOffice's PDF export of python-docx documents (Chinese text), a scan
(a page that is only a picture), and encrypted copies made by pypdf."""

from __future__ import annotations

import io

import pypdf
import pytest

from baosong.intake.readers.base import EncryptedDocument, UnreadableDocument
from baosong.intake.readers.pdf import PdfReader, is_pdf
from baosong.intake.wordcount import word_count

from formats import UNIT_LINE, article_docx, libreoffice_convert, photo_docx


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    made = libreoffice_convert({"article.docx": article_docx(), "scan.docx": photo_docx(1)}, "pdf")
    assert set(made) == {"article", "scan"}
    return made


def encrypt(data: bytes, user: str, owner: str = "owner-secret", algorithm: str = "RC4-128") -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_recognised_by_bytes(pdfs):
    reader = PdfReader()
    assert reader.recognises(pdfs["article"]) and is_pdf(b"\r\n%PDF-1.4")
    assert not reader.recognises(article_docx())
    assert reader.unavailable() is None


def test_text_layer(pdfs):
    text = PdfReader().read(pdfs["article"])
    assert text.read_by == "pdf"
    assert "滕州市商务局" in text.texts[0] and "推动外贸稳中提质" in text.texts[0]
    assert UNIT_LINE.replace(" ", "") in [t.replace(" ", "") for t in text.texts]
    assert "同比增长12.5%" in text.counted_text
    assert word_count(text.counted_text) > 150
    assert text.images == 0


def test_scan_has_pictures_and_no_text(pdfs):
    text = PdfReader().read(pdfs["scan"])
    assert text.images == 1
    assert not text.counted_text.strip()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_permission_only_encryption_is_read(pdfs, algorithm):
    text = PdfReader().read(encrypt(pdfs["article"], user="", algorithm=algorithm))
    assert "同比增长12.5%" in text.counted_text


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_password_protected_pdf(pdfs, algorithm):
    with pytest.raises(EncryptedDocument):
        PdfReader().read(encrypt(pdfs["article"], user="secret", algorithm=algorithm))


def test_damaged_pdf_never_crashes(pdfs):
    data = pdfs["article"]
    for broken in (b"%PDF-1.7\n garbage", data[: len(data) // 3], data[:200] + b"\0" * 500):
        try:
            PdfReader().read(broken)
        except UnreadableDocument:
            pass
