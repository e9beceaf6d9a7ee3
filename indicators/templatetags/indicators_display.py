"""Filters that show the engine's and the models' codes in words (see indicators/display.py)."""

from __future__ import annotations

from typing import Any

from django import template

from indicators import display
from indicators.reports import charts

register = template.Library()

register.filter("code_label", display.code_label)
register.filter("case_kind", display.case_kind)
register.filter("periodicity", display.periodicity)
register.filter("run_counts", display.run_counts)
register.filter("run_parameters", display.run_parameters)
register.filter("code_name", display.code_name)
register.filter("disaggregation", display.disaggregation)


@register.filter
def trend_model(model: Any) -> str:
    return charts.trend_model_label(model)
