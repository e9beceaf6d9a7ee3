"""The Progress Chart ratio shown beside the engine's category where they differ, with its
reason, on the country profile (members) and the public country profile, in English and
Spanish, in a real Chromium."""

from __future__ import annotations

import pytest

from indicators.models import SeriesResult
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD
from tests.reports.conftest import make_sheet, run_inline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Neonatal mortality (target 12 by 2030, to decrease), 20 in 2015 and 17.5 in 2019: the
# observed rate (0.875)^(1/4) - 1 = -3.283 % a year; the required (0.6)^(1/15) - 1 = -3.348 %.
# The engine projects the rate from 2019: t* = 2030.3, after 2030 -> off track, too slow.
# The ratio 3.283 / 3.348 = 0.981 >= 0.95 -> on track: they differ.
SERIES = {("KAZ", "3.2.2", ""): {2015: 20.0, 2017: 18.7, 2019: 17.5}}


def _shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/mandate-{name}.png", full_page=True)
    screenshot(page, name)


def _spanish(page) -> None:
    page.select_option("#lang-select", "es")
    page.locator(".lang-form button").click()
    page.wait_for_load_state()


def test_ratio_category_and_reason_beside_the_engine(page, cast, indicators, round_2026):
    make_sheet(cast.country_a, round_2026, SERIES)
    assert run_inline().status == "succeeded"
    row = SeriesResult.objects.get(
        is_current=True, country=cast.country_a, indicator__code="3.2.2", source="national"
    )
    assert row.category == "off_track_slow", row.category  # the engine's own reading

    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/data/reports/countries/KAZ/")
    note = page.locator(".ratio-note[data-ratio='on_track']").first
    text = note.inner_text()
    assert "Progress Chart ratio (UN method): on track" in text
    assert "base year 2015, target year 2030" in text
    assert "(-3.28 %)" in text and "(-3.35 %)" in text and "ratio 0.981" in text
    _shot(page, "ratio-profile-en")

    page.goto("/public/countries/KAZ/")
    public = page.locator(".ratio-note[data-ratio='on_track']").first.inner_text()
    assert "ratio 0.981" in public
    _shot(page, "ratio-public-en")

    _spanish(page)
    page.goto("/data/reports/countries/KAZ/")
    text_es = page.locator(".ratio-note[data-ratio='on_track']").first.inner_text()
    assert "en camino" in text_es and "año de base 2015, año meta 2030" in text_es
    assert "(-3,28 %)" in text_es and "razón 0,981" in text_es
    assert "ratio method" not in text_es
    _shot(page, "ratio-profile-es")
    page.goto("/public/countries/KAZ/")
    assert "razón 0,981" in page.locator(".ratio-note").first.inner_text()
    _shot(page, "ratio-public-es")
