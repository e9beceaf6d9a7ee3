"""Demo organisations and logins: a working group in use.

Every app may have a `demo.py` with `demo_load()`; `manage.py load_demo` calls them in
order (portal first). Each is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from portal.models import Agency, Country, Organisation, User

MEMBER_COUNTRIES = ["KAZ", "KGZ", "CHL", "MEX", "ARM", "COL", "CRI", "PER"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    role: str
    organisation: str
    language: str = "en"


ORGANISATIONS = [
    ("Working Group Secretariat (ECLAC Statistics Division)", "secretariat", None, None),
    ("Bureau of National Statistics of Kazakhstan", "nso", "KAZ", None),
    ("National Statistical Committee of the Kyrgyz Republic", "nso", "KGZ", None),
    ("Instituto Nacional de Estadísticas de Chile", "nso", "CHL", None),
    ("Instituto Nacional de Estadística y Geografía (México)", "nso", "MEX", None),
    ("UNICEF Data and Analytics Section", "agency", None, "UNICEF"),
    ("WHO Division of Data, Analytics and Delivery", "agency", None, "WHO"),
]

LOGINS = [
    DemoLogin(
        "coordinator@demo.wg.example", "Ana Coordinadora", "coordinator", ORGANISATIONS[0][0], "es"
    ),
    DemoLogin("secretariat@demo.wg.example", "Sam Secretariat", "coordinator", ORGANISATIONS[0][0]),
    DemoLogin(
        "focal.kaz@demo.wg.example",
        "Aigerim Focal Point",
        "country_focal_point",
        ORGANISATIONS[1][0],
    ),
    DemoLogin("member.kaz@demo.wg.example", "Nurlan Member", "country_member", ORGANISATIONS[1][0]),
    DemoLogin(
        "focal.kgz@demo.wg.example", "Bakyt Focal Point", "country_focal_point", ORGANISATIONS[2][0]
    ),
    DemoLogin(
        "focal.chl@demo.wg.example",
        "Camila Punto Focal",
        "country_focal_point",
        ORGANISATIONS[3][0],
        "es",
    ),
    DemoLogin(
        "focal.mex@demo.wg.example",
        "Diego Punto Focal",
        "country_focal_point",
        ORGANISATIONS[4][0],
        "es",
    ),
    DemoLogin(
        "agency.unicef@demo.wg.example", "Uma Agency", "agency_focal_point", ORGANISATIONS[5][0]
    ),
    DemoLogin(
        "agency.who@demo.wg.example", "Wen Agency", "agency_focal_point", ORGANISATIONS[6][0]
    ),
    DemoLogin("observer@demo.wg.example", "Olga Observer", "observer", ORGANISATIONS[0][0]),
]


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
