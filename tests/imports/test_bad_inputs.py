"""Bad uploads give problems, never exceptions."""

from __future__ import annotations

import gzip
import io

from indicators.imports import parse_upload
from indicators.imports._common import MAX_PROBLEMS

from .helpers import has_problem

HEADER = "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"


def test_empty_file() -> None:
    for data in (b"", b"   \n  "):
        result = parse_upload("x.csv", data)
        assert has_problem(result, "empty")
        assert result.problems[0].row is None


def test_header_only_has_no_observations() -> None:
    assert has_problem(parse_upload("x.csv", HEADER.encode()), "no observations")


def test_file_too_big() -> None:
    data = (HEADER + "3.2.1,,,2020,1,,,,\n" * 100).encode()
    result = parse_upload("x.csv", data, max_bytes=1000)
    assert has_problem(result, "larger than")
    streamed = parse_upload("x.csv", io.BytesIO(data), max_bytes=1000)
    assert has_problem(streamed, "larger than")


def test_stream_input() -> None:
    result = parse_upload("x.csv", io.BytesIO((HEADER + "3.2.1,,,2020,1,,,,\n").encode()))
    assert len(result.rows) == 1


def test_unknown_format_argument() -> None:
    assert has_problem(parse_upload("x.csv", b"a", fmt="json"), "Unknown format")


def test_pdf_named_csv() -> None:
    result = parse_upload("x.csv", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
    assert has_problem(result, "PDF document")


def test_binary_garbage() -> None:
    garbage = bytes(range(256)) * 20
    assert has_problem(parse_upload("x.csv", garbage), "not a text file")
    assert has_problem(parse_upload("x.csv", garbage, fmt="csv"), "not a text file")
    assert has_problem(parse_upload("x.csv", gzip.compress(b"a,b\n")), "compressed")


def test_html_named_csv() -> None:
    assert has_problem(parse_upload("x.csv", b"<html><body>Login</body></html>"), "web page")


def test_forced_format_on_wrong_content() -> None:
    assert parse_upload("x.xml", HEADER.encode(), fmt="sdmx").problems
    assert parse_upload("x.csv", b"<?xml version='1.0'?><a/>", fmt="csv").problems
    assert parse_upload("x.xlsx", HEADER.encode(), fmt="xlsx").problems
    assert parse_upload("x.csv", HEADER.encode(), fmt="opensdg").problems


def test_problems_are_capped(monkeypatch) -> None:
    monkeypatch.setattr("indicators.imports._common.MAX_PROBLEMS", 1000)
    data = (HEADER + "".join(f"3.2.1,,,{2000 + i % 50},x{i},,,,\n" for i in range(1500))).encode()
    result = parse_upload("x.csv", data)
    assert len(result.problems) == 1000 + 1
    assert "500 more problems" in str(result.problems[-1].reason)
    assert MAX_PROBLEMS >= 10_000  # grouped on the page: one line per distinct problem


def test_problems_are_grouped_one_line_per_distinct_problem() -> None:
    from indicators.imports.types import group_problems

    data = (HEADER + "".join(f"3.2.1,,,{2000 + i % 50},x{i},,,,\n" for i in range(1500))).encode()
    data += b"3.2.1,,,1800,1,,,,\n"
    [values, year] = group_problems(parse_upload("x.csv", data).problems)
    assert (values.count, values.places, values.values) == (
        1500,
        ["2", "3", "4"],
        ["x0", "x1", "x2"],
    )
    assert values.more and str(values.reason) == "The value is not a number."
    assert (year.count, year.places, year.column, year.more) == (1, ["1502"], "year", False)


def test_year_out_of_range_and_not_integer() -> None:
    data = (HEADER + "3.2.1,,,2020.5,1,,,,\n3.2.1,,,20155,1,,,,\n3.2.1,,,2020.0,1,,,,\n").encode()
    result = parse_upload("x.csv", data)
    assert [(p.row, p.value) for p in result.problems] == [(2, "2020.5"), (3, "20155")]
    assert result.rows[0].year == 2020


def test_non_finite_values() -> None:
    data = (
        HEADER + "3.2.1,,,2020,inf,,,,\n3.2.1,,,2021,1e999,,,,\n3.2.1,,,2022,1_000,,,,\n"
    ).encode()
    result = parse_upload("x.csv", data)
    assert [p.row for p in result.problems] == [2, 3, 4]
