"""Cookie flags: csrftoken and the language cookie are HttpOnly and SameSite=Lax, Secure in production."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

from tests.security.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from django.core.management import call_command
call_command("migrate", verbosity=0, run_syncdb=True)
c = Client()
page = c.get("/accounts/login/", secure=True, HTTP_HOST="portal.example.org")
switch = c.post("/language/", {"language": "es", "next": "/"}, secure=True,
                HTTP_HOST="portal.example.org")
def flags(morsel):
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"]}
print(json.dumps({
    "csrftoken": flags(page.cookies["csrftoken"]),
    "language": flags(switch.cookies["django_language"]),
    "location": switch.headers.get("Location"),
}))
"""


def _flags(morsel) -> dict[str, object]:
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }


def test_production_cookies_are_secure_httponly_and_lax(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "CACHE_URL": "locmemcache://cookies",
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
    expected = {"secure": True, "httponly": True, "samesite": "Lax"}
    assert out["csrftoken"] == expected
    assert out["language"] == expected
    assert out["location"] == "/"


def test_language_cookie_at_login_carries_the_same_flags(world):
    member = world.cast.users["member"]
    response = Client().post("/accounts/login/", {"username": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _flags(response.cookies["django_language"]) == {
        "secure": False,  # development settings; production: see the test above
        "httponly": True,
        "samesite": "Lax",
    }
    page = Client().get("/accounts/login/")
    assert _flags(page.cookies["csrftoken"])["httponly"] is True
