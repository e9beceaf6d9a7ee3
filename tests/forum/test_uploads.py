"""Attachment checks by content, size and name."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portal.uploads import check_attachment as check_upload
from portal.uploads import max_attachment_bytes, sanitise_filename


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(prefix: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{prefix}document.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("chart.png", PNG, "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("series.csv", b"country,year,value\nKAZ,2020,12.5\nCHL,2020,7,1\n", "text/csv"),
        ("series.csv", "país,año\nMéxico,2020\n".encode("cp1252"), "text/csv"),
        (
            "note.docx",
            ooxml("word/"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "table.xlsx",
            ooxml("xl/"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "application/vnd.ms-excel",
        ),
    ],
)
def test_accepted_files(name, content, content_type):
    checked = check_upload(SimpleUploadedFile(name, content))
    assert checked.content_type == content_type


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not a PDF"),
        ("chart.png", PDF, "not a PNG"),
        ("note.docx", ooxml("xl/"), "not a DOCX"),
        ("note.docx", b"PK\x03\x04garbage", "not a DOCX"),
        ("data.csv", b"<!DOCTYPE html><html><body>x</body></html>", "not a CSV"),
        ("data.csv", b"a,b\x00\x01\x02", "not a CSV"),
        ("page.html", b"<html></html>", "not accepted"),
        ("image.svg", b"<svg onload=alert(1)></svg>", "not accepted"),
        ("run.exe", b"MZ\x90\x00", "not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_rejected_files(name, content, why):
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile(name, content))
    assert why in " ".join(exc.value.messages)


def test_oversized_file_rejected(settings):
    settings.FORUM_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        check_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2000))
    assert "the limit is" in exc.value.messages[0]


def test_forum_limit_never_above_portal_limit(settings):
    settings.FORUM_MAX_UPLOAD_BYTES = 10**9
    settings.PORTAL_MAX_UPLOAD_BYTES = 5000
    assert max_attachment_bytes() == 5000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\report.PDF", "report.pdf"),
        ("<script>alert(1)</script>.pdf", "script_.pdf"),
        ("a\x00b\nc.csv", "abc.csv"),
        ("", "file"),
        ("name\u202egpj.pdf", "namegpj.pdf"),
    ],
)
def test_sanitise_filename(raw, expected):
    name = sanitise_filename(raw)
    assert expected in name
    assert "<" not in name and ">" not in name and "/" not in name and "\\" not in name
