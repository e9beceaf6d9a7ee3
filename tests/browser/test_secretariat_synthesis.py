"""The coordinator reads the synthesis of the country data sheets and the reporting status by
responsible institution, in English and in Spanish, in a real Chromium."""

import pytest

from portal.models import User
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD
from tests.secretariat.conftest import members  # noqa: F401
from tests.secretariat.synthesis_world import synthesis_world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    screenshot(page, f"secretariat-{name}")
    page.screenshot(path=f"/tmp/synthesis-{name}.png", full_page=True)


def test_synthesis_and_institutions_pages(page, synthesis_world):  # noqa: F811
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Secretariat").first.click()
    page.get_by_role("link", name="Synthesis", exact=True).first.click()
    page.get_by_role("heading", name="Synthesis of the country data sheets").wait_for()
    operations = page.locator("#synthesis-operations")
    kgz_census = operations.locator('tr[data-iso3="KGZ"] td[data-gap="census"]')
    assert kgz_census.inner_text().strip().endswith("none")
    assert kgz_census.evaluate("cell => getComputedStyle(cell).backgroundImage") != "none"
    subnational = page.locator('#synthesis-subnational tr[data-iso3="KGZ"] td.gap')
    assert "no subnational data" in subnational.inner_text()
    assert page.locator("#gap-summary [data-gaps]").inner_text() == "9"
    csv_link = page.get_by_role("link", name="Download CSV")
    assert csv_link.get_attribute("href") == "?format=csv"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel").click()
    assert download.value.suggested_filename.startswith("synthesis-")
    assert download.value.suggested_filename.endswith(".xlsx")
    _shot(page, "synthesis")

    # Filtered by a goal: the export links keep the filter; the print view hides the nav.
    page.get_by_label("Goal").select_option("1")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**goal=1**")
    assert "goal=1" in (page.get_by_role("link", name="Download CSV").get_attribute("href") or "")
    page.emulate_media(media="print")
    assert not page.locator("nav.page-actions").is_visible()
    assert not page.locator("form.filters").is_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Status by institution").first.click()
    page.get_by_role("heading", name="Reporting status by responsible institution").wait_for()
    row = page.locator('tr[data-iso3="KAZ"][data-indicator="1.1.1"]')
    assert "not reported" in row.inner_text() and row.locator("td.gap").count() == 1
    assert "accepted" in page.locator('tr[data-iso3="KAZ"][data-indicator="3.2.1"]').inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("institutions-")
    _shot(page, "institutions")


def test_synthesis_pages_in_spanish(page, synthesis_world):  # noqa: F811
    User.objects.filter(email="coord@example.org").update(language="es")
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Secretaría").first.click()
    page.get_by_role("link", name="Síntesis", exact=True).first.click()
    page.get_by_role("heading", name="Síntesis de las hojas de datos de los países").wait_for()
    cell = page.locator('#synthesis-operations tr[data-iso3="KGZ"] td[data-gap="census"]')
    assert "ninguna" in cell.inner_text()
    assert "Kirguistán" in page.locator("#synthesis-operations").inner_text()
    assert page.get_by_role("link", name="Descargar CSV").count() == 1
    _shot(page, "synthesis-es")
    page.get_by_role("link", name="Situación por institución").first.click()
    page.get_by_role(
        "heading", name="Situación de los informes por institución responsable"
    ).wait_for()
    assert "no informado" in page.locator('tr[data-indicator="1.1.1"]').inner_text()
    _shot(page, "institutions-es")
