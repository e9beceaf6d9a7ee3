"""The coordinator runs the group from the portal: invites a focal point (who sets a password
and logs in), opens a round with a deadline, reads its completeness dashboard and edits an
indicator's target. In a real Chromium."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from indicators.models import EngineRun, Indicator, ReportingRound
from portal.models import User
from portal.secretariat.models import IndicatorChange
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_coordinator_invites_opens_a_round_and_edits_a_target(page, cast, indicators):
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Administration").count() == 0

    # 1. Invite a focal point of Kyrgyzstan.
    page.get_by_role("link", name="Secretariat").first.click()
    page.get_by_role("link", name="Members").first.click()
    invite = page.get_by_role("region", name="Invite a person")
    invite.get_by_label("E-mail address").fill("aida@stat.kg")
    invite.get_by_label("Full name").fill("Aida Focal")
    invite.get_by_label("Role").select_option("country_focal_point")
    invite.get_by_label("Organisation").select_option(label="NSO B")
    invite.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("aida@stat.kg was invited").wait_for()
    screenshot(page, "secretariat-members")
    link = re.search(r"https?://\S+/secretariat/join/\S+/", mail.outbox[-1].body)
    assert link
    path = link.group(0).split("/", 3)[3]
    _logout(page)

    # 2. The invitee chooses a password and logs in.
    page.goto("/" + path)
    page.get_by_label("Password", exact=True).fill("kyrgyz-stats-2026!")
    page.get_by_label("Password again").fill("kyrgyz-stats-2026!")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/accounts/login/**")
    login(page, "aida@stat.kg", "kyrgyz-stats-2026!")
    page.wait_for_url("**/")
    assert User.objects.get(email="aida@stat.kg").role == "country_focal_point"
    assert page.get_by_role("link", name="Secretariat").count() == 0
    _logout(page)

    # 3. The coordinator opens a round with a deadline and two indicators.
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/secretariat/rounds/")
    today = timezone.localdate()
    page.get_by_label("Code").fill("2027")
    page.get_by_label("Name (English)").fill("2027 round")
    page.get_by_label("Name (Spanish)").fill("Ronda 2027")
    page.get_by_label("Opens on").fill((today - dt.timedelta(days=60)).isoformat())
    page.get_by_label("Deadline").fill((today - dt.timedelta(days=5)).isoformat())
    page.get_by_label("Indicators asked for").select_option(
        [str(Indicator.objects.get(code=code).pk) for code in ("3.2.1", "3.1.1")]
    )
    page.get_by_role("button", name="Open the round").click()

    # 4. The completeness dashboard: nobody has started, five days late.
    page.get_by_role("heading", name="Completeness of 2027 round").wait_for()
    assert ReportingRound.objects.get(code="2027").is_open
    row = page.locator("tr[data-iso3=KGZ]")
    assert "not started" in row.inner_text()
    assert row.locator("td").nth(3).inner_text().strip() == "5"
    screenshot(page, "secretariat-completeness")

    # 5. Edit the target of 3.2.1: history kept, engine run queued.
    page.get_by_role("link", name="Indicator targets").click()
    page.get_by_role("link", name="3.2.1").click()
    page.get_by_label("Target value").fill("20")
    page.get_by_label("Reason for the change").fill("Plenary decision")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("the engine recomputes its progress now").wait_for()
    assert "Plenary decision" in page.locator("#history").inner_text()
    screenshot(page, "secretariat-indicator")
    assert Indicator.objects.get(code="3.2.1").target_value == 20
    assert IndicatorChange.objects.get().engine_run == EngineRun.objects.get()


def test_secretariat_pages_in_spanish(page, cast, indicators, round_2026):
    User.objects.filter(email="coord@example.org").update(language="es")
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Secretaría").first.click()
    page.get_by_role("link", name="Rondas de presentación de informes").first.click()
    page.get_by_role("link", name="Completitud", exact=True).first.click()
    page.get_by_role("heading", name="Completitud de Ronda 2026").wait_for()
    assert "Kirguistán" in page.locator("#completeness").inner_text()
    assert "sin empezar" in page.locator("#completeness").inner_text()
    assert page.get_by_label("Nueva fecha límite").input_value() == "2026-12-15"
    screenshot(page, "secretariat-completeness-es")


def test_edit_activities_from_the_programme_page(page, cast):
    from meetings.models import Activity
    from tests.meetings.factories import ActivityFactory

    activity = ActivityFactory(code="2(b)", title="Regional workshop on migration statistics")
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/meetings/programme/")
    page.get_by_role("link", name="Edit activities").click()
    page.get_by_role("link", name="2(b)").click()
    page.get_by_label("Status").select_option("ongoing")
    page.get_by_label("Progress notes").fill("Workshop held in Bishkek; report in preparation.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("2(b) was saved.").wait_for()
    screenshot(page, "secretariat-activities")
    activity.refresh_from_db()
    assert activity.status == Activity.Status.ONGOING
    assert "Bishkek" in page.locator("#activities").inner_text()


def test_coordinator_maps_a_countrys_area_codes(page, sheet_world):
    from indicators.models import AreaCodeMapping
    from portal.models import AuditEvent

    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/secretariat/")
    page.get_by_role("link", name="Area codes").first.click()
    page.get_by_label("Country").select_option("KAZ")
    page.get_by_role("button", name="Open").click()
    page.get_by_role("heading", name="Area codes of Kazakhstan").wait_for()
    page.get_by_label("Code in the country's files").fill("11")
    page.get_by_label("Area").select_option(label="Akmola Region (KZAKM)")
    page.get_by_role("button", name="Add").click()
    page.get_by_text("11 was mapped.").wait_for()
    page.get_by_label("Code in the country's files").fill("11")
    page.get_by_role("button", name="Add").click()
    page.get_by_text("11 already means an area of Kazakhstan.").wait_for()
    screenshot(page, "secretariat-area-codes")
    mapping = AreaCodeMapping.objects.get(code="11")
    assert mapping.area is not None and mapping.area.code == "KZAKM"
    page.locator("#area-codes").get_by_role("link", name="Delete").click()
    page.locator("#what-goes").get_by_text("the code 11 of Kazakhstan").wait_for()
    screenshot(page, "secretariat-area-code-delete")
    page.get_by_role("button", name="Delete").click()
    page.get_by_text("11 was deleted.").wait_for()
    assert not AreaCodeMapping.objects.exists()
    assert AuditEvent.objects.filter(action__startswith="area_code.").count() == 2
