"""The secretariat's organisation, membership, round-indicator and programme pages in a real
Chromium, in English and in Spanish."""

import shutil

import pytest

from indicators.models import DataSheet, Indicator
from portal.models import AuditEvent, Country, Organisation, User
from portal.secretariat.models import RoundIndicator
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD
from tests.secretariat.conftest import make_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    path = screenshot(page, f"secretariat-{name}")
    shutil.copy(path, f"/tmp/secadmin-{name}.png")


def test_organisations_and_membership(page, cast):
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/secretariat/")
    page.get_by_role("link", name="Organisations").first.click()
    add = page.get_by_role("region", name="Add an organisation")
    add.get_by_label("Name").fill("Ministry of Health of Kyrgyzstan")
    add.get_by_label("Kind").select_option("ministry")
    add.get_by_role("button", name="Add").click()
    page.get_by_text("A national organisation needs its country.").wait_for()
    add.get_by_label("Country", exact=True).select_option(label="Kyrgyzstan")
    add.get_by_role("button", name="Add").click()
    page.get_by_text("Ministry of Health of Kyrgyzstan was added.").wait_for()
    row = page.locator("#organisations tr", has_text="NSO B")
    row.get_by_role("button", name="Deactivate").click()
    page.get_by_text("NSO B was deactivated").wait_for()
    _shot(page, "organisations")
    assert not Organisation.objects.get(name="NSO B").is_active
    assert Organisation.objects.get(name="Ministry of Health of Kyrgyzstan").country.iso3 == "KGZ"

    page.get_by_role("link", name="Member countries").first.click()
    page.get_by_label("Another country").select_option("KGZ")
    page.get_by_role("button", name="Open").click()
    page.get_by_label("Member of the working group").check()
    page.get_by_label("Member since").fill("2012-05-01")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Kyrgyzstan was saved.").wait_for()
    assert "Kyrgyzstan" in page.locator("#member-countries").inner_text()
    _shot(page, "member-countries")
    assert Country.objects.get(iso3="KGZ").is_member
    assert AuditEvent.objects.filter(action__startswith="organisation.").count() == 2

    User.objects.filter(email="coord@example.org").update(language="es")
    page.goto("/secretariat/organisations/")
    page.get_by_role("heading", name="Organizaciones").wait_for()
    assert "desactivada" in page.locator("#organisations").inner_text()
    _shot(page, "organisations-es")
    page.goto("/secretariat/countries/KGZ/")
    page.get_by_role("heading", name="Pertenencia de Kirguistán").wait_for()
    _shot(page, "membership-es")


def test_round_indicators_removal_is_confirmed(page, cast, indicators, round_2026):
    for code in ("3.2.1", "3.1.1"):
        RoundIndicator.objects.create(round=round_2026, indicator=Indicator.objects.get(code=code))
    make_sheet(cast.country_b, round_2026, DataSheet.Status.DRAFT, codes=["3.1.1"])
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/secretariat/rounds/")
    page.get_by_role("link", name="Change the indicators").click()
    page.get_by_label("Indicators asked for").select_option(
        [str(Indicator.objects.get(code="3.2.1").pk)]
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Confirm the indicators no longer asked for").wait_for()
    assert "Kyrgyzstan" in page.locator("#entered-values").inner_text()
    assert "No value is deleted" in page.locator("#values-stay").inner_text()
    _shot(page, "round-indicators-confirm")
    page.get_by_role("link", name="Cancel: change nothing").click()
    assert RoundIndicator.objects.filter(round=round_2026).count() == 2
    page.get_by_label("Indicators asked for").select_option(
        [str(Indicator.objects.get(code="3.2.1").pk)]
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Confirm the change").click()
    page.get_by_text("no longer asked for").first.wait_for()
    assert RoundIndicator.objects.filter(round=round_2026).count() == 1

    User.objects.filter(email="coord@example.org").update(language="es")
    RoundIndicator.objects.create(round=round_2026, indicator=Indicator.objects.get(code="3.1.1"))
    page.goto(f"/secretariat/rounds/{round_2026.pk}/indicators/")
    page.get_by_label("Indicadores solicitados").select_option(
        [str(Indicator.objects.get(code="3.2.1").pk)]
    )
    page.get_by_role("button", name="Guardar").click()
    page.get_by_role(
        "heading", name="Confirmar los indicadores que dejan de solicitarse"
    ).wait_for()
    assert "Kirguistán" in page.locator("#entered-values").inner_text()
    _shot(page, "round-indicators-confirm-es")


def test_programme_editing_shows_in_the_biennium_report(page, cast):
    from meetings.models import Activity
    from tests.meetings.factories import BienniumFactory

    biennium = BienniumFactory(title="Programme 2026-2027", start_year=2026, end_year=2027)
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/secretariat/programme/")
    page.get_by_role("link", name="Edit bienniums, objectives and activities").click()
    page.get_by_role("link", name="2026-2027").click()
    objective = page.get_by_role("region", name="Add an objective")
    objective.get_by_label("Objective").fill("Timely and comparable data")
    objective.get_by_role("button", name="Add").click()
    page.get_by_text("Objective 1 was added.").wait_for()
    page.get_by_role("link", name="Add an activity").click()
    page.get_by_label("Code").fill("1(a)")
    page.get_by_label("Title").fill("Regional workshop on migration statistics")
    page.get_by_label("Objective").select_option(label="1. Timely and comparable data")
    page.get_by_label("Lead organisations").select_option(label="NSO B")
    page.get_by_label("Start", exact=True).fill("2026-03-01")
    page.get_by_label("End", exact=True).fill("2026-01-31")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("is before the start").wait_for()
    _shot(page, "activity-error")
    page.get_by_label("End", exact=True).fill("2026-09-30")
    page.get_by_label("Status").select_option("ongoing")
    page.get_by_label("Progress notes").fill("Venue booked in Bishkek.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("1(a) was saved.").wait_for()
    assert "NSO B" in page.locator("#programme-activities").inner_text()
    _shot(page, "biennium-edit")
    activity = Activity.objects.get(code="1(a)")
    assert [org.name for org in activity.lead_organisations.all()] == ["NSO B"]

    page.get_by_role("link", name="Biennium report").click()
    page.get_by_text("Regional workshop on migration statistics").first.wait_for()
    assert page.get_by_text("NSO B").count() >= 1
    _shot(page, "biennium-report")

    User.objects.filter(email="coord@example.org").update(language="es")
    page.goto(f"/secretariat/programme/bienniums/{biennium.pk}/")
    page.get_by_role("link", name="Añadir una actividad").wait_for()
    _shot(page, "biennium-edit-es")
    page.goto(f"/secretariat/programme/activities/{activity.pk}/details/")
    page.get_by_label("Organizaciones responsables").wait_for()
    _shot(page, "activity-details-es")
