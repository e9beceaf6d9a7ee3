"""Every XML reader checks the encoding an XML declaration names before parsing: one helper,
`xml_encoding_problem`, for the SDMX-ML reader, the sdmx1 reference reader and the fast
worksheet reader."""

from __future__ import annotations

import io

import pytest

from indicators.imports import parse_upload, sheetxml
from indicators.imports._common import declared_xml_encoding, xml_encoding_problem
from indicators.imports.sdmx1_reader import read_with_sdmx1

from .helpers import has_problem
from .test_sdmx import GENERIC_21

#: names Python does not know, and encodings of more than one byte a character (expat reads
#: those only one byte a character)
UNREADABLE = ["UTF-NaN", "x-no-such-charset", "utf-7", "shift_jis", "utf-32", "big5"]
#: expat's own encodings and single-byte ones Python gives it
READABLE = ["UTF-8", "utf-16", "ISO-8859-1", "US-ASCII", "windows-1251", "koi8-r", "cp1252"]


def _declared(encoding: str, body: bytes = b"<a/>") -> bytes:
    return b'<?xml version="1.0" encoding="' + encoding.encode() + b'"?>' + body


@pytest.mark.parametrize("encoding", UNREADABLE)
def test_an_unreadable_declared_encoding_is_a_problem(encoding: str) -> None:
    reason = xml_encoding_problem(_declared(encoding))
    assert reason is not None
    assert str(reason) == "The file's character encoding is not supported: save it as UTF-8."


@pytest.mark.parametrize("encoding", READABLE)
def test_a_readable_declared_encoding_is_no_problem(encoding: str) -> None:
    assert xml_encoding_problem(_declared(encoding)) is None


def test_the_declaration_is_read_only_at_the_start() -> None:
    assert declared_xml_encoding(b"\xef\xbb\xbf<?xml version='1.0' encoding='koi8-r'?><a/>") == (
        "koi8-r"
    )
    assert declared_xml_encoding(b"<a/>") == ""
    assert declared_xml_encoding(b'<?xml version="1.0"?><a/>') == ""
    # text later in the document is not a declaration
    assert xml_encoding_problem(b'<a>encoding="shift_jis"</a>') is None
    assert xml_encoding_problem(b'<a/><?xml version="1.0" encoding="shift_jis"?>') is None


@pytest.mark.parametrize("encoding", ["shift_jis", "x-no-such-charset"])
def test_both_sdmx_readers_refuse_it_with_the_same_problem(encoding: str) -> None:
    data = GENERIC_21.replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1)
    assert data != GENERIC_21
    for result in (parse_upload("m.xml", data), read_with_sdmx1("m.xml", data)):
        assert result.rows == []
        assert has_problem(result, "character encoding is not supported")


def test_a_single_byte_encoding_is_still_read_by_the_sdmx_reader() -> None:
    text = GENERIC_21.decode("utf-8").replace('encoding="UTF-8"', 'encoding="windows-1252"', 1)
    data = text.encode("windows-1252")  # "Registrée" in one byte a character
    assert data != GENERIC_21
    assert parse_upload("m.xml", data).rows == parse_upload("m.xml", GENERIC_21).rows != []


def test_the_worksheet_reader_leaves_such_a_sheet_to_openpyxl() -> None:
    sheet = _declared(
        "shift_jis",
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData/></worksheet>",
    )
    with pytest.raises(sheetxml.Unsupported):
        list(sheetxml.iter_rows(io.BytesIO(sheet), [], set()))
    plain = sheet.replace(b"shift_jis", b"UTF-8", 1)
    assert list(sheetxml.iter_rows(io.BytesIO(plain), [], set())) == []
