"""assess: one table-driven case per rule and edge of docs/engine.md, expected values by hand."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from indicators.engine import assess
from indicators.engine.assess import ASSESS_COLUMNS

from .builders import NAN, indicator, indicators, observations, same

log = math.log

# (id, points, indicator options, cis, expected fields)
CASES: list[tuple[str, list[tuple[int, float]], dict[str, Any], bool, dict[str, Any]]] = [
    (
        "early_achiever_relative",
        [(1990, 40.0), (2000, 20.0)],
        {},
        False,
        {
            "category": "early_achiever",
            "model": "geometric",
            "rate": (20 / 40) ** (1 / 10) - 1,
            "target": 20.0,
            "t_star": NAN,
            "n_obs": 2,
            "baseline_value": 40.0,
        },
    ),
    (
        "on_track_geometric",
        [(1990, 40.0), (2000, 30.0)],
        {},
        False,
        {
            "category": "on_track",
            "model": "geometric",
            "rate": (30 / 40) ** (1 / 10) - 1,
            "t_star": 2000 + log(20 / 30) / log(1 + ((30 / 40) ** (1 / 10) - 1)),
            "target": 20.0,
        },
    ),
    (
        "off_track_slow_geometric",
        [(1990, 40.0), (2000, 36.0)],
        {},
        False,
        {
            "category": "off_track_slow",
            "model": "geometric",
            "t_star": 2000 + log(20 / 36) / log(1 + ((36 / 40) ** (1 / 10) - 1)),
        },
    ),
    (
        "off_track_regressing_wrong_direction",
        [(1990, 40.0), (2000, 44.0)],
        {},
        False,
        {
            "category": "off_track_regressing",
            "model": "linear",
            "rate": (44 - 40) / 10,
            "t_star": NAN,
        },
    ),
    (
        "zero_trend",
        [(1990, 40.0), (2000, 40.0)],
        {},
        False,
        {"category": "off_track_regressing", "model": "", "rate": 0.0, "t_star": NAN},
    ),
    (
        "one_row_is_insufficient",
        [(1995, 40.0)],
        {},
        False,
        {
            "category": "insufficient_data",
            "model": "",
            "rate": NAN,
            "n_obs": 1,
            "first_year": 1995,
            "latest_year": 1995,
            "target": 20.0,
        },
    ),
    (
        "span_below_min_span",
        [(1990, 40.0), (1992, 30.0)],
        {},
        False,
        {"category": "insufficient_data", "rate": NAN, "t_star": NAN},
    ),
    (
        "span_of_two_with_min_span_two",
        [(2003, 4.0), (2005, 3.0)],
        {"kind": "none", "value": None, "min_span_years": 2},
        False,
        {"category": "early_achiever", "rate": (3 / 4) ** (1 / 2) - 1, "target": NAN},
    ),
    (
        "no_rows_since_baseline",
        [(1980, 40.0), (1985, 30.0)],
        {},
        False,
        {"category": "insufficient_data", "n_obs": 0, "first_year": None, "target": NAN},
    ),
    (
        "cutoff_makes_target_easier_decrease",
        [(1990, 60.0), (2005, 28.0)],
        {"value": 1 / 3, "cutoff": 30.0},
        False,
        {"category": "early_achiever", "target": 30.0, "t_star": NAN},
    ),
    (
        "same_series_without_cutoff",
        [(1990, 60.0), (2005, 28.0)],
        {"value": 1 / 3},
        False,
        {
            "category": "on_track",
            "target": 60 * (1 / 3),
            "t_star": 2005 + log(60 * (1 / 3) / 28) / log(1 + ((28 / 60) ** (1 / 15) - 1)),
        },
    ),
    (
        "cutoff_harder_than_target_is_ignored",
        [(1990, 60.0), (2005, 28.0)],
        {"value": 1 / 2, "cutoff": 5.0},
        False,
        {"category": "early_achiever", "target": 30.0},
    ),
    (
        "cutoff_makes_target_easier_increase",
        [(1992, 80.0), (2004, 96.0)],
        {"kind": "absolute", "value": 100.0, "direction": "increase", "cutoff": 95.0},
        False,
        {"category": "early_achiever", "target": 95.0, "model": "linear", "rate": 16 / 12},
    ),
    (
        "cis_rule_applied",
        [(1990, 50.0), (1993, 60.0), (2000, 55.0)],
        {},
        True,
        {
            "cis_rule_applied": True,
            "n_obs": 3,
            "first_year": 1993,
            "first_value": 60.0,
            "baseline_value": 50.0,
            "target": 25.0,
            "model": "geometric",
            "rate": (55 / 60) ** (1 / 7) - 1,
            "category": "off_track_slow",
            "t_star": 2000 + log(25 / 55) / log(1 + ((55 / 60) ** (1 / 7) - 1)),
        },
    ),
    (
        "cis_country_but_signs_agree",
        [(1990, 50.0), (1993, 60.0), (2000, 40.0)],
        {},
        True,
        {"cis_rule_applied": False, "first_year": 1990, "rate": (40 / 50) ** (1 / 10) - 1},
    ),
    (
        "cis_second_row_too_close",
        [(1990, 50.0), (1998, 60.0), (2000, 55.0)],
        {},
        True,
        {
            "cis_rule_applied": False,
            "first_year": 1990,
            "model": "linear",
            "rate": 5 / 10,
            "category": "off_track_regressing",
        },
    ),
    (
        "cis_rule_not_for_other_countries",
        [(1990, 50.0), (1993, 60.0), (2000, 55.0)],
        {},
        False,
        {"cis_rule_applied": False, "first_year": 1990, "category": "off_track_regressing"},
    ),
    (
        "cis_rule_needs_three_rows",
        [(1990, 50.0), (2000, 55.0)],
        {},
        True,
        {"cis_rule_applied": False, "category": "off_track_regressing"},
    ),
    (
        "value_reaching_zero_is_linear",
        [(1990, 10.0), (2000, 0.0)],
        {},
        False,
        {"category": "early_achiever", "model": "linear", "rate": -1.0, "target": 5.0},
    ),
    (
        "start_from_zero_increasing",
        [(1990, 0.0), (2000, 10.0)],
        {"kind": "absolute", "value": 20.0, "direction": "increase"},
        False,
        {"category": "on_track", "model": "linear", "rate": 1.0, "t_star": 2010.0},
    ),
    (
        "absolute_zero_target_never_reached_geometrically",
        [(1990, 10.0), (2000, 5.0)],
        {"kind": "absolute", "value": 0.0},
        False,
        {"category": "off_track_slow", "model": "geometric", "t_star": math.inf},
    ),
    (
        "pre_baseline_rows_are_ignored",
        [(1985, 100.0), (1990, 40.0), (2000, 20.0)],
        {},
        False,
        {"category": "early_achiever", "n_obs": 2, "first_year": 1990, "baseline_value": 40.0},
    ),
    (
        "missing_values_are_dropped",
        [(1990, NAN), (1992, 40.0), (2002, 20.0), (2003, NAN)],
        {},
        False,
        {"n_obs": 2, "first_year": 1992, "latest_year": 2002, "category": "early_achiever"},
    ),
    (
        "t_star_exactly_on_target_year",
        [(2000, 10.0), (2010, 20.0)],
        {"kind": "absolute", "value": 25.0, "direction": "increase"},
        False,
        {"category": "on_track", "t_star": 2015.0, "rate": 1.0},
    ),
    (
        "t_star_one_year_after_target_year",
        [(2000, 10.0), (2010, 20.0)],
        {"kind": "absolute", "value": 26.0, "direction": "increase"},
        False,
        {"category": "off_track_slow", "t_star": 2016.0},
    ),
    (
        "increase_wanted_but_falling",
        [(2000, 30.0), (2010, 20.0)],
        {"kind": "absolute", "value": 50.0, "direction": "increase"},
        False,
        {"category": "off_track_regressing", "model": "geometric", "t_star": NAN},
    ),
    (
        "relative_target_from_first_year_not_baseline_year",
        [(1995, 40.0), (2005, 30.0)],
        {},
        False,
        {
            "baseline_value": 40.0,
            "target": 20.0,
            "category": "off_track_slow",
            "t_star": 2005 + log(20 / 30) / log(1 + ((30 / 40) ** (1 / 10) - 1)),
        },
    ),
    (
        "no_target_decrease_right_way",
        [(1990, 10.0), (2000, 8.0)],
        {"kind": "none", "value": None},
        False,
        {"category": "early_achiever", "target": NAN, "t_star": NAN, "model": "geometric"},
    ),
    (
        "no_target_no_change",
        [(1990, 10.0), (2000, 10.0)],
        {"kind": "none", "value": None},
        False,
        {"category": "on_track", "model": "", "rate": 0.0},
    ),
    (
        "no_target_wrong_way",
        [(1990, 10.0), (2000, 12.0)],
        {"kind": "none", "value": None},
        False,
        {"category": "off_track_regressing", "model": "linear", "rate": 0.2},
    ),
    (
        "no_target_increase_right_way",
        [(1990, 10.0), (2000, 12.0)],
        {"kind": "none", "value": None, "direction": "increase"},
        False,
        {"category": "early_achiever"},
    ),
    (
        "geometric_trend_needs_positive_values",
        [(1990, -1.0), (2000, -3.0)],
        {"kind": "absolute", "value": -5.0},
        False,
        {"model": "linear", "rate": -0.2, "category": "on_track", "t_star": 2010.0},
    ),
]


def _run(points: list[tuple[int, float]], options: dict[str, Any], cis: bool) -> pd.Series:
    countries = pd.DataFrame({"country": ["AAA"], "cis": ["true" if cis else "false"]})
    result = assess(observations(points), indicators(indicator(**options)), countries)
    assert len(result) == 1
    return result.iloc[0]


@pytest.mark.parametrize(
    ("points", "options", "cis", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rule(
    points: list[tuple[int, float]], options: dict[str, Any], cis: bool, expected: dict[str, Any]
) -> None:
    row = _run(points, options, cis)
    for field, value in expected.items():
        assert same(row[field], value), (field, row[field], value)


def test_columns_and_order() -> None:
    obs = pd.concat(
        [
            observations([(1990, 5.0), (2000, 4.0)], country="BBB"),
            observations([(1990, 5.0), (2000, 4.0)], country="AAA", series="SEX=F"),
            observations([(1990, 5.0), (2000, 4.0)], country="AAA", source="international"),
        ]
    )
    result = assess(obs, indicators(indicator()))
    assert list(result.columns) == ASSESS_COLUMNS
    assert result[["country", "source", "series"]].values.tolist() == [
        ["AAA", "international", ""],
        ["AAA", "national", "SEX=F"],
        ["BBB", "national", ""],
    ]


def test_cis_flags_accept_words() -> None:
    points = [(1990, 50.0), (1993, 60.0), (2000, 55.0)]
    for word in ("1", "yes", "TRUE", True):
        countries = pd.DataFrame({"country": ["AAA"], "cis": [word]})
        result = assess(observations(points), indicators(indicator()), countries)
        assert bool(result.loc[0, "cis_rule_applied"]) is True


def test_defaults_when_columns_absent() -> None:
    table = pd.DataFrame(
        {
            "indicator": ["X"],
            "target_kind": ["relative"],
            "target_value": [0.5],
            "desired_direction": ["decrease"],
        }
    )
    result = assess(observations([(1989, 90.0), (1990, 40.0), (2016, 21.0)]), table)
    row = result.iloc[0]
    assert row["first_year"] == 1990
    assert row["category"] == "off_track_slow"
    assert same(row["t_star"], 2016 + log(20 / 21) / log(1 + ((21 / 40) ** (1 / 26) - 1)))
