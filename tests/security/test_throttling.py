"""One throttle for every way in (issue 15, items 1 and 2).

Portal login, admin login, API tokens and password resets all count per client address and
(for logins) per username, behind the trusted reverse proxy too; the API has DRF rates.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client, RequestFactory

from portal import services as portal_services
from portal.throttling import UserRateThrottle, client_address
from tests.factories import TEST_PASSWORD

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
RESET = "/accounts/password-reset/"


@pytest.fixture
def limits(settings):
    settings.LOGIN_THROTTLE_FAILURES = 3
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 5
    settings.PORTAL_TRUSTED_PROXIES = []
    return settings


def _login(client: Client, email: str, password: str, url: str = LOGIN):
    return client.post(url, {"username": email, "password": password})


def _coordinator(cast):
    coord = cast.users["coordinator"]
    coord.is_staff = True
    coord.save(update_fields=["is_staff"])
    return coord


def test_admin_login_is_throttled(cast, limits):
    coord = _coordinator(cast)
    client = Client()
    for _attempt in range(3):
        assert _login(client, coord.email, "wrong", ADMIN_LOGIN).status_code == 200
    response = _login(client, coord.email, TEST_PASSWORD, ADMIN_LOGIN)
    assert response.status_code == 429, "even the right password waits out the window"
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_works_before_the_limit(cast, limits):
    """Control: the throttled admin login still lets a staff member in."""
    coord = _coordinator(cast)
    client = Client()
    _login(client, coord.email, "wrong", ADMIN_LOGIN)
    assert _login(client, coord.email, TEST_PASSWORD, ADMIN_LOGIN).status_code == 302
    assert client.session["_auth_user_id"] == str(coord.pk)


def test_portal_and_admin_logins_share_one_count(cast, limits):
    coord = _coordinator(cast)
    client = Client()
    for _attempt in range(3):
        _login(client, coord.email, "wrong")
    assert _login(client, coord.email, TEST_PASSWORD, ADMIN_LOGIN).status_code == 429


def test_the_backend_refuses_a_throttled_login_whoever_calls_it(cast, limits):
    """Any caller of authenticate() (not only the login views) is throttled."""
    email = cast.users["member"].email
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="203.0.113.50")
    for _attempt in range(3):
        assert authenticate(request, username=email, password="wrong") is None
    fresh = RequestFactory().post(LOGIN, REMOTE_ADDR="203.0.113.51")
    assert authenticate(fresh, username=email, password=TEST_PASSWORD) is None


def test_a_success_does_not_reset_the_address_count(cast, limits):
    """Spraying one password across accounts, with an own login in between, stays limited."""
    client = Client(REMOTE_ADDR="203.0.113.20")
    for n in range(3):
        assert _login(client, f"nobody{n}@example.org", "Spring2026!").status_code == 400
    assert _login(client, cast.users["member"].email, TEST_PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for n in range(3, 5):
        _login(client, f"nobody{n}@example.org", "Spring2026!")
    response = _login(client, cast.users["focal_point"].email, TEST_PASSWORD)
    assert response.status_code == 429
    # Another address is not affected.
    other = Client(REMOTE_ADDR="203.0.113.21")
    assert _login(other, cast.users["focal_point"].email, TEST_PASSWORD).status_code == 302


def test_a_success_clears_only_that_usernames_failures(cast, limits):
    email = cast.users["focal_point"].email
    first = Client(REMOTE_ADDR="203.0.113.30")
    for _attempt in range(2):
        _login(first, email, "wrong")
    assert _login(first, email, TEST_PASSWORD).status_code == 302
    second = Client(REMOTE_ADDR="203.0.113.31")
    for _attempt in range(2):
        assert _login(second, email, "wrong").status_code == 400
    assert _login(second, email, TEST_PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_each_client_has_its_own_count(cast, limits):
    limits.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/8"]
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    for n in range(5):
        _login(attacker, f"nobody{n}@example.org", "wrong")
    assert _login(attacker, cast.users["member"].email, TEST_PASSWORD).status_code == 429
    # A forged left part of the header does not get the attacker a fresh count.
    forged = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert _login(forged, cast.users["member"].email, TEST_PASSWORD).status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert _login(colleague, cast.users["member"].email, TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not a proxy: header ignored
        ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("2001:db8::5", "198.51.100.1", "198.51.100.1"),
    ],
)
def test_client_address_takes_the_right_most_untrusted_hop(settings, remote, forwarded, expected):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_wrong_api_tokens_are_throttled_per_address(cast, limits):
    _token, key = portal_services.token_create(user=cast.users["member"], name="script")
    client = Client(REMOTE_ADDR="203.0.113.40")
    for n in range(5):
        response = client.get("/api/v1/countries/", HTTP_AUTHORIZATION=f"Token guess{n}")
        assert response.status_code == 401
    response = client.get("/api/v1/countries/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 429
    other = Client(REMOTE_ADDR="203.0.113.41")
    assert other.get("/api/v1/countries/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_api_rate_throttle_is_enabled(cast, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/hour", "anon": "3/hour"})
    _token, key = portal_services.token_create(user=cast.users["member"], name="script")
    client = Client()
    for _request in range(3):
        assert (
            client.get("/api/v1/countries/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
        )
    response = client.get("/api/v1/countries/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_password_reset_is_throttled_per_email_with_the_same_answer(cast, settings):
    settings.PASSWORD_RESET_THROTTLE_PER_EMAIL = 3
    settings.PASSWORD_RESET_THROTTLE_PER_ADDRESS = 100
    email = cast.users["member"].email
    mail.outbox.clear()
    answers = [Client().post(RESET, {"email": email}) for _request in range(20)]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/accounts/password-reset/sent/")
    }
    assert len(mail.outbox) == 3


def test_password_reset_is_throttled_per_address(cast, settings):
    settings.PASSWORD_RESET_THROTTLE_PER_EMAIL = 100
    settings.PASSWORD_RESET_THROTTLE_PER_ADDRESS = 2
    mail.outbox.clear()
    client = Client(REMOTE_ADDR="203.0.113.60")
    for role in ("member", "focal_point", "coordinator", "observer"):
        response = client.post(RESET, {"email": cast.users[role].email})
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert Client(REMOTE_ADDR="203.0.113.61").post(RESET, {"email": cast.users["member"].email})
    assert len(mail.outbox) == 3
