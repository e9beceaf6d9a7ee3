"""A focal point uploads Open SDG files as the national platform publishes them (issue 13):
the upload page says which columns are attributes, one bad column gives one grouped line,
a label unit is accepted with a warning. In a real Chromium."""

import datetime

import pytest

from indicators import services
from indicators.models import ReportingRound
from indicators.services.reference import indicators_load
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_sdg_files_as_published(page, cast, tmp_path):
    indicators_load()
    round_2026 = ReportingRound.objects.create(
        code="2026",
        name_en="2026 round",
        name_es="Ronda 2026",
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 12, 15),
    )
    sheet = services.datasheet_create(
        country=cast.country_a, round=round_2026, user=cast.users["focal_point"]
    )
    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/data/sheets/{sheet.pk}/upload/")
    help_box = page.locator(".columns-help")
    assert "Unit multiplier" in help_box.inner_text()
    screenshot(page, "published-upload-help")

    bad = tmp_path / "indicator_8-5-2.csv"
    bad.write_text(
        "Year,Units,Unit multiplier,GROUP,Value\n"
        + "".join(f"2015,Number,0,G{i},{i % 90}\n" for i in range(391))
    )
    page.get_by_label("Files").set_input_files(str(bad))
    page.get_by_role("button", name="Check the files").click()
    rows = page.locator("table.problems tbody tr")
    assert rows.count() == 1  # 391 rows with one problem: one line
    assert "391 rows" in rows.first.inner_text()
    screenshot(page, "published-grouped-problems")

    good = tmp_path / "indicator_8-5-2.csv"
    good.write_text(
        "Year,Units,Unit multiplier,SEX,Value\n"
        "2014-15,Percent,0,,5.1\n2016,Prozent,0,,5.0\n2017,Prozent,0,F,4.8\n"
    )
    page.get_by_role("link", name="Upload corrected files").click()
    page.get_by_label("Files").set_input_files(str(good))
    page.get_by_role("button", name="Check the files").click()
    assert "Nothing has been stored yet" in page.content()
    warning = page.get_by_text("unit 'Prozent' not known")
    assert "2 rows" in warning.inner_text()
    assert "Unit multiplier" in page.content()  # the note on the attribute left out
    screenshot(page, "published-preview-warnings")
