"""Demo data sheets built from the real national data in `data/` (MIT licence, see data/README.md).

Kazakhstan's sheet for the 2026 round is accepted (published); Kyrgyzstan's is submitted and
awaits the coordinator's review; Chile has a draft. Idempotent.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from indicators import services
from indicators.models import (
    DataSheet,
    Indicator,
    InformationFlow,
    ReportingRound,
    StatisticalOperation,
)
from indicators.services.reference import indicators_load
from portal.models import Agency, Country, Organisation, User

DATA = Path(settings.BASE_DIR) / "data"
KAZ_FILES = [
    "indicator_3-2-1.csv",
    "indicator_3-2-2.csv",
    "indicator_3-1-1.csv",
    "indicator_1-2-1.csv",
]
KGZ_FILES = ["3.2.1.xml", "3.2.2.xml", "3.1.1.xml", "1.2.1.xml", "1.1.1.xml"]
OPERATIONS = {
    "KAZ": [
        (
            "Civil registration of births and deaths",
            "civil_registration",
            "Bureau of National Statistics",
            "annual",
            ["3.2.1", "3.2.2", "3.1.1"],
        ),
        (
            "Household Budget Survey",
            "household_survey",
            "Bureau of National Statistics",
            "quarterly",
            ["1.2.1"],
        ),
    ],
    "KGZ": [
        (
            "Vital statistics (civil registration)",
            "civil_registration",
            "National Statistical Committee",
            "annual",
            ["3.2.1", "3.2.2", "3.1.1"],
        ),
        (
            "Integrated Household Living Standards Survey",
            "household_survey",
            "National Statistical Committee",
            "annual",
            ["1.1.1", "1.2.1"],
        ),
    ],
}
# How the demo countries' figures reach the agencies: (country, indicator, agency, how
# often, format). Illustrative, like the agencies' releases of the demo.
FLOWS = [
    ("KAZ", "3.2.1", "UNICEF", "annual", "questionnaire"),
    ("KAZ", "3.1.1", "WHO", "annual", "spreadsheet"),
    ("KGZ", "3.2.1", "UNICEF", "annual", "sdmx"),
    ("KGZ", "1.1.1", "WB", "annual", "spreadsheet"),
]


def _focal_point(iso3: str) -> User | None:
    return (
        User.objects.filter(organisation__country__iso3=iso3, role=User.Role.COUNTRY_FOCAL_POINT)
        .order_by("pk")
        .first()
    )


def _coordinator() -> User | None:
    return User.objects.filter(role=User.Role.COORDINATOR).order_by("pk").first()


def _import(country: Country, round: ReportingRound, user: User, paths: list[Path]) -> DataSheet:
    sheet = services.datasheet_create(country=country, round=round, user=user)
    result = services.datasheet_import(
        sheet=sheet,
        user=user,
        files=[(p.name, p.read_bytes()) for p in paths],
        confirm_outliers=True,
    )
    if not result.stored:
        problems = "; ".join(
            f"{p.file}:{p.row}: {p.column} {p.reason}" for p in result.preview.problems[:5]
        )
        raise RuntimeError(f"demo import of {country.iso3} failed: {result.refused}: {problems}")
    return sheet


def demo_load() -> None:
    indicators_load()
    round, _ = ReportingRound.objects.get_or_create(
        code="2026",
        defaults={
            "name_en": "2026 round",
            "name_es": "Ronda 2026",
            "opens_on": datetime.date(2026, 3, 1),
            "closes_on": datetime.date(2026, 12, 15),
        },
    )
    for iso3, operations in OPERATIONS.items():
        country = Country.objects.get(iso3=iso3)
        for name, kind, institution, periodicity, codes in operations:
            operation, _created = StatisticalOperation.objects.get_or_create(
                country=country,
                name=name,
                defaults={"kind": kind, "institution": institution, "periodicity": periodicity},
            )
            operation.indicators.add(*Indicator.objects.filter(code__in=codes))
            if operation.responsible_id is None:
                operation.responsible = (
                    Organisation.objects.filter(country=country, kind=Organisation.Kind.NSO)
                    .order_by("pk")
                    .first()
                )
                operation.save(update_fields=["responsible"])
    for iso3, code, agency, frequency, data_format in FLOWS:
        InformationFlow.objects.get_or_create(
            country=Country.objects.get(iso3=iso3),
            indicator=Indicator.objects.get(code=code),
            defaults={
                "national_producer": OPERATIONS[iso3][0][2],
                "custodian": Agency.objects.filter(code=agency).first(),
                "method": InformationFlow.Method.COUNTRY_DATA,
                "frequency": frequency,
                "data_format": data_format,
            },
        )
    coordinator = _coordinator()
    plans = [
        ("KAZ", DATA / "kazakhstan-open-sdg" / "data", KAZ_FILES, "accept"),
        ("KGZ", DATA / "kyrgyzstan-sdmx" / "data", KGZ_FILES, "submit"),
        ("CHL", None, [], "draft"),
    ]
    for iso3, folder, names, goal in plans:
        country = Country.objects.get(iso3=iso3)
        user = _focal_point(iso3)
        if user is None or DataSheet.objects.filter(country=country, round=round).exists():
            continue
        with transaction.atomic():
            if folder is None:
                services.datasheet_create(country=country, round=round, user=user)
                continue
            sheet = _import(country, round, user, [folder / name for name in names])
            services.datasheet_submit(sheet=sheet, user=user)
            if goal == "accept" and coordinator is not None:
                services.datasheet_accept(
                    sheet=sheet, user=coordinator, comment="Checked against the 2025 round."
                )
    from indicators.reports.demo import reports_demo_load

    reports_demo_load()
