"""The secretariat records a fund-raising consultation (a bad amount refused, naming the
field); a member reads the list, the detail and the biennium report in English and Spanish;
a meeting page shows its participants by type of institution. In a real Chromium."""

from __future__ import annotations

import pytest

from meetings.models import (
    Activity,
    Biennium,
    Consultation,
    Meeting,
    Participant,
    ParticipantGroup,
)
from portal.models import Agency
from tests.browser.conftest import login
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/mandate-{name}.png", full_page=True)


def _spanish(page) -> None:
    page.select_option("#lang-select", "es")
    page.locator(".lang-form button").click()
    page.wait_for_load_state()


def test_consultation_recorded_and_read(page, cast):
    biennium = Biennium.objects.create(title="Programme 2026-2027", start_year=2026, end_year=2027)
    Activity.objects.create(biennium=biennium, code="6(b)", title="Identify donors")
    login(page, "coord@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/meetings/financing/")
    page.get_by_role("link", name="Fund-raising consultations").first.click()
    page.get_by_role("link", name="New consultation").click()
    page.get_by_label("Date", exact=True).fill("2026-04-15")
    page.get_by_label("Donor or organisation consulted").fill("Regional development bank")
    page.get_by_label("Programme activity").select_option(index=1)
    page.get_by_label("Project concerned").fill("Regional workshop on migration statistics")
    page.get_by_label("Amount sought").fill("-100")
    page.get_by_label("Currency").fill("usd")
    page.get_by_label("Status").select_option("held")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Nothing was saved").wait_for()
    assert "greater than or equal to 0" in page.inner_text("main")
    assert not Consultation.objects.exists()
    page.get_by_label("Amount sought").fill("45000")
    page.get_by_label("Outcome").fill("Asked for a concept note by June")
    page.get_by_role("button", name="Save").click()
    page.get_by_role(
        "heading", name="Fund-raising consultation: Regional development bank"
    ).wait_for()
    assert "45,000.00 USD" in page.inner_text("main")
    _shot(page, "consultation-detail-en")

    page.goto(f"/meetings/programme/{biennium.pk}/report/")
    report = page.inner_text("main")
    assert "Fund-raising consultations" in report and "Regional development bank" in report
    _shot(page, "consultation-report-en")

    _spanish(page)
    page.goto("/meetings/financing/consultations/")
    text = page.inner_text("main")
    assert "Consultas para recaudar fondos" in text
    assert "45.000,00 USD" in text or "45\xa0000,00 USD" in text
    assert "celebrada, en espera de respuesta" in text
    _shot(page, "consultation-list-es")


def test_meeting_page_shows_participant_mix(page, cast):
    meeting = Meeting.objects.create(
        title="Workshop on migration data",
        kind=Meeting.Kind.WORKSHOP,
        city="Almaty",
        start_date="2026-03-02",
        end_date="2026-03-03",
        time_zone="Asia/Almaty",
        status=Meeting.Status.HELD,
        visibility="public",
    )
    nso = cast.users["focal_point"].organisation
    for name, sex in (("Aigerim", "female"), ("Daniyar", "male")):
        Participant.objects.create(
            meeting=meeting,
            full_name=name,
            organisation=nso,
            country=cast.country_a,
            sex=sex,
            attendance="attended",
        )
    group = ParticipantGroup.objects.create(
        meeting=meeting,
        institution_type="agency",
        institutions=2,
        description_en="The co-organisers.",
        description_es="Los coorganizadores.",
    )
    group.agencies.add(*Agency.objects.all()[:2])
    page.goto(f"/meetings/{meeting.pk}/")
    aside = page.inner_text("#participation")
    assert "Participants by type of institution" in aside
    assert "National statistical offices" in aside
    assert "Who attended, as the report states it" in aside and "The co-organisers." in aside
    _shot(page, "meeting-mix-en")
    _spanish(page)
    page.goto(f"/meetings/{meeting.pk}/")
    aside_es = page.inner_text("#participation")
    assert "Participantes por tipo de institución" in aside_es
    assert "Oficinas nacionales de estadística" in aside_es and "Los coorganizadores." in aside_es
    _shot(page, "meeting-mix-es")
