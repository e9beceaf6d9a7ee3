"""The coordinator accepts Kyrgyzstan's sheet; the reports recompute and show it."""

from __future__ import annotations

import pytest
from django.conf import settings

from indicators.demo import demo_load as indicators_demo
from indicators.models import DataSheet, EngineRun
from portal.demo import demo_load as portal_demo
from portal.services import reference_data_load
from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accept_recompute_and_read_the_reports(page):
    reference_data_load()
    portal_demo()
    indicators_demo()
    sheet = DataSheet.objects.get(country__iso3="KGZ", status="submitted")
    login(page, "secretariat@demo.wg.example", settings.PORTAL_DEMO_PASSWORD)
    page.goto(f"/data/sheets/{sheet.pk}/")
    page.get_by_label("Accept and publish").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Accepted and published" in page.locator(".messages").inner_text()
    run = EngineRun.objects.filter(trigger="sheet_accepted", country_codes=["KGZ"]).latest("pk")
    if settings.CELERY_BROKER_URL:
        # A worker (if one runs in this session) picks the run up; else run it ourselves.
        import time

        from indicators.reports import services

        deadline = time.monotonic() + 60
        while run.status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.5)
            run.refresh_from_db()
            if run.status == "queued" and time.monotonic() > deadline - 55:
                services.engine_run_inline(run=run)
                run.refresh_from_db()
    assert run.status == "succeeded"

    page.goto("/data/reports/")
    assert page.locator(".progress-table .cat-early_achiever").count() > 0
    assert page.get_by_role("link", name="Kyrgyzstan").count() == 1
    screenshot(page, "reports-progress")
    page.goto("/data/reports/?region=CIS")
    screenshot(page, "reports-progress-cis")

    page.goto("/data/reports/countries/KGZ/")
    assert page.locator("svg.chart").count() >= 3
    assert page.get_by_text("classification differs").count() > 0
    screenshot(page, "reports-profile-kgz")

    page.goto("/data/reports/discrepancies/?country=KGZ")
    assert page.get_by_text("Discrepant").count() + page.locator(".dstatus-discrepant").count() > 0
    screenshot(page, "reports-discrepancies")
    page.goto("/data/reports/cases/")
    assert page.locator("a[href*='/reports/cases/']").count() >= 2
    screenshot(page, "reports-cases")

    page.goto("/data/reports/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").first.click()
    assert download.value.suggested_filename == "progress.xlsx"
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    assert download.value.suggested_filename == "progress.csv"
