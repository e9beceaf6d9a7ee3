"""One rule for years and numbers: national uploads (portal CSV, Open SDG CSV) and agencies'
releases (SDG API CSV) read the same cells the same way (indicators/imports/README.md).

The files reproduce publishers' habits: unit labels, OBS_STATUS and COMMENT columns,
lower-case codes, survey periods, semicolons with decimal commas, UN ".." for missing.
"""

from __future__ import annotations

import pytest

from indicators.imports import parse_upload

PORTAL = "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"


def _portal(year: str, value: str, sep: str = ",") -> bytes:
    cells = ["3.2.1", "", "", year, value, "", "", "", ""]
    return (PORTAL.replace(",", sep) + sep.join(cells) + "\n").encode()


def _opensdg(year: str, value: str, sep: str = ",") -> bytes:
    return (f"Year{sep}Units{sep}Value\n{year}{sep}Percent{sep}{value}\n").encode()


def _sdg(year: str, value: str, sep: str = ",") -> bytes:
    header = sep.join(["SeriesCode", "GeoAreaCode", "TimePeriod", "Value"])
    return (f"{header}\n" + sep.join(["SH_DYN_MORT", "417", year, value]) + "\n").encode()


READERS = {
    "portal": lambda y, v, s=",": parse_upload("x.csv", _portal(y, v, s), "csv"),
    "opensdg": lambda y, v, s=",": parse_upload(
        "indicator_3-2-1.csv", _opensdg(y, v, s), "opensdg"
    ),
    "sdg-csv": lambda y, v, s=",": parse_upload("u.csv", _sdg(y, v, s), "sdg-csv"),
}


@pytest.mark.parametrize("reader", ["opensdg", "sdg-csv"])
@pytest.mark.parametrize(
    ("raw", "year", "period"),
    [
        ("2015", 2015, ""),
        ("2015.0", 2015, ""),
        ("2014-2015", 2015, "2014-2015"),
        ("2014-15", 2015, "2014-15"),
        ("2014/15", 2015, "2014/15"),
    ],
)
def test_years_read_alike(reader: str, raw: str, year: int, period: str) -> None:
    result = READERS[reader](raw, "12.5")
    assert not result.problems, [str(p.reason) for p in result.problems]
    [row] = result.rows
    assert (row.year, row.period, row.value) == (year, period, 12.5)


@pytest.mark.parametrize("reader", ["portal", "opensdg", "sdg-csv"])
@pytest.mark.parametrize(
    ("raw", "value"),
    [("12.5", 12.5), ("-3", -3.0), ("1e3", 1000.0), (" 7 ", 7.0), (".5", 0.5)],
)
def test_numbers_read_alike(reader: str, raw: str, value: float) -> None:
    result = READERS[reader]("2015", raw)
    assert not result.problems
    assert [row.value for row in result.rows] == [value]


@pytest.mark.parametrize("reader", ["portal", "opensdg", "sdg-csv"])
def test_decimal_comma_only_in_semicolon_files(reader: str) -> None:
    semicolon = READERS[reader]("2015", "17,25", ";")
    assert not semicolon.problems
    assert [row.value for row in semicolon.rows] == [17.25]


@pytest.mark.parametrize("reader", ["portal", "opensdg", "sdg-csv"])
@pytest.mark.parametrize("raw", ["", "NaN", "nan", "..", "\u2026"])
def test_blanks_are_skipped_and_counted(reader: str, raw: str) -> None:
    result = READERS[reader]("2015", raw)
    assert result.rows == []
    assert result.skipped_blank == 1
    # nothing else in the file: refused as empty, never as a bad value
    assert [str(p.reason) for p in result.problems] == ["The file contains no observations."]


@pytest.mark.parametrize("reader", ["portal", "opensdg", "sdg-csv"])
@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("1 234 567", "thousands separators"),
        ("1\u00a0234", "thousands separators"),
        ("1,234,567.5", "thousands separators"),
        ("<5", "flag or sign"),
        (">95", "flag or sign"),
        ("12.3e", "flag or sign"),
        ("12.3 (p)", "flag or sign"),
        ("45*", "flag or sign"),
        ("-", "not a number"),
        ("n/a", "not a number"),
        ("inf", "not a number"),
        ("twelve", "not a number"),
    ],
)
def test_bad_numbers_are_refused_naming_row_field_and_reason(
    reader: str, raw: str, says: str
) -> None:
    sep = ";" if "," in raw else ","
    result = READERS[reader]("2015", raw, sep)
    assert result.rows == []
    [problem] = result.problems
    assert problem.row == 2
    assert problem.column.lower() == "value"
    assert problem.value == raw.strip()
    assert says in str(problem.reason)


