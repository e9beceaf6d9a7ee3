"""discrepancies: every status and flag, tolerances at their boundary, and the summary."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from indicators.engine import discrepancies, discrepancy_summary
from indicators.engine.discrepancies import DISCREPANCY_COLUMNS, SUMMARY_COLUMNS

from .builders import NAN, indicator, indicators, observations, same

Points = list[tuple[int, float]]

# (id, national points, international points, international nature, indicator options, expected)
CASES: list[tuple[str, Points, Points, str, dict[str, Any], dict[str, Any]]] = [
    (
        "national_only",
        [(1990, 10.0), (2000, 5.0)],
        [],
        "",
        {},
        {
            "status": "national_only",
            "common_years": 0,
            "max_abs_rel_diff": NAN,
            "national_latest_year": 2000,
            "international_latest_year": None,
            "latest_year_differs": False,
            "international_category": "",
        },
    ),
    (
        "international_only",
        [],
        [(1990, 10.0), (2000, 5.0)],
        "E",
        {},
        {
            "status": "international_only",
            "national_category": "",
            "international_category": "early_achiever",
            "international_estimated": True,
            "classification_differs": False,
        },
    ),
    (
        "no_common_year",
        [(1990, 10.0)],
        [(1991, 10.0)],
        "C",
        {},
        {
            "status": "no_common_year",
            "common_years": 0,
            "latest_year_differs": True,
            "international_estimated": False,
        },
    ),
    (
        "relative_difference_exactly_at_tolerance_is_consistent",
        [(1990, 40.0), (2000, 20.0)],
        [(1990, 42.0), (2000, 20.0)],
        "C",
        {},
        {
            "status": "consistent",
            "common_years": 2,
            "discrepant_years": 0,
            "max_abs_rel_diff": (42 - 40) / 40,
            "latest_year_differs": False,
        },
    ),
    (
        "relative_difference_above_tolerance",
        [(1990, 40.0), (2000, 20.0)],
        [(1990, 40.0), (2000, 21.5)],
        "M",
        {},
        {
            "status": "discrepant",
            "discrepant_years": 1,
            "max_abs_rel_diff": 1.5 / 20,
            "international_estimated": True,
        },
    ),
    (
        "negative_difference_counts_by_absolute_value",
        [(2000, 20.0)],
        [(2000, 18.0)],
        "G",
        {},
        {"status": "discrepant", "max_abs_rel_diff": 2 / 20, "international_estimated": True},
    ),
    (
        "abs_tolerance_keeps_small_differences",
        [(2000, 2.0)],
        [(2000, 2.5)],
        "",
        {"abs_tolerance": 0.5},
        {"status": "consistent", "max_abs_rel_diff": 0.25},
    ),
    (
        "indicator_rel_tolerance",
        [(2000, 2.0)],
        [(2000, 2.5)],
        "",
        {"rel_tolerance": 0.3},
        {"status": "consistent"},
    ),
    (
        # rel_diff is blank when the national value is 0, and a blank is never above the
        # relative tolerance: the year is common but not discrepant (D8), by hand.
        "national_zero_has_no_rel_diff_so_never_discrepant",
        [(2000, 0.0)],
        [(2000, 1.0)],
        "",
        {},
        {
            "status": "consistent",
            "common_years": 1,
            "max_abs_rel_diff": NAN,
            "discrepant_years": 0,
        },
    ),
    (
        # 1990: national 0 (blank rel_diff, not discrepant); 2000: 12 vs 10, 2/10 = 0.2 > 0.05
        "national_zero_year_beside_a_discrepant_year",
        [(1990, 0.0), (2000, 10.0)],
        [(1990, 3.0), (2000, 12.0)],
        "",
        {},
        {
            "status": "discrepant",
            "common_years": 2,
            "discrepant_years": 1,
            "max_abs_rel_diff": 0.2,
        },
    ),
    (
        "both_zero_is_consistent",
        [(2000, 0.0)],
        [(2000, 0.0)],
        "",
        {},
        {"status": "consistent", "max_abs_rel_diff": NAN},
    ),
    (
        "classification_differs",
        [(1990, 40.0), (2000, 20.0)],
        [(1990, 40.0), (2000, 44.0)],
        "",
        {},
        {
            "national_category": "early_achiever",
            "international_category": "off_track_regressing",
            "classification_differs": True,
        },
    ),
    (
        "classification_not_compared_when_insufficient",
        [(1990, 40.0), (2000, 20.0)],
        [(2000, 20.0)],
        "",
        {},
        {
            "international_category": "insufficient_data",
            "classification_differs": False,
            "status": "consistent",
            "latest_year_differs": False,
        },
    ),
    (
        "missing_values_do_not_count",
        [(1990, 40.0), (2000, NAN)],
        [(1990, 40.0), (2000, 20.0)],
        "",
        {},
        {"common_years": 1, "national_latest_year": 1990, "latest_year_differs": True},
    ),
]


@pytest.mark.parametrize(
    ("national", "international", "nature", "options", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_status_and_flags(
    national: Points,
    international: Points,
    nature: str,
    options: dict[str, Any],
    expected: dict[str, Any],
) -> None:
    frames = [
        observations(national, source="national", nature="C"),
        observations(international, source="international", nature=nature),
    ]
    obs = pd.concat([frame for frame in frames if len(frame)])
    result = discrepancies(obs, indicators(indicator(**options)))
    assert list(result.columns) == DISCREPANCY_COLUMNS
    assert len(result) == 1
    row = result.iloc[0]
    for field, value in expected.items():
        assert same(row[field], value), (field, row[field], value)


def test_series_without_any_value_gives_no_row() -> None:
    obs = pd.concat(
        [
            observations([(2000, NAN)], country="AAA"),
            observations([(2000, 1.0)], country="BBB"),
        ]
    )
    result = discrepancies(obs, indicators(indicator()))
    assert result["country"].tolist() == ["BBB"]


def test_summary_counts_and_share() -> None:
    obs = pd.concat(
        [
            observations([(2000, 1.0)], indicator="X", source="national"),
            observations([(2000, 1.0)], indicator="X", source="international"),
            observations([(2000, 1.0)], indicator="Y", source="national"),
            observations([(2000, 2.0)], indicator="Y", source="international"),
            observations([(2000, 1.0)], indicator="Z", source="national"),
            observations([(2000, 1.0)], indicator="Z", source="national", series="SEX=F"),
            observations([(2000, 1.0)], indicator="Z", source="international", series="SEX=M"),
            observations([(2001, 1.0)], indicator="X", source="international", series="SEX=F"),
            observations([(2000, 1.0)], indicator="X", source="national", series="SEX=F"),
            observations([(2000, 1.0)], country="BBB"),
        ]
    )
    table = discrepancies(obs, indicators(indicator("X"), indicator("Y"), indicator("Z")))
    summary = discrepancy_summary(table)
    assert list(summary.columns) == SUMMARY_COLUMNS
    aaa = summary.set_index("country").loc["AAA"]
    assert aaa["series"] == 6
    assert (aaa["national_only"], aaa["international_only"], aaa["no_common_year"]) == (2, 1, 1)
    assert (aaa["discrepant"], aaa["consistent"]) == (1, 1)
    assert aaa["discrepant_share"] == 1 / 2
    bbb = summary.set_index("country").loc["BBB"]
    assert bbb["national_only"] == 1 and math.isnan(bbb["discrepant_share"])
