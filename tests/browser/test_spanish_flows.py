"""Pages the Spanish crawl does not reach by links, driven in Chromium in Spanish: the
indicator's edit page (targets and progress-ratio settings), a re-sent invitation's link
(opened and accepted), the synthesis in print layout, and the case list's age, country and
agency filters. Each page's visible text is checked with the crawl's lists (no English word
of the interface, no raw code, no English number, no ISO date) and screenshotted."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

from indicators.models import Indicator
from portal.models import Organisation, User
from portal.secretariat.services import invitation_create
from tests.browser.conftest import login, screenshot
from tests.browser.spanish_crawl import (
    CONTENT_SELECTORS,
    VISIBLE_TEXT_JS,
    problems_in,
    without_typed,
)
from tests.browser.test_spanish_pages import allowed_numbers, demo, typed_texts  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COORDINATOR = "coordinator@demo.wg.example"


def _spanish(page) -> None:
    page.select_option("#lang-select", "es")
    page.locator(".lang-form button").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "es"


def _problems(page) -> list[str]:
    text = without_typed(page.evaluate(VISIBLE_TEXT_JS, CONTENT_SELECTORS), typed_texts())
    return problems_in(text, allowed_numbers())


def test_spanish_pages_off_the_links(page, demo):  # noqa: F811
    login(page, COORDINATOR, settings.PORTAL_DEMO_PASSWORD)
    page.wait_for_url("**/")
    _spanish(page)
    found: dict[str, list[str]] = {}

    # The indicator's targets and progress-ratio settings.
    indicator = Indicator.objects.get(code="3.2.1")
    page.goto(f"/secretariat/indicators/{indicator.pk}/")
    found["indicator edit"] = _problems(page)
    screenshot(page, "es-indicator-edit")

    # The synthesis as printed: navigation and filters hidden, the date in Spanish.
    page.goto("/secretariat/synthesis/")
    page.emulate_media(media="print")
    found["synthesis print"] = _problems(page)
    assert page.locator("form").first.is_hidden()
    screenshot(page, "es-synthesis-print")
    page.emulate_media(media="screen")

    # The case list by age, country and agency.
    for query in ("?status=open&age=30to90", "?country=KGZ", "?agency=UNICEF", "?age=gt180"):
        response = page.goto(f"/data/reports/cases/{query}")
        assert response is not None and response.status == 200, query
        found[f"cases {query}"] = _problems(page)
    screenshot(page, "es-cases-filtered")

    # A re-sent invitation (in Spanish): the new link opens a Spanish page and is accepted.
    coordinator = User.objects.get(email=COORDINATOR)
    nso = Organisation.objects.filter(country__iso3="KGZ").first()
    assert nso is not None
    invitation_create(
        actor=coordinator,
        email="nurlan@stat.kg",
        full_name="Nurlan Asanov",
        role=User.Role.COUNTRY_MEMBER,
        organisation=nso,
        language="es",
    )
    page.goto("/secretariat/members/")
    page.locator("tr", has_text="nurlan@stat.kg").get_by_role(
        "button", name="Enviar un enlace nuevo"
    ).click()
    page.wait_for_load_state()
    found["members after re-send"] = _problems(page)
    body = mail.outbox[-1].body
    assert "UTC" in body and not re.search(r"\d{4}-\d{2}-\d{2}", body), body
    link = re.search(r"https?://\S+/secretariat/join/\S+/", body)
    assert link
    page.context.clear_cookies()
    page.goto("/" + link.group(0).split("/", 3)[3])
    assert page.evaluate("document.documentElement.lang") == "es"
    found["invitation accept"] = _problems(page)
    screenshot(page, "es-invitation-accept")
    page.get_by_label("Contraseña", exact=True).fill("kyrgyz-stats-2026!")
    page.get_by_label("Repita la contraseña").fill("kyrgyz-stats-2026!")
    page.get_by_role("button", name="Crear mi cuenta").click()
    page.wait_for_url("**/accounts/login/**")
    assert User.objects.filter(email="nurlan@stat.kg", is_active=True).exists()
    assert {k: v for k, v in found.items() if v} == {}
