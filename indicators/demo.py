"""Demo data sheets built from the real national data in `data/` (MIT licence, see data/README.md).

Kazakhstan's sheet for the 2026 round is accepted (published); Kyrgyzstan's is submitted and
awaits the coordinator's review; Chile has a draft. Idempotent.

The content is a data file, indicators/fixtures/demo/sheets.json (the round, the statistical
operations, the information flows, which files each sheet imports and how far it goes); this
module imports the national files through the normal import service and reviews the sheets.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

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

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "demo"


def _read(name: str) -> Any:
    """One data file of the demo content (indicators/fixtures/demo/<name>)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


_SHEETS = _read("sheets.json")
# The reporting round of the demo sheets.
ROUND: dict[str, str] = _SHEETS["round"]
# Each country's statistical operations: country, name, kind, institution, periodicity and
# the indicators it produces.
OPERATIONS: list[dict[str, Any]] = _SHEETS["operations"]
# How the demo countries' figures reach the agencies: country, indicator, custodian agency,
# how often, format. Illustrative, like the agencies' releases of the demo.
FLOWS: list[dict[str, str]] = _SHEETS["flows"]
# Each demo sheet: country, the folder of real national files under the project (None: an
# empty draft), the files imported, and how far it goes (draft, submit, accept).
SHEETS: list[dict[str, Any]] = _SHEETS["sheets"]


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


def _operations() -> None:
    for spec in OPERATIONS:
        country = Country.objects.get(iso3=spec["country"])
        operation, _created = StatisticalOperation.objects.get_or_create(
            country=country,
            name=spec["name"],
            defaults={
                "kind": spec["kind"],
                "institution": spec["institution"],
                "periodicity": spec["periodicity"],
            },
        )
        operation.indicators.add(*Indicator.objects.filter(code__in=spec["indicators"]))
        if operation.responsible_id is None:
            operation.responsible = (
                Organisation.objects.filter(country=country, kind=Organisation.Kind.NSO)
                .order_by("pk")
                .first()
            )
            operation.save(update_fields=["responsible"])


def _flows() -> None:
    # The national producer named in a flow is the country's first operation's institution.
    producers: dict[str, str] = {}
    for spec in OPERATIONS:
        producers.setdefault(spec["country"], spec["institution"])
    for spec in FLOWS:
        InformationFlow.objects.get_or_create(
            country=Country.objects.get(iso3=spec["country"]),
            indicator=Indicator.objects.get(code=spec["indicator"]),
            defaults={
                "national_producer": producers[spec["country"]],
                "custodian": Agency.objects.filter(code=spec["custodian"]).first(),
                "method": InformationFlow.Method.COUNTRY_DATA,
                "frequency": spec["frequency"],
                "data_format": spec["data_format"],
            },
        )


def demo_load() -> None:
    indicators_load()
    round, _ = ReportingRound.objects.get_or_create(
        code=ROUND["code"],
        defaults={
            "name_en": ROUND["name_en"],
            "name_es": ROUND["name_es"],
            "opens_on": datetime.date.fromisoformat(ROUND["opens_on"]),
            "closes_on": datetime.date.fromisoformat(ROUND["closes_on"]),
        },
    )
    _operations()
    _flows()
    coordinator = _coordinator()
    for spec in SHEETS:
        country = Country.objects.get(iso3=spec["country"])
        user = _focal_point(spec["country"])
        if user is None or DataSheet.objects.filter(country=country, round=round).exists():
            continue
        with transaction.atomic():
            if spec["folder"] is None:
                services.datasheet_create(country=country, round=round, user=user)
                continue
            folder = Path(settings.BASE_DIR) / spec["folder"]
            sheet = _import(country, round, user, [folder / name for name in spec["files"]])
            services.datasheet_submit(sheet=sheet, user=user)
            if spec["goal"] == "accept" and coordinator is not None:
                services.datasheet_accept(
                    sheet=sheet, user=coordinator, comment=spec["review_comment"]
                )
    from indicators.reports.demo import reports_demo_load

    reports_demo_load()
