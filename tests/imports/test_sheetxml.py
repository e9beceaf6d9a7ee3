"""The fast worksheet reader gives what openpyxl gives, or hands the workbook to openpyxl."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

from indicators.imports import excel, parse_upload, sheetxml

from .helpers import KAZ, KGZ, rezip
from .test_excel import ROWS, data_book, template, workbook_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _summary(result):
    return (
        result.rows,
        [(p.file, p.row, p.column, p.value, str(p.reason)) for p in result.problems],
        result.skipped_blank,
        [str(note) for note in result.notes],
        result.format,
    )


def _with_openpyxl(name: str, data: bytes, monkeypatch, **kwargs):
    with monkeypatch.context() as patch:
        patch.setattr(excel, "_read_fast", lambda *args: False)
        return parse_upload(name, data, **kwargs)


def _fast_only(monkeypatch) -> None:
    """Make openpyxl's sheet loading fail: only the fast reader can succeed."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl.load_workbook was used")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def _same(name: str, data: bytes, monkeypatch, **kwargs):
    fast = parse_upload(name, data, **kwargs)
    assert _summary(fast) == _summary(_with_openpyxl(name, data, monkeypatch, **kwargs))
    return fast


def _rows(xml: str, shared=(), date_styles=()) -> list[tuple]:
    return list(sheetxml.iter_rows(io.BytesIO(xml.encode()), list(shared), set(date_styles)))


def _openpyxl_rows(xml: str) -> list[tuple]:
    """What openpyxl reads from this sheet XML put in the template in place of Data."""
    data = rezip(template(), {}, {"xl/worksheets/sheet1.xml": xml.encode()})
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return [tuple(row) for row in book["Data"].iter_rows(values_only=True)]
    finally:
        book.close()


def _sheet(body: str, before: str = "") -> str:
    return f'<worksheet xmlns="{MAIN}">{before}<sheetData>{body}</sheetData></worksheet>'


def test_the_template_is_read_by_the_fast_reader(monkeypatch) -> None:
    data = template([r for r in ROWS if not str(r["footnote"]).startswith("=")])
    expected = _summary(_with_openpyxl("t.xlsx", data, monkeypatch))
    _fast_only(monkeypatch)
    assert _summary(parse_upload("t.xlsx", data)) == expected
    assert expected[0] and not expected[1]


def test_template_with_text_starting_with_equals(monkeypatch) -> None:
    result = _same("t.xlsx", template(), monkeypatch)
    assert [(p.row, p.column) for p in result.problems] == [(3, "footnote")]


def test_an_excel_style_workbook(monkeypatch) -> None:
    # shared strings, a <dimension>, gaps between rows, sparse cells, numbers of every kind
    book = data_book(
        ["3.2.1", None, "SEX=F", 2020, 18.5, "PER_1000_LIVE_BIRTHS", "C", "Registro", "Año"],
        ["3.2.1", 417, None, 2019.0, 20, None, None, None, None],
        [None] * 9,
        ["1.1.1", "KG02", "AGE=Y15T24;SEX=M", "2018", "0,9", "PT", True, None, ""],
        ["1.1.1", None, None, 2017, 1e-3, "PT", None, None, "x" * 300],
    )
    book["Data"].cell(row=12, column=1, value="3.2.1")
    book["Data"].cell(row=12, column=4, value=2016)
    book["Data"].cell(row=12, column=5, value=-0.0)
    book["Data"].cell(row=12, column=12, value="beyond the header")
    data = workbook_bytes(book)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<dimension" in archive.read("xl/worksheets/sheet1.xml")
    result = _same("b.xlsx", data, monkeypatch)
    assert [r.row for r in result.rows] == [2, 3, 6, 12]
    _fast_only(monkeypatch)
    assert _summary(parse_upload("b.xlsx", data)) == _summary(result)


def test_rich_text_cells(monkeypatch) -> None:
    book = data_book(["3.2.1", None, None, 2020, 1.5])
    book["Data"]["I2"] = CellRichText(["Año ", TextBlock(InlineFont(b=True), "révisé")])
    data = workbook_bytes(book)
    result = _same("r.xlsx", data, monkeypatch)
    assert result.rows[0].footnote == "Año révisé"


@pytest.mark.parametrize(
    "path",
    [KAZ / "indicator_3-1-1.xlsx", KGZ / "2.4.1.1.xlsx"],
    ids=lambda p: p.name,
)
def test_real_workbooks(path, monkeypatch) -> None:
    _same(path.name, path.read_bytes(), monkeypatch)


def test_formulas_and_dates_are_left_to_openpyxl(monkeypatch) -> None:
    formula = data_book(["3.2.1", None, None, 2020, "=SUM(1,2)"], ["3.2.1", None, None, 2021, 4])
    result = _same("f.xlsx", workbook_bytes(formula), monkeypatch)
    assert [(p.row, p.column) for p in result.problems] == [(2, "value")]
    dated = data_book(["3.2.1", None, None, datetime.date(2020, 1, 1), 4])
    result = _same("d.xlsx", workbook_bytes(dated), monkeypatch)
    assert [(p.row, p.column) for p in result.problems] == [(2, "year")]


