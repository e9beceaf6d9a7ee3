"""aggregate: imputation, weights, coverage and classification of the two points, by hand."""

from __future__ import annotations

import math
import statistics

import pandas as pd
import pytest

from indicators.engine import aggregate
from indicators.engine.aggregate import AGGREGATE_COLUMNS

from .builders import indicator, indicators, observations, same

B_POINTS = [(1992, 50.0), (1996, 40.0), (2000, 30.0)]  # decreasing: log-linear fit
C_POINTS = [(1991, 10.0), (1995, 14.0), (2000, 20.0)]  # increasing: linear fit


def _fit(points: list[tuple[int, float]], at: int, *, logs: bool) -> float:
    """OLS by the standard library, with years counted from 1990."""
    x = [float(year - 1990) for year, _ in points]
    y = [math.log(v) if logs else v for _, v in points]
    slope, intercept = statistics.linear_regression(x, y)
    fitted = intercept + slope * (at - 1990)
    return math.exp(fitted) if logs else fitted


def _inputs(
    pop2000: tuple[float, float, float],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    obs = pd.concat(
        [
            observations([(1985, 99.0), (1995, 30.0)], country="A"),
            observations(B_POINTS, country="B"),
            observations(C_POINTS, country="C"),
            observations([(1980, 5.0)], country="D"),
            observations([(1990, 1.0), (2000, 1.0)], country="OUT"),
        ]
    )
    countries = pd.DataFrame(
        {"country": ["A", "B", "C", "D", "OUT"], "region": ["R", "R", "R", "R", ""]}
    )
    population = pd.DataFrame(
        {
            "country": ["A", "B", "C", "A", "B", "C"],
            "year": [1990, 1990, 1990, 2000, 2000, 2000],
            "population": [100.0, 200.0, 300.0, *pop2000],
        }
    )
    return obs, indicators(indicator()), countries, population


def _expected_points(pop2000: tuple[float, float, float]) -> tuple[float, float]:
    b0 = _fit(B_POINTS, 1990, logs=True)
    c0 = _fit(C_POINTS, 1990, logs=False)
    value0 = (100 * 30.0 + 200 * b0 + 300 * c0) / (100 + 200 + 300)
    a, b, c = pop2000
    value1 = (a * 30.0 + b * 30.0 + c * 20.0) / (a + b + c)
    return value0, value1


def test_imputation_weights_and_classification() -> None:
    pop = (499.0, 250.0, 251.0)
    result = aggregate(*_inputs(pop))
    assert list(result.columns) == AGGREGATE_COLUMNS
    assert len(result) == 1
    row = result.iloc[0]
    value0, value1 = _expected_points(pop)
    assert (row["region"], row["indicator"], row["source"]) == ("R", "X", "national")
    assert (row["year0"], row["year1"]) == (1990, 2000)
    assert same(row["value0"], value0)
    assert same(row["value1"], value1)
    assert same(row["coverage"], (250 + 251) / 1000)
    assert (row["n_members"], row["n_imputed"]) == (3, 3)
    rate = (value1 / value0) ** (1 / 10) - 1
    t_star = 2000 + math.log(0.5 * value0 / value1) / math.log(1 + rate)
    expected = "on_track" if t_star <= 2015 else "off_track_slow"
    assert row["category"] == expected
    assert same(row["t_star"], t_star)


@pytest.mark.parametrize(
    ("pop2000", "coverage", "reported"),
    [
        ((499.0, 250.0, 251.0), 501 / 1000, True),
        ((500.0, 250.0, 250.0), 500 / 1000, False),
        ((501.0, 250.0, 249.0), 499 / 1000, False),
    ],
    ids=["just_over_half", "exactly_half", "just_under_half"],
)
def test_coverage_threshold(
    pop2000: tuple[float, float, float], coverage: float, reported: bool
) -> None:
    row = aggregate(*_inputs(pop2000)).iloc[0]
    assert same(row["coverage"], coverage)
    assert (row["category"] != "insufficient_coverage") is reported
    if not reported:
        assert math.isnan(row["value0"]) and math.isnan(row["value1"])
        assert math.isnan(row["t_star"])


def test_one_row_is_used_for_both_years() -> None:
    obs = observations([(1995, 30.0)], country="A")
    countries = pd.DataFrame({"country": ["A"], "region": ["R"]})
    population = pd.DataFrame(
        {"country": ["A", "A"], "year": [1990, 1995], "population": [1.0, 1.0]}
    )
    row = aggregate(obs, indicators(indicator()), countries, population).iloc[0]
    assert (row["year0"], row["year1"]) == (1990, 1995)
    assert row["coverage"] == 0.0
    assert row["category"] == "insufficient_coverage"
    assert (row["n_members"], row["n_imputed"]) == (1, 1)


def test_observed_values_and_indicator_population_preferred() -> None:
    obs = pd.concat(
        [
            observations([(1990, 40.0), (1995, 35.0), (2000, 20.0)], country="A"),
            observations([(1990, 10.0), (1995, 10.0), (2000, 10.0)], country="B"),
        ]
    )
    countries = pd.DataFrame({"country": ["A", "B"], "region": ["R", "R"]})
    population = pd.DataFrame(
        {
            "country": ["A", "B", "A", "B", "A"],
            "indicator": ["", "", "", "", "X"],
            "year": [1990, 1990, 2000, 2000, 2000],
            "population": [1.0, 1.0, 1.0, 1.0, 3.0],
        }
    )
    row = aggregate(obs, indicators(indicator()), countries, population).iloc[0]
    assert same(row["value0"], (40.0 + 10.0) / 2)
    assert same(row["value1"], (3 * 20.0 + 1 * 10.0) / 4)
    assert row["n_imputed"] == 0
    assert row["coverage"] == 1.0
    # 25 -> 17.5 over 10 years; target 12.5 by 2015
    rate = (17.5 / 25) ** (1 / 10) - 1
    assert same(row["t_star"], 2000 + math.log(12.5 / 17.5) / math.log(1 + rate))


def test_latest_year_given() -> None:
    obs, ind, countries, population = _inputs((499.0, 250.0, 251.0))
    population = pd.concat(
        [
            population,
            pd.DataFrame({"country": ["B", "C"], "year": [1996, 1996], "population": [1.0, 3.0]}),
        ]
    )
    row = aggregate(obs, ind, countries, population, latest_year=1996).iloc[0]
    assert row["year1"] == 1996
    assert row["coverage"] == 0.0  # nobody has more than two rows in [1990, 1996]
    assert row["category"] == "insufficient_coverage"


def test_linear_fit_at_t1_for_increasing_member() -> None:
    obs = pd.concat(
        [
            observations(C_POINTS, country="C"),
            observations([(1990, 1.0), (1993, 2.0), (2004, 3.0)], country="E"),
        ]
    )
    countries = pd.DataFrame({"country": ["C", "E"], "region": ["R", "R"]})
    population = pd.DataFrame(
        {
            "country": ["C", "E", "C", "E"],
            "year": [1990, 1990, 2004, 2004],
            "population": [1.0, 1.0, 1.0, 1.0],
        }
    )
    ind = indicators(indicator(kind="none", value=None, direction="increase"))
    row = aggregate(obs, ind, countries, population).iloc[0]
    c0 = _fit(C_POINTS, 1990, logs=False)
    c1 = _fit(C_POINTS, 2004, logs=False)
    assert same(row["value0"], (c0 + 1.0) / 2)
    assert same(row["value1"], (c1 + 3.0) / 2)
    assert row["category"] == "early_achiever"
    assert row["n_imputed"] == 1
