"""Properties of assess that hold for any data (hypothesis)."""

from __future__ import annotations

from random import Random

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine import assess

from .builders import indicator, indicators

BASELINE = 1990
COUNTRIES = pd.DataFrame({"country": ["A", "B", "C"], "cis": [True, False, True]})
INDICATORS = indicators(
    indicator("REL", kind="relative", value=0.5),
    indicator("ABS", kind="absolute", value=20.0, direction="increase", cutoff=15.0),
    indicator("NONE", kind="none", value=None),
)

values = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def series_rows(
    draw: st.DrawFn, indicators_: tuple[str, ...] = ("REL", "ABS", "NONE")
) -> pd.DataFrame:
    """Several series of distinct years since the baseline year, positive values."""
    rows = []
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["A", "B", "C"]),
                st.sampled_from(indicators_),
                st.sampled_from(["national", "international"]),
                st.sampled_from(["", "SEX=F"]),
            ),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    for country, code, source, series in keys:
        years = draw(st.lists(st.integers(BASELINE, 2020), min_size=1, max_size=8, unique=True))
        for year in years:
            rows.append((country, code, source, series, year, draw(values)))
    return pd.DataFrame(rows, columns=["country", "indicator", "source", "series", "year", "value"])


@settings(max_examples=60, deadline=None)
@given(series_rows(("REL",)), st.integers(-10, 10))
def test_scaling_never_changes_category_for_relative_targets(obs: pd.DataFrame, power: int) -> None:
    # powers of two scale exactly in binary floating point, so no tie is broken by rounding
    scaled = obs.assign(value=obs["value"] * 2.0**power)
    before = assess(obs, INDICATORS, COUNTRIES)
    after = assess(scaled, INDICATORS, COUNTRIES)
    pd.testing.assert_series_equal(before["category"], after["category"])
    pd.testing.assert_series_equal(before["t_star"], after["t_star"])


@settings(max_examples=60, deadline=None)
@given(series_rows(), st.randoms(use_true_random=False))
def test_shuffling_rows_never_changes_output(obs: pd.DataFrame, random: Random) -> None:
    order = list(range(len(obs)))
    random.shuffle(order)
    shuffled = obs.iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        assess(obs, INDICATORS, COUNTRIES), assess(shuffled, INDICATORS, COUNTRIES)
    )


@settings(max_examples=60, deadline=None)
@given(series_rows(), st.data())
def test_rows_before_baseline_never_change_output(obs: pd.DataFrame, data: st.DataObject) -> None:
    target = obs.iloc[data.draw(st.integers(0, len(obs) - 1))]
    early = target.copy()
    early["year"] = data.draw(st.integers(1900, BASELINE - 1))
    early["value"] = data.draw(values)
    extended = pd.concat([obs, early.to_frame().T], ignore_index=True)
    extended["year"] = extended["year"].astype(int)
    extended["value"] = extended["value"].astype(float)
    pd.testing.assert_frame_equal(
        assess(obs, INDICATORS, COUNTRIES), assess(extended, INDICATORS, COUNTRIES)
    )
