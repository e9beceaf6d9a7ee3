"""Demo organisations and logins: a working group in use.

Every app may have a `demo.py` with `demo_load()`; `manage.py load_demo` calls them in
order (portal first). Each is idempotent. The content is a data file,
portal/fixtures/demo/accounts.json (member countries, organisations, logins); this module
keeps what cannot be data: the password comes from the settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from portal.models import Agency, Country, Organisation, User

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    role: str
    organisation: str
    language: str = "en"


def _read(name: str) -> Any:
    """One data file of the demo content (portal/fixtures/demo/<name>)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


_ACCOUNTS = _read("accounts.json")
MEMBER_COUNTRIES: list[str] = _ACCOUNTS["member_countries"]
# (name, kind, country iso3 or None, agency code or None)
ORGANISATIONS: list[tuple[str, str, str | None, str | None]] = [
    (org["name"], org["kind"], org["country"], org["agency"]) for org in _ACCOUNTS["organisations"]
]
LOGINS = [DemoLogin(**login) for login in _ACCOUNTS["logins"]]


def demo_load() -> list[DemoLogin]:
    """Create the demo organisations and users (idempotent); returns the logins."""
    password = settings.PORTAL_DEMO_PASSWORD
    with transaction.atomic():
        Country.objects.filter(iso3__in=MEMBER_COUNTRIES, is_member=False).update(is_member=True)
        orgs = {}
        for name, kind, iso3, agency_code in ORGANISATIONS:
            orgs[name], _ = Organisation.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "country": Country.objects.get(iso3=iso3) if iso3 else None,
                    "agency": Agency.objects.get(code=agency_code) if agency_code else None,
                },
            )
        for login in LOGINS:
            if User.objects.filter(email=login.email).exists():
                continue
            User.objects.create_user(
                login.email,
                password,
                full_name=login.full_name,
                role=login.role,
                organisation=orgs[login.organisation],
                language=login.language,
                is_staff=login.role == "coordinator",
            )
    return LOGINS