def test_damaged_and_odd_sheets(monkeypatch) -> None:
    data = template()
    for broken in (
        b"<worksheet><sheetData><row",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><worksheet/>',
        f'<worksheet xmlns="{MAIN}"><sheetData><row><c r="a1"><v>1</v></c></row>'
        "</sheetData></worksheet>".encode(),
    ):
        _same("x.xlsx", rezip(data, {}, {"xl/worksheets/sheet1.xml": broken}), monkeypatch)


def test_long_empty_runs_and_row_limits(monkeypatch) -> None:
    book = data_book(["3.2.1", None, None, 2020, 1.5])
    book["Data"].cell(row=5000, column=9).font = Font(bold=True)
    book["Data"].cell(row=5001, column=1, value="3.2.1")
    result = _same("e.xlsx", workbook_bytes(book), monkeypatch)
    assert result.skipped_blank == excel.EMPTY_ROWS_STOP and len(result.rows) == 1
    many = data_book(*(["3.2.1", None, None, 2000 + i, i] for i in range(30)))
    result = _same("m.xlsx", workbook_bytes(many), monkeypatch, max_rows=20)
    assert len(result.problems) == 1


def test_iter_rows_fills_gaps_and_follows_openpyxl() -> None:
    xml = _sheet(
        '<row r="2"><c r="B2" t="s"><v>1</v></c><c t="b"><v>1</v></c></row>'
        '<row r="1"><c r="A1"><v>9</v></c></row>'  # numbered before the one expected: dropped
        '<row><c><v>1.5E2</v></c><c t="str"><v> x </v></c><c t="e"><v>#N/A</v></c></row>'
        '<row r="5"><c r="C5" t="inlineStr"><is><r><t>a</t></r><rPh sb="0" eb="1"><t>z</t></rPh>'
        '<t>b</t></is></c><c r="A5"><v>3</v></c></row>'
        '<row r="6"/><row r="7"><c r="B7" t="inlineStr"/><c r="C7"><v></v></c></row>'
    )
    assert _rows(xml, shared=["zero", "one"]) == [
        (),
        (None, "one", True),
        # the row without a number follows row 1, also before the one expected: dropped
        (),
        (),
        (3,),  # as openpyxl: the row is as long as its last cell, C5 is dropped
        (),
        (None, None, None),
    ]
    no_strings = xml.replace('t="s"><v>1</v>', "><v>1</v>")
    assert [tuple(r) for r in _rows(no_strings)] == _openpyxl_rows(no_strings)
    unnumbered = _sheet(
        '<row><c><v>1.5E2</v></c><c t="str"><v> x </v></c><c t="e"><v>#N/A</v></c></row>'
    )
    assert _rows(unnumbered) == [(150.0, " x ", "#N/A")] == _openpyxl_rows(unnumbered)


def test_iter_rows_inline_text_order_and_dimension() -> None:
    inline = _sheet('<row r="1"><c r="A1" t="inlineStr"><is><r><t>b</t></r><t>a</t></is></c></row>')
    assert _rows(inline) == [("ab",)]
    bounded = _sheet(
        '<row r="1"><c r="A1"><v>1</v></c><c r="D1"><v>4</v></c></row>'
        '<row r="3"><c r="B3"><v>2</v></c></row><row r="9"><c r="A9"><v>9</v></c></row>',
        before='<dimension ref="A1:C4"/>',
    )
    assert _rows(bounded) == [
        (1, None, None),
        (None, None, None),
        (None, 2, None),
        (None, None, None),
    ]
    assert [tuple(r) for r in _rows(bounded)] == _openpyxl_rows(bounded)
    assert _rows(inline) == _openpyxl_rows(inline)


@pytest.mark.parametrize(
    "body",
    [
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>',
        '<row r="1"><c r="A1" s="1"><v>43831</v></c></row>',
        '<row r="1"><c r="A1" t="d"><v>2020-01-01</v></c></row>',
        '<row r="1"><x/></row>',
        '<row r="1"><c r="1A"><v>1</v></c></row>',
        '<row r="1"><c r="A"><v>1</v></c></row>',
    ],
)
def test_iter_rows_refuses_what_it_does_not_take(body: str) -> None:
    with pytest.raises(sheetxml.Unsupported):
        _rows(_sheet(body), date_styles={1})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.integers(-(10**12), 10**12),
                st.floats(allow_nan=False, allow_infinity=False),
                # text starting with "=" is a formula to openpyxl's writer: tested above
                st.text(
                    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12
                ).filter(lambda text: not text.startswith("=")),
                st.booleans(),
            ),
            max_size=11,
        ),
        max_size=12,
    )
)
def test_fast_reader_equals_openpyxl_on_any_values(cells) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["indicator", "area", "disaggregation", "year", "value", "unit", "nature"])
    for row in cells:
        sheet.append(row)
    data = workbook_bytes(book)
    reader = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    expected = list(reader["Data"].iter_rows(values_only=True))
    reader.close()
    fast = sheetxml.open_workbook(data)
    try:
        got = list(fast.rows("Data"))
    finally:
        fast.close()
    assert got == expected