@pytest.mark.parametrize("reader", ["opensdg", "sdg-csv"])
@pytest.mark.parametrize("raw", ["15", "2015Q5", "2019-2030", "year", "1850"])
def test_bad_periods_are_refused_naming_row_field_and_reason(reader: str, raw: str) -> None:
    result = READERS[reader](raw, "1")
    [problem] = result.problems
    assert (problem.row, problem.column.lower()) == (
        2,
        "year" if reader == "opensdg" else "timeperiod",
    )
    assert "time period must be a year" in str(problem.reason)


@pytest.mark.parametrize("reader", ["opensdg", "sdg-csv"])
def test_quarters_make_one_year_in_both(reader: str) -> None:
    sep = ","
    if reader == "opensdg":
        body = "Year,Value\n" + "".join(f"2015-Q{q},{q}\n" for q in range(1, 5))
        result = parse_upload("indicator_3-2-1.csv", body.encode(), "opensdg")
    else:
        body = "SeriesCode,GeoAreaCode,TimePeriod,Value\n" + "".join(
            f"SH_DYN_MORT{sep}417{sep}2015Q{q}{sep}{q}\n" for q in range(1, 5)
        )
        result = parse_upload("u.csv", body.encode(), "sdg-csv")
    assert not result.problems
    assert [(row.year, row.value) for row in result.rows] == [(2015, 2.5)]


def test_sdg_csv_publishers_habits() -> None:
    """Lower-case codes, unit labels, OBS_STATUS and COMMENT, survey periods, UN '..' and
    a semicolon file with decimal commas, as agencies export them from spreadsheets."""
    text = (
        "\ufeffseriescode;geoareacode;timeperiod;value;[Sex];[Units];OBS_STATUS;COMMENT\n"
        "SH_STA_MMR;kgz;2014-2015;17,5;female;Percent;E;survey\n"
        "SH_STA_MMR;kgz;2016;..;female;Percent;M;\n"
        "SH_STA_MMR;398;2016;9;MALE;Percent;A;\n"
    )
    result = parse_upload("release.csv", text.encode(), "sdg-csv")
    assert not result.problems
    assert result.skipped_blank == 1
    got = [
        (r.series_code, r.area, r.disaggregation, r.year, r.period, r.value, r.unit, r.footnote)
        for r in result.rows
    ]
    assert got == [
        ("SH_STA_MMR", "kgz", (("SEX", "F"),), 2015, "2014-2015", 17.5, "Percent", "survey"),
        ("SH_STA_MMR", "398", (("SEX", "M"),), 2016, "", 9.0, "Percent", ""),
    ]


def test_sdg_csv_missing_columns_are_named() -> None:
    result = parse_upload(
        "r.csv", b"SeriesCode,GeoArea,Year,Value\nSH_DYN_MORT,417,2015,1\n", "sdg-csv"
    )
    assert result.rows == []
    assert sorted(p.column for p in result.problems) == ["GeoAreaCode", "TimePeriod"]
    assert all("required column is missing" in str(p.reason) for p in result.problems)


def test_sdg_csv_duplicates_are_refused_with_both_values() -> None:
    text = "SeriesCode,GeoAreaCode,TimePeriod,Value\nSH_DYN_MORT,417,2015,1\nSH_DYN_MORT,417,2015.0,2\n"
    result = parse_upload("r.csv", text.encode(), "sdg-csv")
    [problem] = result.problems
    assert problem.row == 3
    assert "Rows 2 and 3 give two values for the same observation: 1 and 2." == str(problem.reason)


def test_sdg_csv_is_never_detected_for_national_uploads() -> None:
    text = "SeriesCode,GeoAreaCode,TimePeriod,Value\nSH_DYN_MORT,417,2015,1\n"
    assert parse_upload("r.csv", text.encode()).format != "sdg-csv"
