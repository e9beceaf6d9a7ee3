"""Passwords: Argon2id with OWASP's parameters; older Argon2 hashes still log in and are upgraded."""

import argon2
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.test import override_settings

from portal.hashers import PortalArgon2PasswordHasher

PORTAL = [
    "portal.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@override_settings(PASSWORD_HASHERS=PORTAL)
def test_new_hashes_are_argon2id_with_owasp_parameters():
    encoded = make_password("a long passphrase")
    parameters = argon2.extract_parameters(encoded.removeprefix("argon2"))
    assert parameters.type is argon2.Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19456, 2, 1)
    assert check_password("a long passphrase", encoded)
    assert not check_password("a wrong passphrase", encoded)


@override_settings(PASSWORD_HASHERS=PORTAL)
def test_an_older_django_argon2_hash_logs_in_and_is_upgraded():
    older = Argon2PasswordHasher().encode("a long passphrase", Argon2PasswordHasher().salt())
    upgraded = []
    assert check_password("a long passphrase", older, setter=upgraded.append)
    assert upgraded == ["a long passphrase"]  # Django re-hashes it with the portal's hasher
    assert PortalArgon2PasswordHasher().must_update(older)
    assert not PortalArgon2PasswordHasher().must_update(make_password("x"))


def test_production_settings_use_the_portal_hasher_first():
    from portal.settings import base

    assert base.PASSWORD_HASHERS[0] == "portal.hashers.PortalArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" not in base.PASSWORD_HASHERS
