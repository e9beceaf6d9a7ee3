"""The coordinator reads the case statistics (time to close, open cases by age with a
chart), follows an age bucket to the case list, and reads completeness over rounds; both
pages in English and in Spanish. In a real Chromium."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from indicators.models import DataSheet, ReportingRound
from portal.models import User
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD
from tests.reports.test_case_stats import CASES, make_cases
from tests.secretariat.conftest import make_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _spanish(page) -> None:
    page.select_option("#lang-select", "es")
    page.locator(".lang-form button").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "es"


def test_case_statistics_in_both_languages(page, cast, indicators):
    make_cases(cast, CASES, now=timezone.now())
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/data/reports/cases/")
    page.get_by_role("link", name="Case statistics").click()
    page.get_by_role("heading", name="Case statistics").wait_for()
    overall = page.locator("#case-overall tbody tr td")
    assert overall.all_inner_texts() == ["5", "5", "15", "18"]
    assert page.locator("svg.bar-chart rect.bar").count() == 4 + 1  # four buckets, the key
    screenshot(page, "case-statistics")
    page.screenshot(path="/tmp/cases-statistics-en.png", full_page=True)

    page.get_by_role("link", name="30 to 90 days").click()
    page.wait_for_url("**/cases/?status=open&age=30to90")
    rows = page.locator("table.table tbody tr")
    assert rows.count() == 2
    page.get_by_text("open for 30 to 90 days").wait_for()

    _spanish(page)
    page.goto("/data/reports/cases/statistics/")
    page.get_by_role("heading", name="Estadísticas de los casos").wait_for()
    kaz = page.locator("#case-by-country tbody tr", has_text="Kazajstán")
    assert kaz.locator("td").all_inner_texts()[1:] == ["2", "3", "20", "23,3"]
    page.screenshot(path="/tmp/cases-statistics-es.png", full_page=True)


def test_completeness_over_rounds_in_both_languages(page, cast, indicators):
    for country in (cast.country_a, cast.country_b):
        country.is_member = True
        country.save(update_fields=["is_member"])
    for year, statuses in ((2024, ("submitted", "draft")), (2025, ("accepted", "accepted"))):
        round_ = ReportingRound.objects.create(
            code=f"R{year}",
            name_en=f"{year} round",
            name_es=f"Ronda {year}",
            opens_on=datetime.date(year, 1, 1),
            closes_on=datetime.date(year, 3, 31),
        )
        for country, status in zip((cast.country_a, cast.country_b), statuses, strict=True):
            make_sheet(country, round_, status, codes=["3.2.1"])
    assert DataSheet.objects.count() == 4
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/secretariat/rounds/")
    page.get_by_role("link", name="Completeness over rounds").click()
    page.get_by_role("heading", name="Completeness over rounds").wait_for()
    assert page.locator("#completeness-rounds tbody tr").count() == 2
    # 2024: one of two submitted (50 %), none accepted: two bars and the three of the key
    # drawn... plus 2025: all three series at 100 %.
    assert page.locator("svg.bar-chart rect.bar").count() == 3 + 3 + 3
    screenshot(page, "completeness-rounds")
    page.screenshot(path="/tmp/cases-rounds-en.png", full_page=True)
    _spanish(page)
    page.get_by_role("heading", name="Completitud a lo largo de las rondas").wait_for()
    assert "Ronda 2025" in page.locator("#completeness-rounds").inner_text()
    page.screenshot(path="/tmp/cases-rounds-es.png", full_page=True)
    assert User.objects.get(email="coord@example.org").language == "es"
