"""The Excel template: round trip, formulas, macros, ZIP bombs, trailing empty rows."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Font

from indicators.imports import excel, parse_upload, write_template

from .helpers import has_problem, rezip

INDICATORS = [
    ("3.2.1", "Under-five mortality rate", "PER_1000_LIVE_BIRTHS"),
    ("1.1.1", "Poverty", "PT"),
]
ROWS = [
    dict(
        indicator="3.2.1",
        area="",
        disaggregation=(),
        year=2020,
        value=18.5,
        unit="PER_1000_LIVE_BIRTHS",
        nature="C",
        source="Civil registry",
        footnote="",
    ),
    dict(
        indicator="3.2.1",
        area="KG02",
        disaggregation={"SEX": "F"},
        year=2020,
        value=20.25,
        unit="PER_1000_LIVE_BIRTHS",
        nature="C",
        source="",
        footnote="=not a formula",
    ),
    dict(
        indicator="1.1.1",
        area="417",
        disaggregation="AGE=Y15T24;SEX=M",
        year=2019,
        value=0.9,
        unit="PT",
        nature="E",
        source="",
        footnote="Año révisé",
    ),
]


def template(rows=ROWS) -> bytes:
    buffer = io.BytesIO()
    write_template(
        buffer, rows, country_name="Kyrgyzstan", round_name="2025", indicators=INDICATORS
    )
    return buffer.getvalue()


def workbook_bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def data_book(*rows: Sequence[object]) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(
        [
            "indicator",
            "area",
            "disaggregation",
            "year",
            "value",
            "unit",
            "nature",
            "source",
            "footnote",
        ]
    )
    for row in rows:
        sheet.append(row)
    return book


def test_template_sheets_and_validations() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template()))
    assert book.sheetnames == ["Data", "README", "Indicators"]
    assert book["Data"]["A1"].value == "indicator"
    assert any("Kyrgyzstan" in str(c.value) for c in book["README"]["A"])
    assert [c.value for c in book["Indicators"][2]] == [
        "3.2.1",
        "Under-five mortality rate",
        "PER_1000_LIVE_BIRTHS",
    ]
    assert len(book["Data"].data_validations.dataValidation) == 4
    assert book["Data"]["I3"].data_type == "s"  # text starting with "=" is not a formula


def test_template_round_trip() -> None:
    rows = [r for r in ROWS if not str(r["footnote"]).startswith("=")]
    result = parse_upload("template.xlsx", template(rows))
    assert result.problems == []
    assert result.format == "xlsx"
    got = [
        (r.row, r.indicator, r.area, r.disaggregation, r.year, r.value, r.footnote)
        for r in result.rows
    ]
    assert got == [
        (2, "3.2.1", "", (), 2020, 18.5, ""),
        (3, "1.1.1", "417", (("AGE", "Y15T24"), ("SEX", "M")), 2019, 0.9, "Año révisé"),
    ]


def test_text_starting_with_equals_is_refused_on_upload() -> None:
    result = parse_upload("template.xlsx", template())
    assert [(p.row, p.column) for p in result.problems] == [(3, "footnote")]


def test_formula_is_refused_with_cell_reference() -> None:
    book = data_book(["3.2.1", None, None, 2020, "=SUM(1,2)"], ["3.2.1", None, None, 2021, 4])
    result = parse_upload("sheet.xlsx", workbook_bytes(book))
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "value", "=SUM(1,2)")]
    assert "E2" in str(result.problems[0].reason)


def test_macro_enabled_workbook_is_refused() -> None:
    data = template()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    macro_types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert macro_types != types
    xlsm = rezip(
        data,
        {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 100},
        {"[Content_Types].xml": macro_types},
    )
    result = parse_upload("sheet.xlsx", xlsm)
    assert has_problem(result, "contains macros")
    only_vba = rezip(data, {"xl/vbaProject.bin": b"\0" * 10})
    assert has_problem(parse_upload("sheet.xlsx", only_vba), "contains macros")


def test_zip_bomb_is_refused(monkeypatch) -> None:
    bomb = rezip(template(), {"xl/media/image1.bin": b"\0" * (6 * 2**20)})
    assert has_problem(parse_upload("sheet.xlsx", bomb), "compressed more than 200 times")
    monkeypatch.setattr(excel, "MAX_UNCOMPRESSED", 10_000)
    assert has_problem(parse_upload("sheet.xlsx", template(ROWS * 50)), "at most 1 MB are read")


def test_a_million_empty_rows_cost_nothing() -> None:
    book = data_book(["3.2.1", None, None, 2020, 1.5])
    book["Data"].cell(row=1_000_000, column=9).font = Font(bold=True)
    data = workbook_bytes(book)
    result = parse_upload("sheet.xlsx", data)
    assert result.problems == []
    assert len(result.rows) == 1
    assert result.skipped_blank == excel.EMPTY_ROWS_STOP


def test_a_million_written_empty_rows_cost_nothing() -> None:
    data = workbook_bytes(data_book(["3.2.1", None, None, 2020, 1.5]))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    empty = "".join(f'<row r="{i}"><c r="A{i}" t="s"/></row>' for i in range(3, 1_000_001)).encode()
    big = sheet.replace(b"</sheetData>", empty + b"</sheetData>")
    result = parse_upload("sheet.xlsx", rezip(data, {}, {"xl/worksheets/sheet1.xml": big}))
    assert (len(result.rows), result.problems) == (1, [])


def test_too_many_rows() -> None:
    book = data_book(*(["3.2.1", None, None, 2000 + i, i] for i in range(30)))
    result = parse_upload("sheet.xlsx", workbook_bytes(book), max_rows=20)
    assert has_problem(result, "more than 20 rows")


def test_workbook_without_data_sheet() -> None:
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["something", "else"])
    assert has_problem(parse_upload("x.xlsx", workbook_bytes(book)), "no sheet named Data")


def test_not_a_workbook_named_xlsx() -> None:
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
    assert has_problem(parse_upload("x.xlsx", pdf), "PDF document")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert has_problem(parse_upload("x.xlsx", docx.getvalue()), "Word document")
    assert has_problem(parse_upload("x.xlsx", b"PK\x03\x04garbage"), "damaged")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
    assert has_problem(parse_upload("x.xlsx", ole), "old Excel")


def test_damaged_sheet_xml() -> None:
    data = template()
    broken = rezip(data, {}, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"})
    result = parse_upload("x.xlsx", broken)
    assert result.problems and result.rows == []


def test_template_readme_is_in_the_users_language() -> None:
    from django.utils import translation

    with translation.override("es"):
        book = openpyxl.load_workbook(io.BytesIO(template()))
    lines = [str(c.value or "") for c in book["README"]["A"]]
    assert "País: Kyrgyzstan" in lines and "Ronda: 2025" in lines
    assert book.sheetnames == ["Data", "README", "Indicators"]  # names the reader relies on
    assert book["Data"]["A1"].value == "indicator"
    english = openpyxl.load_workbook(io.BytesIO(template()))
    assert "Country: Kyrgyzstan" in [str(c.value or "") for c in english["README"]["A"]]


def test_streaming_writer_template_read_alike_by_openpyxl_and_sheetxml() -> None:
    """The template is written without openpyxl (``sheetwrite``): openpyxl and the fast reader
    must see the same cells, and the workbook keeps its frozen header and validations."""
    from indicators.imports import sheetxml

    odd = {
        "indicator": "3.2.1",
        "area": "",
        "disaggregation": {"SEX": "F"},
        "year": 2021,
        "value": 1e-05,
        "unit": "PER_1000_LIVE_BIRTHS",
        "nature": "E",
        "source": "  a <b> & c\x01 ",
        "footnote": "ñ\tline",
    }
    data = template([*ROWS[:1], odd])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Data"]
    assert sheet.freeze_panes == "A2"
    formulas = sorted(
        (str(v.sqref), v.type, v.formula1) for v in sheet.data_validations.dataValidation
    )
    assert formulas == [
        ("A2:A1048576", "list", "Indicators!$A$2:$A$3"),
        ("D2:D1048576", "whole", "1900"),
        ("E2:E1048576", "decimal", "-1E+300"),
        ("G2:G1048576", "list", '"C,CA,E,G,M,N,_X"'),
    ]
    by_openpyxl = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert by_openpyxl[2] == (
        "3.2.1",
        None,
        "SEX=F",
        2021,
        1e-05,
        "PER_1000_LIVE_BIRTHS",
        "E",
        "  a <b> & c ",
        "ñ\tline",
    )
    fast = sheetxml.open_workbook(data)
    try:
        assert fast.sheetnames == ["Data", "README", "Indicators"]
        # without a <dimension>, a fast-read row ends at its last cell (as in read-only openpyxl)
        assert [_trimmed(row) for row in fast.rows("Data")] == [
            _trimmed(row) for row in by_openpyxl
        ]
    finally:
        fast.close()


def _trimmed(row: tuple[object, ...]) -> tuple[object, ...]:
    end = len(row)
    while end and row[end - 1] is None:
        end -= 1
    return row[:end]


def test_declared_country_is_read_by_either_reader() -> None:
    """The README's "Country:" line: read by the fast reader from the template, and by
    openpyxl from a workbook the fast reader does not take (here, a formula in the README)."""
    from indicators.imports.country import declared_countries

    assert declared_countries(template(), "xlsx") == [("Country:", "Kyrgyzstan")]
    book = data_book(["3.2.1", None, None, 2020, 1.5])
    readme = book.create_sheet("README")
    readme.append(["=1+1"])
    readme.append(["Country: Kazakhstan"])
    assert declared_countries(workbook_bytes(book), "xlsx") == [("Country:", "Kazakhstan")]
    del book["README"]
    assert declared_countries(workbook_bytes(book), "xlsx") == []
