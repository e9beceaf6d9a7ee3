"""Small builders of literal engine inputs for the table-driven tests."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

NAN = math.nan


def observations(
    points: Iterable[tuple[int, float]],
    *,
    country: str = "AAA",
    indicator: str = "X",
    source: str = "national",
    series: str = "",
    nature: str = "",
) -> pd.DataFrame:
    """One series as observation rows."""
    rows = [
        {
            "country": country,
            "indicator": indicator,
            "source": source,
            "series": series,
            "year": year,
            "value": value,
            "nature": nature,
        }
        for year, value in points
    ]
    return pd.DataFrame(
        rows, columns=["country", "indicator", "source", "series", "year", "value", "nature"]
    )


def indicator(
    code: str = "X",
    *,
    kind: str = "relative",
    value: float | None = 0.5,
    direction: str = "decrease",
    cutoff: float | None = None,
    baseline_year: int = 1990,
    target_year: int = 2015,
    min_span_years: int = 3,
    **extra: Any,
) -> dict[str, Any]:
    """One indicator row."""
    return {
        "indicator": code,
        "target_kind": kind,
        "target_value": NAN if value is None else value,
        "desired_direction": direction,
        "cutoff": NAN if cutoff is None else cutoff,
        "baseline_year": baseline_year,
        "target_year": target_year,
        "min_span_years": min_span_years,
        **extra,
    }


def indicators(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows) or [indicator()])


def same(actual: Any, expected: Any) -> bool:
    """Exact equality for text and ints, rel_tol=1e-12 for floats, NaN equals blank."""
    if isinstance(expected, float):
        if math.isnan(expected):
            return (
                actual is None
                or actual is pd.NA
                or (isinstance(actual, float) and math.isnan(actual))
            )
        if math.isinf(expected):
            return bool(actual == expected)
        return math.isclose(float(actual), expected, rel_tol=1e-12, abs_tol=0.0)
    if expected is None:
        return (
            actual is pd.NA or actual is None or (isinstance(actual, float) and math.isnan(actual))
        )
    return bool(actual == expected)
