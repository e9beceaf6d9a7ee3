"""Pages tried until now only through the test client, in a real Chromium: personal API tokens
on the profile, an agency's release loaded in the browser (a bad file first), the audit trail."""

import pytest

from indicators.models import InternationalObservation, InternationalRelease
from portal.models import PersonalToken
from portal.services import audit_record, reference_data_load
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RELEASE = (
    "SeriesCode,GeoAreaCode,TimePeriod,Value,Nature,Units\n"
    "SH_DYN_MORT,417,2015,21.3,E,PER_1000_LIVE_BIRTHS\n"
    "SH_DYN_MORT,417,2020,17.5,E,PER_1000_LIVE_BIRTHS\n"
)


def test_a_token_made_on_the_profile_calls_the_api_until_revoked(page, cast):
    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/accounts/profile/")
    page.get_by_label("Name of a new token").fill("nightly push")
    page.get_by_role("button", name="Create a token").click()
    page.wait_for_load_state()
    key = page.locator("#new-token").inner_text().strip()
    assert len(key) > 20
    screenshot(page, "profile-token-created")

    headers = {"Authorization": f"Token {key}"}
    assert page.request.get("/api/v1/indicators/", headers=headers).status == 200
    row = page.get_by_role("row").filter(has_text="nightly push")
    assert key not in row.inner_text()  # only the prefix stays on the page
    row.get_by_role("button", name="Revoke").click()
    page.wait_for_load_state()
    assert "revoked" in page.get_by_role("row").filter(has_text="nightly push").inner_text()
    assert page.request.get("/api/v1/indicators/", headers=headers).status == 401
    assert not PersonalToken.objects.get(name="nightly push").is_active


def test_agency_loads_a_release_after_fixing_a_bad_row(page, sheet_world, tmp_path):
    cast = sheet_world
    reference_data_load()
    bad = tmp_path / "unicef.csv"
    bad.write_text(RELEASE + "SH_DYN_MORT,417,2021,lots,E,PER_1000_LIVE_BIRTHS\n")
    login(page, "agency@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/data/international/")
    page.get_by_label("Agency").select_option(label=str(cast.agency))
    page.get_by_label("Format").select_option("sdg-csv")
    page.get_by_label("Files").set_input_files(str(bad))
    page.get_by_role("button", name="Load the release").click()
    page.wait_for_load_state()
    problems = page.get_by_role("heading", name="Nothing was stored").locator("..")
    assert "lots" in problems.inner_text()
    screenshot(page, "international-bad-row")
    assert not InternationalRelease.objects.exists()

    good = tmp_path / "unicef-fixed.csv"
    good.write_text(RELEASE)
    page.get_by_label("Agency").select_option(label=str(cast.agency))
    page.get_by_label("Files").set_input_files(str(good))
    page.get_by_role("button", name="Load the release").click()
    page.wait_for_load_state()
    # a preview first: values per country against the current release (none yet)
    preview = page.locator(".international-preview")
    assert "KGZ" in preview.inner_text() and not InternationalRelease.objects.exists()
    screenshot(page, "international-preview")
    page.get_by_role("button", name="Replace the current release").click()
    page.wait_for_load_state()
    releases = page.get_by_role("table")
    assert "v1" in releases.inner_text() and "current" in releases.inner_text()
    screenshot(page, "international-loaded")
    release = InternationalRelease.objects.get()
    assert InternationalObservation.objects.filter(release=release).count() == 2


def test_coordinator_reads_the_audit_trail(page, cast):
    audit_record(
        action="sheet.submitted",
        summary="Kazakhstan 2026 submitted",
        actor=cast.users["focal_point"],
        address="127.0.0.1",
    )
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/audit/")
    assert page.get_by_role("heading", name="Audit trail").is_visible()
    table = page.get_by_role("table").inner_text()
    assert "Kazakhstan 2026 submitted" in table and "127.0.0.1" in table
    screenshot(page, "audit-trail")
