"""Every demo role, with Spanish chosen in the language selector, crawls the portal in Chromium:
no page shows a raw code, an English word of the interface or a number in the English format
(the lists and the reasons for each exception are in tests/browser/spanish_crawl.py)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from openpyxl import load_workbook

from indicators.models import DataSheet, EngineRun, Indicator
from meetings.models import Activity
from tests.browser.conftest import login, screenshot
from tests.browser.spanish_crawl import (
    CONTENT_SELECTORS,
    VISIBLE_TEXT_JS,
    Crawl,
    problems_in,
    without_typed,
)
from tests.browser.test_datasheets import _fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMON = [
    "/",
    "/data/",
    "/data/indicators/",
    "/data/reports/",
    "/data/reports/discrepancies/",
    "/data/reports/cases/",
    "/data/reports/runs/",
    "/data/reports/countries/KAZ/",
    "/data/reports/countries/KGZ/",
    "/data/reports/indicators/3.2.1/",
    "/data/reports/indicators/3.2.2/",
    "/forum/",
    "/meetings/",
    "/meetings/programme/",
    "/meetings/actions/",
    "/meetings/statistics/",
    "/public/",
    "/public/countries/KAZ/",
    "/public/countries/KGZ/",
    "/public/indicators/3.2.1/",
    "/accounts/profile/",
    "/countries/",
]

ROLES = {
    "coordinator@demo.wg.example": ["/audit/", "/data/countries/KAZ/operations/"],
    "focal.kaz@demo.wg.example": ["/data/countries/KAZ/operations/"],
    "member.kaz@demo.wg.example": [],
    "agency.unicef@demo.wg.example": [],
    "observer@demo.wg.example": [],
}
APP_LABELS = ("portal", "indicators", "forum", "meetings")


@pytest.fixture
def demo(db):
    call_command("load_reference", verbosity=0)
    call_command("load_indicators", verbosity=0)
    call_command("load_demo", quiet_logins=True)
    from indicators.reports import services

    for run in EngineRun.objects.filter(status__in=["queued", "running"]):
        services.engine_run_inline(run=run)
    assert EngineRun.objects.filter(status="succeeded").exists()


def typed_texts() -> list[str]:
    """What people typed (titles, names, posts, comments): free text of several words in a
    field that has no Spanish twin (a field `x_en` with an `x_es` is a translatable label, and
    stays checked). Codes have no spaces, so they stay checked too. Longest first."""
    texts: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in APP_LABELS:
            continue
        names = {f.name for f in model._meta.get_fields()}
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField | models.TextField) or field.choices:
                continue
            if field.name.endswith(("_en", "_es")) and field.name[:-3] + "_es" in names:
                continue
            values = model._default_manager.exclude(**{field.name: ""}).values_list(
                field.name, flat=True
            )
            for value in values[:5000]:
                # Line by line: a page shows a text's lines apart or joined by a space.
                lines = (" ".join(line.split()) for line in str(value).splitlines())
                texts |= {line for line in lines if " " in line}
    return sorted(texts, key=len, reverse=True)


def allowed_numbers() -> set[str]:
    """Identifiers that look like numbers: indicator and target codes (3.2.1, 3.2) and the
    codes of the work programme's activities (3.10)."""
    codes: set[str] = set(Activity.objects.values_list("code", flat=True))
    for code in Indicator.objects.values_list("code", flat=True):
        parts = code.split(".")
        codes |= {code, ".".join(parts[:2])}
    return codes


def test_patterns_catch_english_and_spare_spanish() -> None:
    """The checks themselves: each kind of mistake is caught, correct Spanish is not."""
    found = problems_in(
        "Submitted · on_track · SEX=F · PER_1000_LIVE_BIRTHS · 12.5 · 1,234,567 · 0,080841"
        " · Printed 2026-12-06 23:53 · Cancel · the share of the countries",
        set(),
    )
    assert {"Submitted", "on_track", "SEX=F", "PER_1000_LIVE_BIRTHS", "12.5", "1,234,567"} <= set(
        found
    )
    assert {"Printed", "Cancel", "the", "of", "ISO date 2026-12-06"} <= set(found)
    assert "unrounded 0,080841" in found
    spanish = (
        "Enviada · en camino · sexo: femenino · 12,5 · 1\xa0234\xa0567 · 3.2.1 · No"
        " · Impreso 06/12/2026 23:53 · Cancelar · la proporción de los países"
    )
    assert problems_in(spanish, {"3.2.1"}) == []


