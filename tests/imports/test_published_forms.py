"""Files as national platforms publish them: attribute columns, unit labels, periods, keys.

Small files written from the Open SDG data format (a tidy CSV: Year first, Value last, one
column per breakdown or attribute) and SDMX-ML; each reproduces a case of issue 13.
"""

from __future__ import annotations

import pytest

from indicators.imports import parse_upload
from indicators.imports._common import parse_period

from .helpers import ss_message


def _csv(name: str, text: str):
    return parse_upload(name, text.encode())


def test_attribute_columns_are_not_breakdowns() -> None:
    text = (
        "Year,Series,Units,Unit multiplier,Observation status,Nature,Reporting type,"
        "GeoCode,Footnote,Value\n"
        "2015,SH_DYN_MORT,per 1,000 live births,0,A,C,N,,provisional,21.5\n"
    ).replace("per 1,000 live births", '"per 1,000 live births"')
    result = _csv("indicator_3-2-1.csv", text)
    assert result.problems == []
    [row] = result.rows
    # a file whose only extra columns are attributes gives national totals
    assert (row.area, row.disaggregation) == ("", ())
    assert (row.series_code, row.unit, row.nature, row.footnote) == (
        "SH_DYN_MORT",
        "per 1,000 live births",
        "C",
        "provisional",
    )
    [note] = [str(n) for n in result.notes]
    assert "Unit multiplier, Observation status, GeoCode" in note
    assert row.reporting_type == "N"


def test_sdmx_names_of_attribute_columns_in_any_case() -> None:
    text = "Year,UNIT_MULT,OBS_STATUS,unit_measure,SEX,Value\n2015,0,A,PT,F,40\n2015,0,A,PT,,41\n"
    result = _csv("indicator_5-5-2.csv", text)
    assert result.problems == []
    assert [(r.disaggregation, r.unit) for r in result.rows] == [
        ((("SEX", "F"),), "PT"),
        ((), "PT"),
    ]


def test_a_repeated_column_is_still_refused() -> None:
    result = _csv("indicator_5-5-2.csv", "Year,SEX,SEX,Value\n2015,F,F,40\n")
    assert [(p.column, str(p.reason)) for p in result.problems] == [
        ("SEX", "This column appears twice.")
    ]


@pytest.mark.parametrize(
    ("raw", "sdmx", "expected"),
    [
        ("2015", False, (2015, "", None)),
        ("2014-15", False, (2015, "2014-15", None)),
        ("2014/2015", False, (2015, "2014/2015", None)),
        ("2014/15", False, (2015, "2014/15", None)),
        ("1999-00", False, (2000, "1999-00", None)),
        ("2011-12", False, (2012, "2011-12", None)),  # a survey in a CSV
        ("2011-12", True, (2011, "2011-12", ("M", 12))),  # December in SDMX
        ("2011-03", False, (2011, "2011-03", ("M", 3))),
        ("2000 Q1", False, (2000, "2000 Q1", ("Q", 1))),
        ("2000-Q4", True, (2000, "2000-Q4", ("Q", 4))),
        ("2000-M07", True, (2000, "2000-M07", ("M", 7))),
        ("2000-S2", True, (2000, "2000-S2", ("S", 2))),
    ],
)
def test_periods(raw: str, sdmx: bool, expected: tuple) -> None:
    period = parse_period(raw, sdmx=sdmx)
    assert period is not None
    assert (period.year, period.published, period.part) == expected


@pytest.mark.parametrize("raw", ["2000-Q5", "2000-M13", "2014-2025", "2015-W01", "15", "2015-1-1"])
def test_not_periods(raw: str) -> None:
    assert parse_period(raw) is None


def test_survey_period_counts_for_its_ending_year() -> None:
    result = _csv("indicator_3-2-1.csv", "Year,Value\n2005-06,30\n2012/2013,25\n")
    assert result.problems == []
    assert [(r.year, r.period, r.value) for r in result.rows] == [
        (2006, "2005-06", 30.0),
        (2013, "2012/2013", 25.0),
    ]


def test_survey_period_and_its_year_are_one_observation() -> None:
    result = _csv("indicator_3-2-1.csv", "Year,Value\n2014-15,30\n2015,31\n")
    assert [str(p.reason) for p in result.problems] == [
        "Rows 2 and 3 give two values for the same observation: 30 and 31."
    ]


def test_four_quarters_make_a_year_three_do_not() -> None:
    text = "Year,SEX,Value\n" + "".join(
        f"2000 Q{q},F,{v}\n" for q, v in ((1, 10), (2, 12), (3, 14), (4, 16))
    )
    text += "2001-Q1,F,20\n2001-Q2,F,21\n2001-Q3,F,22\n"
    result = _csv("indicator_8-5-2.csv", text)
    assert result.problems == []
    [row] = result.rows
    assert (row.year, row.period, row.value, row.row) == (2000, "2000 Q1..2000 Q4", 13.0, 2)
    assert result.not_used == {"8.5.2 SEX=F 2001 2001-Q1..2001-Q3": 3}


def test_twelve_months_in_sdmx_make_a_year() -> None:
    dims = dict(series="SL_TLF_UEM", area="KG", sex="_T", unit="PT")
    months = [f'TIME_PERIOD="2020-{m:02d}" OBS_VALUE="{m}"' for m in range(1, 13)]
    result = parse_upload("m.xml", ss_message([(dims, months)]))
    assert result.problems == []
    [row] = result.rows
    assert (row.year, row.value, row.period) == (2020, 6.5, "2020-01..2020-12")


def test_a_quarter_given_twice_is_refused_with_both_values() -> None:
    dims = dict(series="SL_TLF_UEM", area="KG", sex="_T", unit="PT")
    obs = ['TIME_PERIOD="2020-Q1" OBS_VALUE="5"', 'TIME_PERIOD="2020-Q1" OBS_VALUE="6"']
    result = parse_upload("m.xml", ss_message([(dims, obs)]))
    assert [(p.place, str(p.reason)) for p in result.problems] == [
        ("SL_TLF_UEM KG 2020-Q1", "SL_TLF_UEM KG 2020-Q1 is given twice, with 5 and 6.")
    ]


def test_a_whole_year_beside_its_quarters_wins() -> None:
    text = "Year,Value\n2000,11\n" + "".join(f"2000-Q{q},{q}\n" for q in range(1, 5))
    result = _csv("indicator_8-5-2.csv", text)
    assert [(r.year, r.period, r.value) for r in result.rows] == [(2000, "", 11.0)]
    assert result.not_used == {"8.5.2 2000 2000-Q1..2000-Q4": 4}
