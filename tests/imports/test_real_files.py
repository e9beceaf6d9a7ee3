"""Every real file in data/ parses, or is refused with problems a statistician would accept."""

from __future__ import annotations

import csv
import io

import pytest

from indicators.imports import parse_upload
from indicators.imports._common import SDG_ATTRIBUTES
from indicators.imports.sdmx1_reader import read_with_sdmx1, sdg_dsd

from .helpers import KAZ, KGZ, problem_texts

KAZ_FILES = sorted(KAZ.glob("*.csv"))
KGZ_XML = sorted(KGZ.glob("*.xml"))
KGZ_CSV = sorted(KGZ.glob("*.csv"))


def _records(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _data_lines(path) -> int:
    return sum(1 for cells in _records(path)[1:] if any(c.strip() for c in cells))


def _values(path) -> int:
    """Records with something in the Value column (the last named column)."""
    records = _records(path)
    at = max(i for i, name in enumerate(records[0]) if name.strip())
    return sum(1 for cells in records[1:] if len(cells) > at and cells[at].strip())


def test_the_real_files_are_there() -> None:
    assert len(KAZ_FILES) == 273
    assert len(KGZ_XML) == 195
    assert len(KGZ_CSV) == 8


@pytest.mark.parametrize("path", KAZ_FILES, ids=lambda p: p.name)
def test_kazakhstan_open_sdg_file(path) -> None:
    result = parse_upload(path.name, path.read_bytes())
    assert result.format == "opensdg"
    if _data_lines(path) == 0:
        # published with a header and no data: the only problem says so
        assert problem_texts(result) == ["The file contains no observations."]
        return
    for problem in result.problems:
        # the only problems in the published files are true duplicates, named by row
        assert isinstance(problem.row, int)
        assert "same observation" in str(problem.reason)
    assert len(result.rows) + len(result.problems) == _values(path)


def test_kazakhstan_3_2_1_values() -> None:
    path = KAZ / "indicator_3-2-1.csv"
    result = parse_upload(path.name, path.read_bytes())
    assert result.problems == []
    assert len(result.rows) == 1482
    first = result.rows[0]
    assert (first.indicator, first.area, first.year, first.value, first.row) == (
        "3.2.1",
        "",
        2010,
        19.55,
        2,
    )
    assert first.unit == "PER_1000_LIVE_BIRTHS"
    assert first.disaggregation == ()  # SEX=_T is the total
    almaty = result.rows[1]
    assert (almaty.area, almaty.value) == ("KZAKM", 16.99)


def test_kazakhstan_sub_indicator_named_from_file() -> None:
    path = KAZ / "indicator_16-3-2-1.csv"
    result = parse_upload(path.name, path.read_bytes())
    assert {row.indicator for row in result.rows} == {"16.3.2.1"}


def test_kazakhstan_unit_tells_observations_apart() -> None:
    # 8.10.1 publishes two series that differ only by UNIT_MEASURE: not duplicates
    path = KAZ / "indicator_8-10-1.csv"
    result = parse_upload(path.name, path.read_bytes())
    assert result.problems == []
    units = {row.unit for row in result.rows if row.year == 2011}
    assert units == {"NUM_CBBR_PER_100000_ADL", "NUM_ATM_PER_100000_ADL"}


def test_kazakhstan_true_duplicates_name_both_rows() -> None:
    path = KAZ / "indicator_7-2-1.csv"
    result = parse_upload(path.name, path.read_bytes())
    assert [(p.row, str(p.reason)) for p in result.problems] == [
        (160, "Rows 140 and 160 give two values for the same observation: 1.3 and 1.7.")
    ]


def test_kazakhstan_geocode_and_trailing_columns() -> None:
    # GeoCode copies REF_AREA for Open SDG maps; 5-5-2 has a BOM and a trailing empty column
    path = KAZ / "indicator_17-3-1-2.csv"
    result = parse_upload(path.name, path.read_bytes())
    assert all(dim != "GeoCode" for row in result.rows for dim, _code in row.disaggregation)
    assert {row.area for row in result.rows} >= {"", "KZAKM"}
    path = KAZ / "indicator_5-5-2.csv"
    result = parse_upload(path.name, path.read_bytes())
    assert result.rows[0].indicator == "5.5.2" and result.rows[0].value == 37.2


@pytest.mark.parametrize("path", KGZ_XML, ids=lambda p: p.name)
def test_kyrgyzstan_sdmx_file(path) -> None:
    result = parse_upload(path.name, path.read_bytes())
    assert result.format == "sdmx"
    assert result.problems == []
    assert result.rows
    # the national total is "KG" in most files and the M49 code "417" in a few: kept as is
    assert all(row.series_code and row.area[:2] in {"KG", "41"} for row in result.rows)


def test_kyrgyzstan_3_2_1_has_540_observations() -> None:
    path = KGZ / "3.2.1.xml"
    result = parse_upload(path.name, path.read_bytes())
    assert len(result.rows) == 540
    first = result.rows[0]
    assert first.series_code == "SH_DYN_MORT"
    assert first.area == "KG"  # the national code is kept as in the file
    assert first.disaggregation == (("AGE", "Y0T4"),)
    assert (first.year, first.value, first.unit, first.nature, first.row) == (
        2007,
        35.3,
        "PER_1000_LIVE_BIRTHS",
        "C",
        1,
    )
    assert {row.area for row in result.rows} >= {"KG", "KG02", "KG11"}


def test_kyrgyzstan_attributes_source_and_footnote() -> None:
    path = KGZ / "1.2.2.xml"
    row = parse_upload(path.name, path.read_bytes()).rows[0]
    assert (row.series_code, row.year, row.value) == ("SI_POV_NMPI", 2016, 50.2)
    assert row.source == "* Integrated sample survey of household budgets and labor."
    path = KGZ / "1.3.1.xml"
    rows = parse_upload(path.name, path.read_bytes()).rows
    assert "excluding unemployed persons, pregnant women, newborns" in {r.footnote for r in rows}


def test_kyrgyzstan_nan_observations_are_skipped() -> None:
    path = KGZ / "17.18.3.xml"
    result = parse_upload(path.name, path.read_bytes())
    assert (len(result.rows), result.skipped_blank) == (18, 12)


def test_sdg_attributes_match_the_dsd() -> None:
    dsd = sdg_dsd()
    assert {a.id for a in dsd.attributes.components} == SDG_ATTRIBUTES


@pytest.mark.parametrize("path", KGZ_XML, ids=lambda p: p.name)
def test_streaming_reader_equals_sdmx1(path) -> None:
    data = path.read_bytes()
    streamed = parse_upload(path.name, data)
    reference = read_with_sdmx1(path.name, data)
    assert reference.problems == []
    assert streamed.rows == reference.rows
    assert streamed.skipped_blank == reference.skipped_blank


@pytest.mark.parametrize("path", KGZ_CSV, ids=lambda p: p.name)
def test_kyrgyzstan_tables(path) -> None:
    result = parse_upload(path.name, path.read_bytes())
    assert result.format == "opensdg"
    assert result.problems == []
    assert {row.indicator for row in result.rows} == {path.stem.replace("-", ".")}


def test_kyrgyzstan_table_keeps_national_column_names() -> None:
    path = KGZ / "1-5-1.csv"
    result = parse_upload(path.name, path.read_bytes())
    assert len(result.rows) == 510
    first = result.rows[0]
    assert (first.indicator, first.year, first.value) == ("1.5.1", 2007, 93.0)
    assert first.disaggregation == (("Территория", "Кыргызская Республика"),)


def test_kyrgyzstan_sdmx_converter_workbook_is_explained() -> None:
    path = KGZ / "2.4.1.1.xlsx"
    result = parse_upload(path.name, path.read_bytes())
    assert result.format == "xlsx"
    assert len(result.problems) == 1
    assert "SDMX Converter" in str(result.problems[0].reason)


def test_kazakhstan_open_sdg_workbook() -> None:
    path = KAZ / "indicator_3-1-1.xlsx"
    result = parse_upload(path.name, path.read_bytes())
    assert result.problems == []
    assert len(result.rows) == 237
    first, second = result.rows[:2]
    assert (first.indicator, first.year, first.area, first.value) == ("3.1.1", 2010, "", 22.7)
    assert (second.area, second.value) == ("KZAKT", 34.5)
