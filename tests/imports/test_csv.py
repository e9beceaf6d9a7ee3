"""The portal CSV format and Open SDG CSV: encodings, delimiters and row problems."""

from __future__ import annotations

from indicators.imports import detect_format, parse_upload

from .helpers import has_problem

HEADER = "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"


def test_utf8_with_bom() -> None:
    text = (
        HEADER
        + '3.2.1,,SEX=F;AGE=Y0T4,2020,18.5,PER_1000_LIVE_BIRTHS,C,Registro civil,"Año, estimación"\n'
    )
    result = parse_upload("sheet.csv", ("\ufeff" + text).encode("utf-8"))
    assert result.problems == []
    assert result.encoding == "utf-8-sig"
    row = result.rows[0]
    assert (row.indicator, row.area, row.year, row.value, row.row) == ("3.2.1", "", 2020, 18.5, 2)
    assert row.disaggregation == (("AGE", "Y0T4"), ("SEX", "F"))
    assert (row.unit, row.nature, row.source, row.footnote) == (
        "PER_1000_LIVE_BIRTHS",
        "C",
        "Registro civil",
        "Año, estimación",
    )


def test_latin1_semicolons_and_decimal_comma() -> None:
    text = (
        "Indicator;Year;Value;Footnote;Area\n3.2.1;2019;17,25;Población estimada — révisée;KG02\n"
    )
    result = parse_upload("sheet.csv", text.encode("cp1252"))
    assert result.problems == []
    assert result.encoding == "cp1252"
    assert result.notes  # says it was not UTF-8
    row = result.rows[0]
    assert (row.value, row.footnote, row.area) == (17.25, "Población estimada — révisée", "KG02")


def test_missing_required_column() -> None:
    result = parse_upload("sheet.csv", b"indicator,area,value\n3.2.1,,1\n")
    assert [(p.row, p.column) for p in result.problems] == [(None, "year")]
    assert has_problem(result, "required column is missing")


def test_row_problems_are_all_collected() -> None:
    text = HEADER + (
        "3.2.1,,,2020,abc,,,,\n"
        "3.2.1,,,20x0,1,,,,\n"
        "3.2.1,,SEX,2021,1,,,,\n"
        ",,,2022,1,,,,\n"
        "3.2.1,,REF_AREA=KG02,2023,1,,,,\n"
    )
    result = parse_upload("sheet.csv", text.encode())
    assert [(p.row, p.column, p.value) for p in result.problems] == [
        (2, "value", "abc"),
        (3, "year", "20x0"),
        (4, "disaggregation", "SEX"),
        (5, "indicator", ""),
        (6, "disaggregation", "REF_AREA=KG02"),
    ]


def test_duplicates_name_both_rows() -> None:
    text = HEADER + "3.2.1,,SEX=F,2020,1,,,,\n3.2.1,,,2020,2,,,,\n3.2.1,,SEX=F;AGE=_T,2020,3,,,,\n"
    result = parse_upload("sheet.csv", text.encode())
    assert [(p.row, str(p.reason)) for p in result.problems] == [
        (4, "Rows 2 and 4 give two values for the same observation: 1 and 3.")
    ]


def test_blank_lines_and_values_are_skipped() -> None:
    text = HEADER + "3.2.1,,,2020,1,,,,\n\n,,,,,,,,\n3.2.1,,,2021,,,,,\n"
    result = parse_upload("sheet.csv", text.encode())
    assert (len(result.rows), result.skipped_blank, result.problems) == (1, 3, [])


def test_unknown_column() -> None:
    result = parse_upload("sheet.csv", b"indicator,year,value,comments\n3.2.1,2020,1,x\n")
    assert [(p.row, p.column) for p in result.problems] == [(None, "comments")]


def test_detection() -> None:
    assert detect_format("x.csv", HEADER.encode()) == "csv"
    assert detect_format("x.txt", b"Year,SEX,Value\n2020,F,1\n") == "opensdg"
    assert detect_format("x.dat", b"\xef\xbb\xbfYear,Value,,\n") == "opensdg"
    assert detect_format("x.csv", b"a,b\n1,2\n") == "csv"
    assert detect_format("x.bin", b"hello world") is None


def test_opensdg_from_file_name() -> None:
    text = "Year,UNIT_MEASURE,SEX,REF_AREA,COMMENT_OBS,Value\n2020,PT,F,,note,5\n2020,PT,_T,KZAKM,,\n2021,PT,,,,6\n"
    result = parse_upload("indicator_16-3-2-1.csv", text.encode())
    assert result.format == "opensdg"
    assert result.problems == []
    assert [(r.indicator, r.disaggregation, r.footnote, r.year) for r in result.rows] == [
        ("16.3.2.1", (("SEX", "F"),), "note", 2020),
        ("16.3.2.1", (), "", 2021),
    ]
    assert result.skipped_blank == 1


def test_opensdg_indicator_given_or_missing() -> None:
    data = b"Year,Value\n2020,1\n"
    assert parse_upload("export.csv", data, indicator="1.1.1").rows[0].indicator == "1.1.1"
    assert has_problem(parse_upload("export.csv", data), "cannot be told from the file name")
    series_only = parse_upload("export.csv", b"Year,SERIES,Value\n2020,SI_POV_DAY1,1\n")
    assert series_only.rows[0].series_code == "SI_POV_DAY1" and series_only.rows[0].indicator == ""


def test_same_year_in_two_units_is_read_for_the_import_to_decide() -> None:
    # The parser cannot tell which unit the portal keeps: UNIT_MEASURE is part of an SDMX
    # series key, and Open SDG files give two series apart only by it (Kazakhstan 8.10.1).
    # The import service keeps the indicator's unit and counts the other as not tracked.
    text = "Year,UNIT_MEASURE,Value\n2011,NUM_CBBR,3.1\n2011,NUM_ATM,70.2\n2011,NUM_ATM,70.3\n"
    result = parse_upload("indicator_8-10-1.csv", text.encode())
    assert [(r.row, r.unit, r.value) for r in result.rows] == [
        (2, "NUM_CBBR", 3.1),
        (3, "NUM_ATM", 70.2),
    ]
    assert [(p.row, str(p.reason)) for p in result.problems] == [
        (4, "Rows 3 and 4 give two values for the same observation: 70.2 and 70.3.")
    ]


def test_blank_unit_beside_a_unit_is_left_to_the_import() -> None:
    # a blank unit means the indicator's own, which only the import service knows
    text = HEADER + "3.2.1,,,2020,18.5,,C,,\n3.2.1,,,2020,18.5,PER_1000_LIVE_BIRTHS,C,,\n"
    result = parse_upload("sheet.csv", text.encode())
    assert result.problems == [] and len(result.rows) == 2


def test_a_repeated_bad_disaggregation_is_reported_on_every_row() -> None:
    text = HEADER + "".join(
        f"3.2.1,,SEX=F;REF_AREA=KG02;SEX=M,{year},1,,,,\n3.2.1,,SEX,{year},1,,,,\n"
        for year in (2020, 2021)
    )
    result = parse_upload("sheet.csv", text.encode())
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "disaggregation"),
        (2, "disaggregation"),
        (3, "disaggregation"),
        (4, "disaggregation"),
        (4, "disaggregation"),
        (5, "disaggregation"),
    ]
    assert result.rows == []
