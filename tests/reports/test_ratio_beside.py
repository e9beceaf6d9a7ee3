"""The Progress Chart ratio beside the engine's category: shown only where they differ, with
the reason in words; figures worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from indicators.models import Indicator
from indicators.reports.ratio import ratio_note, ratio_of


def _indicator(**kwargs: Any) -> Indicator:
    fields = {
        "code": "9.9.9",
        "target_kind": "absolute",
        "target_value": 80.0,
        "desired_direction": "increase",
        "baseline_year": 2015,
        "target_year": 2030,
    }
    return Indicator(**{**fields, **kwargs})


def _row(category: str, first: tuple[int, float], latest: tuple[int, float], target: Any) -> dict:
    return {
        "indicator_id": 1,
        "category": category,
        "first_year": first[0],
        "first_value": first[1],
        "latest_year": latest[0],
        "latest_value": latest[1],
        "target": target,
    }


def test_compound_rates_by_hand() -> None:
    # 50 -> 55 in 5 years: (1.1)^(1/5) - 1 = 0.019245; 50 -> 80 in 15 years:
    # (1.6)^(1/15) - 1 = 0.031830; R = 0.019245 / 0.031830 = 0.6046 -> acceleration needed
    row = _row("on_track", (2015, 50.0), (2020, 55.0), 80.0)
    computed = ratio_of(row, _indicator())
    assert computed is not None
    result, base, target_year = computed
    assert (base, target_year) == (2015, 2030)
    assert result.observed_rate == pytest.approx(0.019245, abs=1e-6)
    assert result.required_rate == pytest.approx(0.031830, abs=1e-6)
    assert result.ratio == pytest.approx(0.6046, abs=1e-4)
    with translation.override("en"):
        note = ratio_note(row, _indicator())
    assert note is not None and note.category == "acceleration_needed"
    assert note.label == "progress made, acceleration needed"
    assert "required to reach the target by 2030" in note.reason
    assert "ratio 0.605" in note.reason


def test_same_meaning_shows_nothing() -> None:
    row = _row("off_track_slow", (2015, 50.0), (2020, 55.0), 80.0)
    assert ratio_note(row, _indicator()) is None


def test_target_met_at_base_and_lost() -> None:
    # decrease, target 10: 8 in the base year meets it, 12 now does not -> deterioration
    indicator = _indicator(desired_direction="decrease", target_value=10.0)
    row = _row("on_track", (2015, 8.0), (2020, 12.0), 10.0)
    with translation.override("en"):
        note = ratio_note(row, indicator)
    assert note is not None and note.category == "deterioration"
    assert "already met in the base year 2015 and has been lost" in note.reason
    with translation.override("es"):
        note_es = ratio_note(row, indicator)
    assert note_es is not None and note_es.label == "deterioro"
    assert "2015" in note_es.reason and "ratio" not in note_es.reason.split()[0]


def test_negative_values_use_linear_change() -> None:
    # -2 -> -3 in 5 years: -0.2 a year; required (0 - -2) / 15 = 0.1333; R = -1.5
    indicator = _indicator(target_value=0.0)
    row = _row("off_track_slow", (2015, -2.0), (2020, -3.0), 0.0)
    computed = ratio_of(row, indicator)
    assert computed is not None
    assert computed[0].ratio == pytest.approx(-1.5)
    with translation.override("en"):
        note = ratio_note(row, indicator)
    assert note is not None and note.category == "deterioration"
    assert "linear annual change" in note.reason
    assert "fell below zero" in note.reason
    with translation.override("es"):
        note_es = ratio_note(row, indicator)
    assert note_es is not None and "-1,5" in note_es.reason
    # the engine already says regressing: same meaning, nothing shown
    assert ratio_note({**row, "category": "off_track_regressing"}, indicator) is None


def test_without_target_fixed_bands() -> None:
    # 100 -> 110 in 5 years: 1.9245 % a year >= 1.5 % -> on track
    indicator = _indicator(target_kind="none", target_value=None)
    row = _row("off_track_slow", (2015, 100.0), (2020, 110.0), None)
    with translation.override("en"):
        note = ratio_note(row, indicator)
    assert note is not None and note.category == "on_track"
    assert "No target" in note.reason and "1.92 %" in note.reason


def test_own_base_year_after_first_value_is_not_guessed() -> None:
    indicator = _indicator(ratio_base_year=2017)
    row = _row("on_track", (2015, 50.0), (2020, 55.0), 80.0)
    assert ratio_of(row, indicator) is None and ratio_note(row, indicator) is None
    # the ratio's target year is the indicator's own when set
    later = _indicator(ratio_target_year=2035)
    computed = ratio_of(row, later)
    assert computed is not None and computed[2] == 2035


def test_missing_values_give_no_note() -> None:
    assert ratio_note(None, _indicator()) is None
    assert ratio_note(_row("on_track", (2015, 50.0), (2020, 55.0), None), _indicator()) is None


def test_engine_short_span_is_explained() -> None:
    # 100 -> 103 in 2 years: the engine (3 years at least) says insufficient data; the
    # ratio: observed (1.03)^(1/2) - 1 = 1.4889 % a year, required to reach 120 by 2030
    # (1.2)^(1/15) - 1 = 1.2229 %, R = 1.4889 / 1.2229 = 1.2175 -> on track
    indicator = _indicator(target_value=120.0, min_span_years=3)
    row = _row("insufficient_data", (2015, 100.0), (2017, 103.0), 120.0)
    computed = ratio_of(row, indicator)
    assert computed is not None and computed[0].ratio == pytest.approx(1.2178, abs=1e-3)
    with translation.override("en"):
        note = ratio_note(row, indicator)
    assert note is not None and note.category == "on_track"
    assert note.reason.startswith("The engine needs values 3 years apart at least")
