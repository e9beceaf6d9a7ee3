"""Per-indicator settings of the progress-ratio sensitivity view: defaults and bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.engine.progress_ratio import Thresholds
from indicators.models import Indicator


def test_defaults_follow_the_indicator(indicators):
    indicator = Indicator.objects.get(code="3.2.1")
    base, target, thresholds = indicator.ratio_settings()
    assert (base, target) == (indicator.baseline_year, indicator.target_year)
    assert thresholds == Thresholds()
    indicator.ratio_base_year, indicator.ratio_target_year = 2015, 2030
    indicator.ratio_on_track, indicator.ratio_acceleration = 0.9, 0.5
    indicator.full_clean()
    base, target, thresholds = indicator.ratio_settings()
    assert (base, target, thresholds.on_track_ratio, thresholds.acceleration_ratio) == (
        2015,
        2030,
        0.9,
        0.5,
    )


def test_bad_settings_are_refused_naming_the_field(indicators):
    indicator = Indicator.objects.get(code="3.2.1")
    indicator.ratio_base_year, indicator.ratio_target_year = 2030, 2015
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "ratio_target_year" in error.value.message_dict
    indicator.ratio_base_year = indicator.ratio_target_year = None
    indicator.ratio_on_track, indicator.ratio_acceleration = 0.5, 0.6
    with pytest.raises(ValidationError) as error:
        indicator.full_clean()
    assert "ratio_acceleration" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.filter(pk=indicator.pk).update(ratio_acceleration=-0.1)
