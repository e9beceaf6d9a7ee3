"""A focal point logs in, switches to Spanish and reads the dashboard, in a real Chromium."""

import pytest

from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focal_point_logs_in_and_switches_to_spanish(page, cast):
    login(page, "fp.a@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="What needs my attention").is_visible()
    assert page.get_by_role("link", name="Working area of Kazakhstan").is_visible()
    screenshot(page, "dashboard-en")

    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Lo que requiere mi atención").is_visible()
    assert page.get_by_role("link", name="Espacio de trabajo de Kazajstán").is_visible()
    screenshot(page, "dashboard-es")

    cast.users["focal_point"].refresh_from_db()
    assert cast.users["focal_point"].language == "es"


def test_keyboard_user_reaches_main_content_with_skip_link(page, cast):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_wrong_password_shows_a_clear_message(page, cast):
    login(page, "fp.a@example.org", "not the password")
    assert page.get_by_role("alert").first.is_visible()
    assert "not correct" in page.get_by_role("alert").first.inner_text()
