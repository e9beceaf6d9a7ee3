"""Properties of aggregate and discrepancies that hold for any data (hypothesis), read from
the contract docs/engine.md (sections 3 and 4, decisions D7, D13-D18, D8-D12)."""

from __future__ import annotations

import math
from random import Random
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine import aggregate, discrepancies, discrepancy_summary
from indicators.engine.discrepancies import STATUSES

from .builders import indicator, indicators

BASELINE = 1990
COLUMNS = ["country", "indicator", "source", "series", "year", "value", "nature"]
MEMBERS = ("A", "B", "C", "D")
INDICATORS = indicators(
    indicator("REL", kind="relative", value=0.5),
    indicator("ABS", kind="absolute", value=20.0, direction="increase", cutoff=15.0),
)

values = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
weights = st.floats(min_value=1.0, max_value=1e8, allow_nan=False, allow_infinity=False)


def _shuffled(frame: pd.DataFrame, random: Random) -> pd.DataFrame:
    order = list(range(len(frame)))
    random.shuffle(order)
    return frame.iloc[order].reset_index(drop=True)


@st.composite
def region_inputs(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Observations of members of regions R and S (total series, both sources), the
    memberships (D in both regions) and default populations of every year used."""
    rows = []
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(MEMBERS),
                st.sampled_from(["REL", "ABS"]),
                st.sampled_from(["national", "international"]),
            ),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    for country, code, source in keys:
        years = draw(st.lists(st.integers(1985, 2010), min_size=1, max_size=6, unique=True))
        for year in years:
            rows.append((country, code, source, "", year, draw(values), ""))
    obs = pd.DataFrame(rows, columns=COLUMNS)
    countries = pd.DataFrame(
        {"country": ["A", "B", "C", "D", "D"], "region": ["R", "R", "S", "S", "R"]}
    )
    population_rows = [
        (country, year, draw(weights))
        for country in MEMBERS
        for year in range(1985, 2011)
        if draw(st.integers(0, 9)) > 0  # now and then a missing weight (D15)
    ]
    population = pd.DataFrame(population_rows, columns=["country", "year", "population"])
    return obs, countries, population


@settings(max_examples=25, deadline=None)
@given(region_inputs(), st.randoms(use_true_random=False))
def test_aggregate_never_depends_on_the_order_of_rows(
    inputs: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], random: Random
) -> None:
    obs, countries, population = inputs
    pd.testing.assert_frame_equal(
        aggregate(obs, INDICATORS, countries, population),
        aggregate(
            _shuffled(obs, random),
            INDICATORS,
            _shuffled(countries, random),
            _shuffled(population, random),
        ),
    )


@settings(max_examples=25, deadline=None)
@given(region_inputs())
def test_aggregate_coverage_counts_and_blanks_are_consistent(
    inputs: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    obs, countries, population = inputs
    result = aggregate(obs, INDICATORS, countries, population)
    # pandas-stubs types a row's fields as any scalar (str, bytes, dates...): it cannot know the
    # engine's column dtypes, which ASSESS/AGGREGATE/DISCREPANCY_COLUMNS document.
    row: Any
    for row in result.itertuples():
        assert 0.0 <= row.coverage <= 1.0  # D16
        assert 0 <= row.n_imputed <= row.n_members  # D17
        assert 1 <= row.n_members <= len(countries[countries["region"] == row.region])
        insufficient = row.category == "insufficient_coverage"
        assert insufficient == (row.coverage <= 0.5), row
        if insufficient:  # D16: values and t* blank, coverage always filled
            assert math.isnan(row.value0) and math.isnan(row.value1) and math.isnan(row.t_star)


@settings(max_examples=25, deadline=None)
@given(region_inputs(), st.integers(-20, 20))
def test_scaling_every_population_never_changes_an_aggregate(
    inputs: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], power: int
) -> None:
    # a weighted mean and a share of population do not depend on the unit of the weights;
    # powers of two scale exactly in binary floating point
    obs, countries, population = inputs
    scaled = population.assign(population=population["population"] * 2.0**power)
    before = aggregate(obs, INDICATORS, countries, population)
    after = aggregate(obs, INDICATORS, countries, scaled)
    pd.testing.assert_frame_equal(before, after, check_exact=False, rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1991, 2010), values), min_size=2, max_size=6, unique_by=lambda p: p[0]
    ),
    values,
    weights,
)
def test_a_region_of_one_member_with_every_weight_is_that_member(
    points: list[tuple[int, float]], first: float, weight: float
) -> None:
    """Observed at the baseline year and at t1, a lone member is its own aggregate."""
    rows = [("A", "REL", "national", "", BASELINE, first, "")]
    rows += [("A", "REL", "national", "", year, value, "") for year, value in points]
    obs = pd.DataFrame(rows, columns=COLUMNS)
    countries = pd.DataFrame({"country": ["A"], "region": ["R"]})
    population = pd.DataFrame(
        {"country": "A", "year": list(range(BASELINE, 2011)), "population": weight}
    )
    row: Any
    (row,) = aggregate(obs, INDICATORS, countries, population).itertuples()
    latest_year, latest = max(points)
    assert (row.year0, row.year1) == (BASELINE, latest_year)
    assert math.isclose(row.value0, first, rel_tol=1e-12)
    assert math.isclose(row.value1, latest, rel_tol=1e-12)
    assert (row.coverage, row.n_members, row.n_imputed) == (1.0, 1, 0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(values, values, weights), min_size=1, max_size=4))
def test_an_aggregate_lies_between_its_members_values(
    members: list[tuple[float, float, float]],
) -> None:
    """Every member observed at the baseline year and at 2000: a weighted mean of them."""
    names = MEMBERS[: len(members)]
    rows = []
    for name, (v0, v1, _weight) in zip(names, members, strict=False):
        rows += [(name, "REL", "national", "", BASELINE, v0, "")]
        rows += [(name, "REL", "national", "", 1995, (v0 + v1) / 2, "")]
        rows += [(name, "REL", "national", "", 2000, v1, "")]
    obs = pd.DataFrame(rows, columns=COLUMNS)
    countries = pd.DataFrame({"country": list(names), "region": "R"})
    population = pd.DataFrame(
        [
            (name, year, w)
            for name, (_a, _b, w) in zip(names, members, strict=False)
            for year in (1990, 2000)
        ],
        columns=["country", "year", "population"],
    )
    row: Any
    (row,) = aggregate(obs, INDICATORS, countries, population).itertuples()
    v0s = [m[0] for m in members]
    v1s = [m[1] for m in members]
    assert min(v0s) * (1 - 1e-12) <= row.value0 <= max(v0s) * (1 + 1e-12)
    assert min(v1s) * (1 - 1e-12) <= row.value1 <= max(v1s) * (1 + 1e-12)
    assert (row.coverage, row.n_members, row.n_imputed) == (1.0, len(members), 0)


@st.composite
def compared_rows(draw: st.DrawFn, natures: tuple[str, ...] = ("", "C", "E")) -> pd.DataFrame:
    """National and international series of a few countries, indicators and series."""
    rows = []
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["A", "B"]),
                st.sampled_from(["REL", "ABS"]),
                st.sampled_from(["national", "international"]),
                st.sampled_from(["", "SEX=F"]),
            ),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    for country, code, source, series in keys:
        years = draw(st.lists(st.integers(1990, 2005), min_size=1, max_size=5, unique=True))
        for year in years:
            value = draw(st.one_of(values, st.just(0.0)))
            rows.append(
                (country, code, source, series, year, value, draw(st.sampled_from(natures)))
            )
    return pd.DataFrame(rows, columns=COLUMNS)


@settings(max_examples=30, deadline=None)
@given(compared_rows(), st.randoms(use_true_random=False))
def test_discrepancies_never_depend_on_the_order_of_rows(obs: pd.DataFrame, random: Random) -> None:
    pd.testing.assert_frame_equal(
        discrepancies(obs, INDICATORS), discrepancies(_shuffled(obs, random), INDICATORS)
    )


@settings(max_examples=30, deadline=None)
@given(compared_rows())
def test_statuses_counts_and_flags_agree(obs: pd.DataFrame) -> None:
    result = discrepancies(obs, INDICATORS)
    keys = obs[["country", "indicator", "series"]].drop_duplicates()
    assert len(result) == len(keys)  # one row per (country, indicator, series)
    row: Any
    for row in result.itertuples():
        assert row.status in STATUSES
        assert 0 <= row.discrepant_years <= row.common_years
        assert (row.status == "discrepant") == (row.discrepant_years > 0)
        assert (row.status in ("discrepant", "consistent")) == (row.common_years > 0)
        assert math.isnan(row.max_abs_rel_diff) or row.max_abs_rel_diff >= 0
        both = row.status not in ("national_only", "international_only")
        assert row.latest_year_differs == (
            both and row.national_latest_year != row.international_latest_year
        )
    summary = discrepancy_summary(result)
    assert summary["series"].sum() == len(result)
    assert (summary[list(STATUSES)].sum(axis=1) == summary["series"]).all()
    share = summary["discrepant_share"].dropna()
    assert ((share >= 0) & (share <= 1)).all()


SWAPPED_STATUS = {
    "national_only": "international_only",
    "international_only": "national_only",
    "no_common_year": "no_common_year",
}


@settings(max_examples=30, deadline=None)
@given(compared_rows(natures=("",)))
def test_swapping_the_sources_swaps_the_facts(obs: pd.DataFrame) -> None:
    """Which source has values, their common years, latest years and categories do not
    depend on which one is called national (the relative difference does: D8)."""
    swapped = obs.assign(
        source=obs["source"].map({"national": "international", "international": "national"})
    )
    before = discrepancies(obs, INDICATORS)
    after = discrepancies(swapped, INDICATORS)
    one: Any
    other: Any
    for one, other in zip(before.itertuples(), after.itertuples(), strict=True):
        assert (one.country, one.indicator, one.series) == (
            other.country,
            other.indicator,
            other.series,
        )
        assert one.common_years == other.common_years
        if one.status in SWAPPED_STATUS:
            assert other.status == SWAPPED_STATUS[one.status]
        else:
            assert other.status in ("discrepant", "consistent")
        assert _same(one.national_latest_year, other.international_latest_year)
        assert _same(one.international_latest_year, other.national_latest_year)
        assert one.latest_year_differs == other.latest_year_differs
        assert _same(one.national_category, other.international_category)
        assert one.classification_differs == other.classification_differs


@settings(max_examples=30, deadline=None)
@given(compared_rows(natures=("",)))
def test_the_same_figures_from_both_sources_are_consistent(obs: pd.DataFrame) -> None:
    national = obs.assign(source="national").drop_duplicates(
        ["country", "indicator", "series", "year"]
    )
    both = pd.concat([national, national.assign(source="international")], ignore_index=True)
    result = discrepancies(both, INDICATORS)
    assert (result["status"] == "consistent").all()
    assert (result["discrepant_years"] == 0).all()
    assert not result["latest_year_differs"].any()
    assert not result["classification_differs"].any()
    assert (result["max_abs_rel_diff"].fillna(0.0) == 0.0).all()


def _same(a: object, b: object) -> bool:
    """Equal, or both blank (NaN, <NA>, None or '')."""
    blank_a = a is None or a is pd.NA or a == "" or (isinstance(a, float) and np.isnan(a))
    blank_b = b is None or b is pd.NA or b == "" or (isinstance(b, float) and np.isnan(b))
    return (blank_a and blank_b) or (not blank_a and not blank_b and a == b)
