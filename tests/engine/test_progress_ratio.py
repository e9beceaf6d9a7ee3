"""The growth-ratio progress measure (UN Progress Chart / Open SDG), with the cases the
published method gets wrong. Expected figures were worked out by hand from the formulas."""

from __future__ import annotations

import math

import pytest

from indicators.engine.progress_ratio import (
    ACCELERATION_NEEDED,
    ACHIEVED,
    DETERIORATION,
    INSUFFICIENT,
    LIMITED,
    ON_TRACK,
    Thresholds,
    progress_ratio,
)


def _ratio(**kw):
    args = {"base_year": 2015, "target_year": 2030, "direction": "increase", "target": None}
    return progress_ratio(**(args | kw))


def test_increase_with_target_needs_acceleration() -> None:
    # 50 -> 60 in 5 years: 1.2 ** 0.2 = 1.0371373; to double in 15 years: 2 ** (1/15) = 1.0472941
    result = _ratio(base_value=50, latest_year=2020, latest_value=60, target=100)
    assert result.observed_rate == pytest.approx(0.0371373, abs=1e-6)
    assert result.required_rate == pytest.approx(0.0472941, abs=1e-6)
    assert result.ratio == pytest.approx(0.78524, abs=1e-4)
    assert result.category == ACCELERATION_NEEDED and result.reason == ""


def test_decrease_faster_than_needed_is_on_track() -> None:
    # 40 -> 30 in 5 years: 0.75 ** 0.2 = 0.9440875; 0.625 ** (1/15) = 0.9691522
    result = _ratio(
        base_value=40, latest_year=2020, latest_value=30, target=25, direction="decrease"
    )
    assert result.ratio == pytest.approx(1.81253, abs=1e-4)
    assert result.category == ON_TRACK


def test_thresholds_are_configurable() -> None:
    kw = {"base_value": 50, "latest_year": 2020, "latest_value": 60, "target": 100}
    assert _ratio(**kw, thresholds=Thresholds(on_track_ratio=0.75)).category == ON_TRACK
    assert _ratio(**kw, thresholds=Thresholds(acceleration_ratio=0.8)).category == LIMITED


def test_negative_values_use_linear_change() -> None:
    # -2 -> -1 in 5 years is +0.2 a year; reaching 0 by 2030 needs +2/15 = 0.1333 a year
    result = _ratio(base_value=-2, latest_year=2020, latest_value=-1, target=0)
    assert result.reason == "linear"
    assert result.ratio == pytest.approx(1.5)
    assert result.category == ON_TRACK


def test_target_met_at_base_and_lost_is_deterioration() -> None:
    # The published ratio obs/req would be (-0.0289)/(-0.0063) = +4.6, "on track".
    result = _ratio(base_value=110, latest_year=2020, latest_value=95, target=100)
    assert (result.category, result.reason) == (DETERIORATION, "met_at_base_lost")


def test_target_met_at_base_and_kept_is_achieved() -> None:
    result = _ratio(base_value=110, latest_year=2020, latest_value=120, target=100)
    assert (result.category, result.reason) == (ACHIEVED, "met_at_base_kept")


def test_target_reached_since_base() -> None:
    result = _ratio(base_value=80, latest_year=2020, latest_value=100, target=100)
    assert result.category == ACHIEVED


def test_without_target_the_rate_is_placed_on_fixed_bands() -> None:
    # 1.1 ** 0.2 - 1 = 0.0192448 >= 1.5 %
    up = _ratio(base_value=100, latest_year=2020, latest_value=110)
    assert up.ratio == pytest.approx(0.0192448, abs=1e-6) and up.category == ON_TRACK
    # the same rise for a "decrease" indicator is a deterioration
    assert (
        _ratio(base_value=100, latest_year=2020, latest_value=110, direction="decrease").category
        == DETERIORATION
    )
    # 1.01 ** 0.2 - 1 = 0.00199 : limited
    assert _ratio(base_value=100, latest_year=2020, latest_value=101).category == LIMITED


def test_without_target_negative_values_relative_linear() -> None:
    result = _ratio(base_value=-4, latest_year=2019, latest_value=-3.6)
    assert result.reason == "linear"
    assert result.ratio == pytest.approx(0.1 / 4)  # +0.1 a year on |-4|


def test_no_span_is_insufficient() -> None:
    assert _ratio(base_value=1, latest_year=2015, latest_value=2, target=3).category == INSUFFICIENT


@pytest.mark.parametrize(
    "kw",
    [{"direction": "sideways"}, {"latest_value": math.nan}, {"target": math.inf}],
)
def test_bad_input_is_refused(kw) -> None:
    args = {"base_value": 1.0, "latest_year": 2020, "latest_value": 2.0, "target": 3.0} | kw
    with pytest.raises(ValueError):
        _ratio(**args)
