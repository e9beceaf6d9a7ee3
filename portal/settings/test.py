"""Test settings: the same as base, with fast hashing and a console-free mail outbox."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "portal.hashers.PortalArgon2PasswordHasher",
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["*"]
PORTAL_REQUIRE_SERVICES = env.bool("PORTAL_REQUIRE_SERVICES", default=False)

Path(str(STATIC_ROOT)).mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when missing

# Two suites on one machine (a developer's run beside CI's, or parallel work trees) must not
# share a PostgreSQL test database: PORTAL_TEST_DB_NAME gives each its own.
if env.str("PORTAL_TEST_DB_NAME", default=""):
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("PORTAL_TEST_DB_NAME")  # noqa: F405