def test_every_role_sees_spanish_only(page, demo):
    allowed = allowed_numbers()
    typed = typed_texts()
    sheets = [f"/data/sheets/{pk}/" for pk in DataSheet.objects.values_list("pk", flat=True)]
    submitted = DataSheet.objects.get(country__iso3="KGZ", status="submitted").pk
    report: dict[str, dict[str, list[str]]] = {}
    for email, extra in ROLES.items():
        page.context.clear_cookies()
        login(page, email, settings.PORTAL_DEMO_PASSWORD)
        # The language selector of the header (it saves the choice in the profile too).
        page.select_option("#lang-select", "es")
        page.locator(".lang-form button").click()
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == "es"
        start = COMMON + extra + (sheets if email.startswith("coordinator") else [])
        crawl = Crawl(allowed=allowed, typed=typed)
        crawl.run(page, start)
        assert len(crawl.seen) >= len(start), email
        report.update({f"{email} {url}": found for url, found in crawl.problems.items()})
        if email.startswith("coordinator"):
            for url, name in (
                ("/data/reports/countries/KAZ/", "es-country-profile"),
                ("/data/reports/indicators/3.2.1/", "es-indicator"),
                (f"/data/sheets/{submitted}/", "es-sheet"),
                ("/data/reports/runs/", "es-runs"),
            ):
                page.goto(url)
                screenshot(page, name)
    assert not report, "\n".join(f"{k}: {v}" for k, v in report.items())


def test_spanish_focal_point_preview_grid_and_template(page, demo, tmp_path):
    """The pages the crawler cannot reach by links (the upload preview, the editable grid of a
    draft with values) and the Excel template's README, for a Spanish-speaking focal point."""
    sheet = DataSheet.objects.get(country__iso3="CHL", status="draft")
    login(page, "focal.chl@demo.wg.example", settings.PORTAL_DEMO_PASSWORD)
    assert page.evaluate("document.documentElement.lang") == "es"  # saved in the profile
    with page.expect_download() as download:
        page.goto(f"/data/sheets/{sheet.pk}/")
        page.locator(f"a[href='/data/sheets/{sheet.pk}/template.xlsx']").first.click()
    template = tmp_path / "plantilla.xlsx"
    download.value.save_as(template)
    readme = [str(c.value or "") for c in load_workbook(template)["README"]["A"]]
    assert "País: Chile" in readme, readme[:5]
    _fill(
        template,
        [
            {"indicator": "3.2.1", "year": 2015, "value": 8.123456, "unit": "PER_1000_LIVE_BIRTHS"},
            {"indicator": "3.2.1", "year": 2021, "value": 6.5, "unit": "PER_1000_LIVE_BIRTHS"},
            {
                "indicator": "3.2.1",
                "year": 2021,
                "value": 7.25,
                "unit": "PER_1000_LIVE_BIRTHS",
                "disaggregation": "SEX=F",
            },
        ],
    )
    page.goto(f"/data/sheets/{sheet.pk}/upload/")
    page.locator("input[type=file]").set_input_files(str(template))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    allowed, typed = allowed_numbers(), typed_texts()
    preview = page.evaluate(VISIBLE_TEXT_JS, CONTENT_SELECTORS)
    assert page.locator(".progress-preview").count() == 1, preview[:500]
    assert problems_in(without_typed(preview, typed), allowed) == []
    screenshot(page, "es-preview")
    page.locator(f"form[action='/data/sheets/{sheet.pk}/upload/confirm/'] button").click()
    page.wait_for_url(f"**/data/sheets/{sheet.pk}/**")
    grid = page.evaluate(VISIBLE_TEXT_JS, CONTENT_SELECTORS)
    assert page.locator("#grid-form").count() == 1
    assert "sexo: Femenino" in grid
    assert problems_in(without_typed(grid, typed), allowed) == []
    # A correction typed the Spanish way; the history shows it exactly, in the Spanish format.
    page.locator("#grid-form input[name^='value-']").first.fill("8,2")
    page.locator("#grid-form button[type=submit]").click()
    page.wait_for_load_state()
    history = page.locator(".history").inner_text()
    assert "8,2" in history and "8.2" not in history, history
    assert (
        problems_in(
            without_typed(page.evaluate(VISIBLE_TEXT_JS, CONTENT_SELECTORS), typed), allowed
        )
        == []
    )
    screenshot(page, "es-grid")


def test_anonymous_visitor_reads_the_public_site_in_spanish(page, demo):
    """Without an account the language choice lives in a cookie; the public site follows it."""
    page.goto("/public/")
    page.select_option("#lang-select", "es")
    page.locator(".lang-form button").click()
    page.wait_for_load_state()
    crawl = Crawl(allowed=allowed_numbers(), typed=typed_texts())
    crawl.run(page, ["/public/", "/public/countries/KAZ/", "/public/indicators/3.2.1/"])
    assert len(crawl.seen) > 3
    assert not crawl.problems, crawl.problems
    screenshot(page, "es-public")
