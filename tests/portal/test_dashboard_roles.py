"""The dashboard per role of the Cast: what each must see, and what it must not (other
countries' sheets, other agencies' cases, drafts that are not its own, links it cannot open)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators.models import DataSheet, DiscrepancyCase, Indicator, ReportingRound
from portal.models import User
from tests.conftest import Cast
from tests.indicators import conftest as shared

indicators = shared.indicators


class World:
    def __init__(self, cast: Cast) -> None:
        today = timezone.localdate()
        # Due in three days: the secretariat's "has not submitted" line shows.
        self.round = ReportingRound.objects.create(
            code="R-DASH",
            name_en="Round Alpha",
            name_es="Ronda Alfa",
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today + datetime.timedelta(days=3),
        )
        self.kaz_draft = DataSheet.objects.create(
            country=cast.country_a, round=self.round, status=DataSheet.Status.DRAFT
        )
        self.kgz_submitted = DataSheet.objects.create(
            country=cast.country_b, round=self.round, status=DataSheet.Status.SUBMITTED
        )
        indicator = Indicator.objects.get(code="3.2.1")
        self.unicef_case = DiscrepancyCase.objects.create(
            country=cast.country_a,
            indicator=indicator,
            agency=cast.agency,
            kind="discrepant values",
            fingerprint="unicef",
        )
        self.who_case = DiscrepancyCase.objects.create(
            country=cast.country_b,
            indicator=indicator,
            series="SEX=M",
            agency=cast.other_agency,
            kind="discrepant values",
            fingerprint="who",
        )

    def sheet(self, pk: int) -> str:
        return reverse("indicators:sheet_detail", args=[pk])

    def case(self, pk: int) -> str:
        return reverse("indicators:reports:case_detail", args=[pk])


@pytest.fixture
def world(cast: Cast, indicators: None) -> World:
    return World(cast)


def dashboard(client: Client, user: User, language: str = "en") -> str:
    User.objects.filter(pk=user.pk).update(language=language)
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def links(page: str) -> set[str]:
    return set(re.findall(r'href="(/[^"]*)"', page)) - {"#main"}


def assert_every_link_opens(client: Client, page: str) -> None:
    """A dashboard offers no link its reader would be refused (403) or sent to log in from."""
    for href in sorted(links(page)):
        if href.startswith("/static/"):
            continue
        response = client.get(href)
        assert response.status_code in (200, 302), (href, response.status_code)
        if response.status_code == 302:
            assert "/login" not in response["Location"], href


def test_focal_point_sees_its_own_draft_and_country_only(
    client: Client, world: World, cast: Cast
) -> None:
    page = dashboard(client, cast.users["focal_point"])
    assert "Data sheet Round Alpha is a draft: complete and submit it" in page
    assert world.sheet(world.kaz_draft.pk) in links(page)
    assert reverse("portal:country_workspace", args=["KAZ"]) in links(page)
    # not another country's sheet, not the review queue, no agency cases, no secretariat
    assert world.sheet(world.kgz_submitted.pk) not in links(page)
    assert reverse("portal:country_workspace", args=["KGZ"]) not in links(page)
    assert "awaits your review" not in page and "Open discrepancy case" not in page
    assert world.case(world.unicef_case.pk) not in links(page)
    assert reverse("secretariat:index") not in links(page)
    assert reverse("portal:audit_log") not in links(page)
    assert "have not submitted" not in page and "has not submitted" not in page
    assert_every_link_opens(client, page)


def test_focal_point_in_spanish(client: Client, world: World, cast: Cast) -> None:
    page = dashboard(client, cast.users["focal_point"], "es")
    assert "La hoja de datos Ronda Alfa es un borrador: complétela y preséntela" in page
    assert "Lo que requiere mi atención" in page and "Mi país" in page
    assert "Espacio de trabajo de Kazajstán" in page
    assert "Data sheet" not in page and "What needs my attention" not in page


def test_other_countrys_focal_point_sees_neither_the_draft_nor_the_review(
    client: Client, world: World, cast: Cast
) -> None:
    page = dashboard(client, cast.users["focal_point_b"])
    # KGZ's sheet is submitted: nothing for its focal point to do, and the round is started.
    assert world.sheet(world.kaz_draft.pk) not in links(page)
    assert world.sheet(world.kgz_submitted.pk) not in links(page)
    assert "Round Alpha" not in page and "awaits your review" not in page
    assert reverse("portal:country_workspace", args=["KGZ"]) in links(page)
    assert reverse("portal:country_workspace", args=["KAZ"]) not in links(page)
    assert_every_link_opens(client, page)


def test_country_member_sees_its_country_but_no_sheet_tasks(
    client: Client, world: World, cast: Cast
) -> None:
    page = dashboard(client, cast.users["member"])
    assert "Nothing needs your attention right now." in page
    assert world.sheet(world.kaz_draft.pk) not in links(page)
    assert reverse("portal:country_workspace", args=["KAZ"]) in links(page)
    assert reverse("secretariat:index") not in links(page)
    assert_every_link_opens(client, page)


def test_agency_focal_point_sees_its_agencys_cases_only(
    client: Client, world: World, cast: Cast
) -> None:
    page = dashboard(client, cast.users["agency_focal_point"])
    assert "Open discrepancy case: Kazakhstan, 3.2.1 total" in page
    assert world.case(world.unicef_case.pk) in links(page)
    assert world.case(world.who_case.pk) not in links(page)
    assert "SEX=M" not in page
    assert world.sheet(world.kaz_draft.pk) not in links(page)
    assert world.sheet(world.kgz_submitted.pk) not in links(page)
    assert "My country" not in page
    assert reverse("secretariat:index") not in links(page)
    assert_every_link_opens(client, page)


def test_agency_focal_point_in_spanish(client: Client, world: World, cast: Cast) -> None:
    page = dashboard(client, cast.users["agency_focal_point"], "es")
    assert "Caso de discrepancia abierto: Kazajstán, 3.2.1 total" in page
    assert "Open discrepancy case" not in page


def test_coordinator_reviews_submitted_sheets_and_follows_the_round(
    client: Client, world: World, cast: Cast
) -> None:
    page = dashboard(client, cast.users["coordinator"])
    assert "Kyrgyzstan: data sheet Round Alpha v1 awaits your review" in page
    assert world.sheet(world.kgz_submitted.pk) in links(page)
    # a draft is the country's own business until it is submitted
    assert world.sheet(world.kaz_draft.pk) not in links(page)
    # KAZ has only a draft (owing); KGZ's submission counts as delivered
    assert "Round Alpha: 1 member country has not submitted" in page
    assert reverse("secretariat:completeness", args=[world.round.pk]) in links(page)
    assert reverse("secretariat:index") in links(page)
    assert reverse("portal:audit_log") in links(page)
    assert reverse("admin:index") not in links(page)
    assert "Open discrepancy case" not in page and "My country" not in page
    assert_every_link_opens(client, page)


def test_coordinator_in_spanish(client: Client, world: World, cast: Cast) -> None:
    page = dashboard(client, cast.users["coordinator"], "es")
    assert "Kirguistán: la hoja de datos Ronda Alfa v1 espera su revisión" in page
    assert "Ronda Alfa: 1 país miembro no ha presentado su hoja" in page
    assert "awaits your review" not in page and "has not submitted" not in page


def test_observer_sees_no_tasks_and_no_private_links(
    client: Client, world: World, cast: Cast
) -> None:
    page = dashboard(client, cast.users["observer"])
    assert "Nothing needs your attention right now." in page
    for url in (
        world.sheet(world.kaz_draft.pk),
        world.sheet(world.kgz_submitted.pk),
        world.case(world.unicef_case.pk),
        world.case(world.who_case.pk),
        reverse("secretariat:index"),
        reverse("portal:audit_log"),
    ):
        assert url not in links(page)
    assert "My country" not in page
    assert_every_link_opens(client, page)
