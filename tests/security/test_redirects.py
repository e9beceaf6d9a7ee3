"""`next` parameters: one safe-redirect helper (portal.redirects) behind every view that honours one."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from portal.redirects import is_safe_url
from tests.security.conftest import PASSWORD

HOSTILE = (
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example",
    "javascript:alert(1)",
    "bogus",
    "/no/such/page/",
    "http://evil.example@testserver.evil/",
    "x" * 3000,
)


def test_the_helper_accepts_only_pages_of_this_site(settings):
    request = RequestFactory().get("/")
    # (A NUL byte never reaches a view: the middleware answers 400; the helper refuses it too.)
    for target in (*HOSTILE, "/forum/\x00", "/forum/\n"):
        assert not is_safe_url(request, target), target
    for target in ("/forum/", "/meetings/actions/?status=open", "http://testserver/forum/"):
        assert is_safe_url(request, target), target
    # Production: an absolute URL must be https, even to this host.
    settings.SAFE_REDIRECT_REQUIRE_HTTPS = True
    assert not is_safe_url(request, "http://testserver/forum/")
    assert is_safe_url(request, "https://testserver/forum/")
    assert is_safe_url(request, "/forum/")


@pytest.mark.parametrize("target", HOSTILE)
def test_action_update_never_redirects_off_site(world, target):
    client = Client()
    client.force_login(world.cast.users["coordinator"])
    response = client.post(
        f"/meetings/actions/{world.action_b.pk}/update/",
        {"status": "done", "notes": "", "next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/meetings/actions/"


def test_action_update_follows_a_local_next(world):
    client = Client()
    client.force_login(world.cast.users["coordinator"])
    response = client.post(
        f"/meetings/actions/{world.action_b.pk}/update/",
        {"status": "done", "notes": "", "next": "/meetings/actions/?mine=1"},
    )
    assert response.headers["Location"] == "/meetings/actions/?mine=1"


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_and_login_fall_back_to_the_home_page(world, target):
    response = Client().post("/language/", {"language": "es", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = Client().post(
        "/accounts/login/",
        {"username": world.cast.users["member"].email, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_grid_save_falls_back_to_the_sheet_on_a_bogus_next(world):
    from indicators import services

    fp = world.cast.users["focal_point"]
    sheet = services.datasheet_create(
        country=world.cast.country_a, round=world.sheet_b.round, user=fp
    )
    client = Client()
    client.force_login(fp)
    for target in ("bogus", "/nowhere/", "javascript:alert(1)"):
        response = client.post(
            f"/data/sheets/{sheet.pk}/grid/",
            {"lock_version": str(sheet.lock_version), "next": target},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == f"/data/sheets/{sheet.pk}/"
