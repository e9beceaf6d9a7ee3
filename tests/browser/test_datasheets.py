"""A focal point fills the Excel template, fixes the reported errors, previews and submits; the
coordinator returns it, the focal point corrects, the coordinator accepts; a correction makes
version 2 and the diff shows the change. All in a real Chromium."""

import datetime

import pytest
from openpyxl import load_workbook

from indicators.models import DataSheet, ReportingRound
from indicators.services.reference import indicators_load
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(path, rows):
    book = load_workbook(path)
    sheet = book["Data"]
    header = [cell.value for cell in sheet[1]]
    for values in rows:
        sheet.append([values.get(column, "") for column in header])
    book.save(path)


def _logout(page):
    page.get_by_role("button", name="Log out").click()


def test_datasheet_round_trip_in_the_browser(page, cast, tmp_path):
    indicators_load()
    ReportingRound.objects.create(
        code="2026",
        name_en="2026 round",
        name_es="Ronda 2026",
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 12, 15),
    )
    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.goto("/data/")
    page.get_by_role("button", name="Open a data sheet for 2026 round").click()
    page.wait_for_url("**/data/sheets/*/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the Excel template with these values").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    unit = "PER_1000_LIVE_BIRTHS"
    _fill(
        template,
        [
            {"indicator": "3.2.1", "year": 2015, "value": 14.6, "unit": unit},
            {"indicator": "3.2.1", "year": 2020, "value": "ten", "unit": unit},
        ],
    )
    page.get_by_role("link", name="Upload files").click()
    page.get_by_label("Files").set_input_files(str(template))
    page.get_by_role("button", name="Check the files").click()
    assert page.get_by_role("alert").first.is_visible()
    assert "ten" in page.locator("table.problems").inner_text()
    screenshot(page, "datasheet-problems")

    book = load_workbook(template)
    book["Data"]["E3"] = 10.2
    book.save(template)
    page.get_by_role("link", name="Upload corrected files").click()
    page.get_by_label("Files").set_input_files(str(template))
    page.get_by_role("button", name="Check the files").click()
    assert "Nothing has been stored yet" in page.content()
    progress = page.locator(".progress-preview")
    assert "Progress categories once accepted" in progress.inner_text()
    assert progress.locator(".cat-early_achiever").count() == 1  # 14.6 → 10.2, target 25
    screenshot(page, "datasheet-preview")
    page.get_by_role("button", name="Store these values in the draft").click()
    page.get_by_role("button", name="Submit for review").click()
    assert "Submitted" in page.locator(".messages").inner_text()
    sheet = DataSheet.objects.get()
    _logout(page)

    login(page, "coord@example.org", TEST_PASSWORD)
    page.goto(f"/data/sheets/{sheet.pk}/")
    page.get_by_label("Return with comments").check()
    page.get_by_label("Comment to the focal point").fill(
        "Please check 2020 against the vital statistics."
    )
    page.get_by_role("button", name="Record the decision").click()
    assert "Returned to the focal point" in page.locator(".messages").inner_text()
    _logout(page)

    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.goto(f"/data/sheets/{sheet.pk}/")
    assert "Please check 2020" in page.content()
    page.get_by_label("Value of 3.2.1 in 2020").fill("10.4")
    page.get_by_role("button", name="Save the corrections").click()
    page.get_by_role("button", name="Submit for review").click()
    _logout(page)

    login(page, "coord@example.org", TEST_PASSWORD)
    page.goto(f"/data/sheets/{sheet.pk}/")
    page.get_by_label("Accept and publish").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Accepted and published" in page.locator(".messages").inner_text()
    _logout(page)

    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.goto("/data/")
    page.get_by_role("button", name="Open a data sheet for 2026 round").click()
    page.wait_for_url("**/data/sheets/*/")
    page.get_by_label("Value of 3.2.1 in 2015").fill("14.3")
    page.get_by_role("button", name="Save the corrections").click()
    page.get_by_role("link", name="compare v1 and v2").click()
    diff = page.locator("table").inner_text()
    assert "14.6" in diff and "14.3" in diff
    screenshot(page, "datasheet-diff")
    page.go_back()
    history = page.locator(".history").inner_text()
    assert "values edited" in history
    assert DataSheet.objects.filter(country__iso3="KAZ").count() == 2
