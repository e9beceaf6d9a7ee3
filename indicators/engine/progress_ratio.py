"""The growth-ratio progress measure, as a sensitivity view beside the engine's categories.

This is the method of the UN SDG Progress Chart and of Open SDG's progress measure (developed by
Statistics Canada): the compound annual growth rate (CAGR) observed since a base year is compared
with the rate that would reach the target by the target year,

    CAGR_obs = (y_latest / y_base) ** (1 / (t_latest - t_base)) - 1
    CAGR_req = (target / y_base) ** (1 / (t_target - t_base)) - 1
    R = d * CAGR_obs / |CAGR_req|        (d = +1 for "increase", -1 for "decrease")

and R is placed against thresholds (on track >= 0.95, progress but acceleration needed >= 0.60,
limited progress >= 0, deterioration < 0). Without a target the signed observed rate d * CAGR_obs
is placed against fixed rates (1.5 %, 0.5 %, 0).

It is not the engine's classification (``assess``), which follows the technical note; the
portal shows both where they differ and says why. The method as published fails in three
places, each handled here and named in ``reason``:

- **negative or zero values** (a balance, a change, a temperature anomaly): a growth rate of a
  ratio of values is meaningless, so the *linear* annual change replaces the compound rate in
  both the observed and the required terms (``reason = "linear"``); without a target the
  change is taken relative to |y_base| when y_base is not zero;
- **target already met at the base year**: the required rate is zero or points away from the
  desired direction, and R divides by it. If the latest value still meets the target the result
  is ``target_achieved``; if it no longer does, ``deterioration`` (``reason =
  "met_at_base_lost"``), never the "on track" that the raw ratio would give;
- **too short a span** (latest year not after the base year): ``insufficient_data``.

Pure functions, no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

ON_TRACK = "on_track"
ACCELERATION_NEEDED = "acceleration_needed"
LIMITED = "limited_progress"
DETERIORATION = "deterioration"
ACHIEVED = "target_achieved"
INSUFFICIENT = "insufficient_data"

CATEGORIES = (ACHIEVED, ON_TRACK, ACCELERATION_NEEDED, LIMITED, DETERIORATION, INSUFFICIENT)


@dataclass(frozen=True)
class Thresholds:
    """Cut points of the two tables; the defaults are the published ones."""

    on_track_ratio: float = 0.95
    acceleration_ratio: float = 0.60
    on_track_rate: float = 0.015
    acceleration_rate: float = 0.005


@dataclass(frozen=True)
class RatioResult:
    category: str
    ratio: float | None  # R with a target, d * observed rate without one
    observed_rate: float | None
    required_rate: float | None
    reason: str  # "", "linear", "met_at_base_lost", "met_at_base_kept", "no_span"


def _meets(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "increase" else value <= target


def _compound(y0: float, y1: float, years: float) -> float:
    return float((y1 / y0) ** (1.0 / years) - 1.0)


def _band(score: float, on_track: float, acceleration: float) -> str:
    if score >= on_track:
        return ON_TRACK
    if score >= acceleration:
        return ACCELERATION_NEEDED
    if score >= 0:
        return LIMITED
    return DETERIORATION


def _without_target(
    base_value: float,
    latest_value: float,
    span: int,
    d: float,
    linear: bool,
    thresholds: Thresholds,
) -> RatioResult:
    """The signed observed rate against the fixed bands (no target to compare with)."""
    if linear:
        change = (latest_value - base_value) / span
        observed = change / abs(base_value) if base_value else change
    else:
        observed = _compound(base_value, latest_value, span)
    score = d * observed
    category = _band(score, thresholds.on_track_rate, thresholds.acceleration_rate)
    return RatioResult(category, score, observed, None, "linear" if linear else "")


def progress_ratio(
    *,
    base_year: int,
    base_value: float,
    latest_year: int,
    latest_value: float,
    direction: str,
    target: float | None,
    target_year: int,
    thresholds: Thresholds = Thresholds(),
) -> RatioResult:
    """The growth-ratio category of one series between its base and latest values."""
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', not {direction!r}")
    values = (base_value, latest_value) + (() if target is None else (target,))
    if not all(math.isfinite(v) for v in values):
        raise ValueError("values and target must be finite numbers")
    span = latest_year - base_year
    if span <= 0:
        return RatioResult(INSUFFICIENT, None, None, None, "no_span")
    d = 1.0 if direction == "increase" else -1.0
    linear = base_value <= 0 or latest_value <= 0 or (target is not None and target <= 0)

    if target is None:
        return _without_target(base_value, latest_value, span, d, linear, thresholds)

    if _meets(latest_value, target, direction) and not _meets(base_value, target, direction):
        return RatioResult(ACHIEVED, None, None, None, "linear" if linear else "")
    if _meets(base_value, target, direction):
        # The required rate is zero or points the wrong way: the raw ratio is meaningless.
        if _meets(latest_value, target, direction):
            return RatioResult(ACHIEVED, None, None, None, "met_at_base_kept")
        return RatioResult(DETERIORATION, None, None, None, "met_at_base_lost")

    horizon = target_year - base_year
    if horizon <= 0:
        return RatioResult(INSUFFICIENT, None, None, None, "no_span")
    if linear:
        observed = (latest_value - base_value) / span
        required = (target - base_value) / horizon
    else:
        observed = _compound(base_value, latest_value, span)
        required = _compound(base_value, target, horizon)
    ratio = d * observed / abs(required)
    category = _band(ratio, thresholds.on_track_ratio, thresholds.acceleration_ratio)
    return RatioResult(category, ratio, observed, required, "linear" if linear else "")
