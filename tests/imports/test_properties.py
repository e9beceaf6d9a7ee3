"""Property tests: no input raises; the template round-trips."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.imports import ParseResult, parse_upload, write_template

PREFIXES = [
    b"",
    b"PK\x03\x04",
    b"<?xml version='1.0'?>",
    b"Year,Value\n",
    b"indicator,year,value\n",
    b"\xef\xbb\xbf",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=2000),
    fmt=st.sampled_from([None, "csv", "opensdg", "sdmx", "xlsx"]),
)
def test_arbitrary_bytes_never_raise(prefix: bytes, body: bytes, fmt: str | None) -> None:
    result = parse_upload("upload.bin", prefix + body, fmt)
    assert isinstance(result, ParseResult)
    for problem in result.problems:
        str(problem.reason)  # every reason renders


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=500), fmt=st.sampled_from([None, "csv", "opensdg"]))
def test_arbitrary_text_never_raises(text: str, fmt: str | None) -> None:
    result = parse_upload(
        "indicator_1-1-1.csv", ("Year,SEX,Value\n" + text).encode("utf-8", "surrogatepass"), fmt
    )
    assert isinstance(result, ParseResult)


codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", min_size=1, max_size=8).filter(
    lambda c: c not in {"_T", "_Z"}
)
dims = st.sampled_from(["SEX", "AGE", "URBANISATION", "EDUCATION_LEV"])
free_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="="), max_size=30
).map(str.strip)
row_strategy = st.fixed_dictionaries(
    {
        "indicator": st.sampled_from(["3.2.1", "1.1.1", "16.3.2.1"]),
        "area": st.sampled_from(["", "KG02", "417"]),
        "disaggregation": st.dictionaries(dims, codes, max_size=3).map(
            lambda d: tuple(sorted(d.items()))
        ),
        "year": st.integers(1990, 2030),
        "value": st.floats(min_value=-1e300, max_value=1e300, allow_nan=False),
        "unit": st.sampled_from(["", "PT", "PER_1000_LIVE_BIRTHS"]),
        "nature": st.sampled_from(["", "C", "E"]),
        "source": free_text,
        "footnote": free_text,
    }
)


def _key(row: dict) -> tuple:
    return (row["indicator"], row["area"], row["disaggregation"], row["year"], row["unit"])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(row_strategy, min_size=1, max_size=20, unique_by=_key))
def test_template_round_trip(rows: list[dict]) -> None:
    buffer = io.BytesIO()
    write_template(buffer, rows, country_name="Kazakhstan", round_name="2025", indicators=[])
    result = parse_upload("template.xlsx", buffer.getvalue())
    assert result.problems == []
    got = [{name: getattr(parsed, name) for name in rows[0]} for parsed in result.rows]
    # openpyxl writes floats with 16 significant digits (Excel itself keeps 15)
    expected = [{**row, "value": float(f"{row['value']:.16g}")} for row in rows]
    assert got == expected
    assert [parsed.row for parsed in result.rows] == list(range(2, len(rows) + 2))
