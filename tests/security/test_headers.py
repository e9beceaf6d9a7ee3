"""Login (throttling, session rotation) and the security headers and cookie settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.security.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_login_is_throttled_after_repeated_failures(world, settings):
    settings.LOGIN_THROTTLE_FAILURES = 5
    client = Client()
    email = world.cast.users["focal_point"].email
    for _attempt in range(5):
        assert _login(client, email, "wrong password").status_code == 400
    throttled = _login(client, email, PASSWORD)
    assert throttled.status_code == 429, "even the right password waits out the window"
    assert "_auth_user_id" not in client.session


def test_login_throttle_is_per_address_too(world, settings):
    """Spraying many accounts from one address is throttled as well."""
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 5
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(5):
        _login(client, f"nobody{n}@example.org", "wrong password")
    assert _login(client, world.cast.users["member"].email, PASSWORD).status_code == 429
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert _login(other, world.cast.users["member"].email, PASSWORD).status_code == 302


def test_session_key_rotates_at_login(world):
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    before = session.session_key
    response = _login(client, world.cast.users["focal_point"].email, PASSWORD)
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before, "session fixation: the key must change at login"
    from django.contrib.sessions.backends.db import SessionStore

    assert not SessionStore().exists(before) or SessionStore(before).get("_auth_user_id") is None


def test_logout_ends_the_session(world):
    client = Client()
    assert _login(client, world.cast.users["member"].email, PASSWORD).status_code == 302
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    from django.contrib.sessions.backends.db import SessionStore

    assert SessionStore(key).get("_auth_user_id") is None
    assert client.get("/data/").status_code == 302


def test_disabled_account_cannot_log_in(world):
    user = world.cast.users["disabled_focal_point"]
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    assert _login(client, user.email, PASSWORD).status_code == 400
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/data/", "/forum/", "/meetings/"])
def test_pages_carry_security_headers(world, path):
    client = Client()
    client.force_login(world.cast.users["member"])
    response = client.get(path)
    assert response.status_code in (200, 302)  # the login page sends a member home
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert directive in csp, directive
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_httponly_and_samesite(world):
    client = Client()
    response = _login(client, world.cast.users["member"].email, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] in ("Lax", "Strict")


PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.core.management import call_command
call_command("migrate", verbosity=0, run_syncdb=True)
c = Client()
plain = c.get("/accounts/login/", HTTP_HOST="portal.example.org")
r = c.get("/accounts/login/", secure=True, HTTP_HOST="portal.example.org")
print(json.dumps({
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "DEBUG": settings.DEBUG,
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "status": r.status_code,
    "headers": dict(r.headers),
    "csrf_cookie_secure": bool(r.cookies["csrftoken"]["secure"]) if "csrftoken" in r.cookies else None,
}))
"""


def test_production_settings_are_secure(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "CACHE_URL": "locmemcache://prod",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("PORTAL_REQUIRE_SERVICES", None)
    (tmp_path / "static").mkdir()
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["DEBUG"] is False
    assert (
        out["SESSION_COOKIE_SECURE"]
        and out["CSRF_COOKIE_SECURE"]
        and out["SESSION_COOKIE_HTTPONLY"]
    )
    assert out["SECURE_SSL_REDIRECT"]
    assert out["plain_status"] == 301 and out["plain_location"].startswith("https://")
    assert out["status"] == 200
    headers = out["headers"]
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert out["csrf_cookie_secure"] is True
