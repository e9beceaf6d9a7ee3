"""The indicator's targets and progress-ratio thresholds read and typed in the page's language:
a Spanish page shows 0,95 (not 0.95) and takes 0,9 as well as 0.9."""

from django.utils import translation

from portal.secretariat.forms import IndicatorForm

BASE = {"target_kind": "absolute", "target_year": "2030", "desired_direction": "decrease"}


def test_spanish_form_shows_and_reads_decimal_commas() -> None:
    with translation.override("es"):
        shown = IndicatorForm(initial={"target_value": 25.5, "ratio_on_track": 0.95})
        assert 'value="25,5"' in str(shown["target_value"])
        assert 'value="0,95"' in str(shown["ratio_on_track"])
        for typed, wanted in (("0,9", 0.9), ("0.9", 0.9)):
            form = IndicatorForm(data={**BASE, "unit": "PERCENT", "ratio_on_track": typed})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["ratio_on_track"] == wanted
    with translation.override("en"):
        assert 'value="0.95"' in str(
            IndicatorForm(initial={"ratio_on_track": 0.95})["ratio_on_track"]
        )
