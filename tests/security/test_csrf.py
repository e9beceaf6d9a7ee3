"""Every URL refuses a POST without a valid CSRF token (logged in), with 403, and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.security.test_access_matrix import _snapshot
from tests.security.urls import all_routes, fill, post_body

# POSTs that need no CSRF token, each with its reason. API requests authenticated by a
# personal token carry no cookie, so they cannot be forged from another site; with a
# session cookie, DRF's SessionAuthentication enforces CSRF (tested below).
EXEMPT: dict[str, str] = {
    "api_v1:public_country": "the public site's read-only JSON: no login, GET only (POST is 405)",
}


@pytest.mark.parametrize("role", ["coordinator", "focal_point_b"])
def test_post_without_csrf_token_is_refused_everywhere(world, role):
    """The coordinator and KGZ's focal point may act on every object of the world, so only
    the missing token can be what refuses the request."""
    client = Client(enforce_csrf_checks=True)
    user = world.cast.users[role]
    client.force_login(user)
    before = _snapshot(world)
    problems = []
    for route in all_routes():
        if route.name in EXEMPT:
            continue
        url = fill(route, world)
        for body in (post_body(world), {**post_body(world), "csrfmiddlewaretoken": "forged" * 8}):
            response = client.post(url, body)
            if response.status_code != 403:
                problems.append(f"POST {url} [{route.name}] -> {response.status_code}")
    assert not problems, "\n".join(problems)
    assert _snapshot(world) == before
    assert client.session.get("_auth_user_id") == str(user.pk), (
        "still logged in: logout refused too"
    )


def test_login_form_needs_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/",
        {"username": "fp.a@example.org", "password": "correct horse battery staple 42"},
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_post_with_a_valid_token_works(world):
    """The control: the same client, with the token from the form, is accepted."""
    client = Client(enforce_csrf_checks=True)
    user = world.cast.users["focal_point"]
    client.force_login(user)
    page = client.get("/accounts/profile/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/accounts/profile/",
        {
            "full_name": "New name",
            "language": "en",
            "email_notifications": "daily",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "New name"


def test_api_with_session_cookie_needs_csrf(world):
    """A session-authenticated API POST (a browser) is refused without the token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.cast.users["focal_point"])
    response = client.post(
        "/api/v1/sheets/", {"country": "KAZ", "round": "2026"}, content_type="application/json"
    )
    assert response.status_code == 403
    from indicators.models import DataSheet

    assert not DataSheet.objects.filter(country__iso3="KAZ").exists()
