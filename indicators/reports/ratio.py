"""The growth-ratio category (UN SDG Progress Chart) beside the engine's, where they differ.

The engine classifies by the technical note; ``indicators.engine.progress_ratio`` is the
sensitivity view. Result pages call ``ratio_note`` for each series row they show, with the
indicator already loaded for the page: it runs no query, so a page costs no extra query.

Inputs per series row (the stored ``SeriesResult`` fields): the base point is the first value
at or after the ratio's base year (the indicator's ``ratio_base_year``, else its baseline
year; the same rule as the engine's baseline), the latest point, and the target level after
cut-off (``target``; none for indicators without a target). When the ratio's base year is
later than the series' first stored year the value at that year is not in the stored result:
no ratio is shown for that row (said on the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from indicators.engine import progress_ratio as pr
from indicators.models import Indicator
from portal import display

# The engine's categories that say the same as each ratio category.
SAME = {
    pr.ACHIEVED: {"early_achiever"},
    pr.ON_TRACK: {"on_track"},
    pr.ACCELERATION_NEEDED: {"off_track_slow"},
    pr.LIMITED: {"off_track_slow"},
    pr.DETERIORATION: {"off_track_regressing"},
    pr.INSUFFICIENT: {"insufficient_data", "insufficient_coverage"},
}


def category_label(category: str) -> str:
    return {
        pr.ACHIEVED: _("target achieved"),
        pr.ON_TRACK: _("on track"),
        pr.ACCELERATION_NEEDED: _("progress made, acceleration needed"),
        pr.LIMITED: _("limited progress"),
        pr.DETERIORATION: _("deterioration"),
        pr.INSUFFICIENT: _("insufficient data"),
    }[category]


@dataclass(frozen=True)
class RatioNote:
    """The ratio category of one series where it differs from the engine's, and why."""

    category: str
    label: str
    reason: str
    base_year: int
    target_year: int


def _percent(rate: float | None) -> str:
    return display.number(None if rate is None else rate * 100, 3) + " %"


def _reason(result: pr.RatioResult, base_year: int, target_year: int) -> str:
    years = {"base": base_year, "target": target_year}
    if result.reason == "met_at_base_lost":
        return (
            _(
                "The target was already met in the base year %(base)s and has been lost since: "
                "the ratio method counts this as deterioration."
            )
            % years
        )
    if result.reason == "met_at_base_kept":
        return _("The target was already met in the base year %(base)s and is still met.") % years
    if result.reason == "no_span":
        return _("The latest year is not after the base year %(base)s: no growth to compare.") % (
            years
        )
    if result.category == pr.ACHIEVED:
        return _("The latest value meets the target.")
    parts = []
    if result.reason == "linear":
        parts.append(
            _(
                "A value or the target is zero or negative, so the linear annual change "
                "replaces the compound growth rate."
            )
        )
    numbers = {
        **years,
        "observed": _percent(result.observed_rate),
        "required": _percent(result.required_rate),
        "ratio": display.number(result.ratio, 3),
    }
    if result.required_rate is None:
        parts.append(
            _(
                "No target: the observed annual change since %(base)s (%(observed)s) is placed "
                "on fixed bands."
            )
            % numbers
        )
    else:
        parts.append(
            _(
                "The ratio method compares the observed annual change since %(base)s "
                "(%(observed)s) with the change required to reach the target by %(target)s "
                "(%(required)s): ratio %(ratio)s."
            )
            % numbers
        )
    if result.ratio is not None and result.ratio < 0:
        parts.append(_("The value moved away from the target: the ratio fell below zero."))
    return " ".join(parts)


def ratio_of(row: dict[str, Any], indicator: Indicator) -> tuple[pr.RatioResult, int, int] | None:
    """The ratio result of one stored series row, with the base and target years used;
    None when the row lacks the values it needs."""
    base_year, target_year, thresholds = indicator.ratio_settings()
    first_year: int | None = row.get("first_year")
    first_value: float | None = row.get("first_value")
    latest_year: int | None = row.get("latest_year")
    latest_value: float | None = row.get("latest_value")
    if first_year is None or first_value is None or latest_year is None or latest_value is None:
        return None
    if first_year < base_year:
        return None  # the value at the ratio's own base year is not stored with the result
    target = None if indicator.target_kind == "none" else row.get("target")
    if indicator.target_kind != "none" and target is None:
        return None
    result = pr.progress_ratio(
        base_year=first_year,
        base_value=first_value,
        latest_year=latest_year,
        latest_value=latest_value,
        direction=indicator.desired_direction,
        target=target,
        target_year=target_year,
        thresholds=thresholds,
    )
    return result, first_year, target_year


def ratio_note(row: dict[str, Any] | None, indicator: Indicator) -> RatioNote | None:
    """The note to show beside ``row``'s category, or None where both methods agree."""
    if row is None:
        return None
    computed = ratio_of(row, indicator)
    if computed is None:
        return None
    result, base_year, target_year = computed
    if row.get("category") in SAME[result.category]:
        return None
    reason = _reason(result, base_year, target_year)
    if row.get("category") == "insufficient_data":
        reason = (
            _(
                "The engine needs values %(span)s years apart at least; the ratio method "
                "compares any two."
            )
            % {"span": indicator.min_span_years}
            + " "
            + reason
        )
    return RatioNote(
        category=result.category,
        label=category_label(result.category),
        reason=reason,
        base_year=base_year,
        target_year=target_year,
    )
