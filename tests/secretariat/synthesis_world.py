"""A small world for the synthesis tests: two member countries with operations, flows, an
accepted sheet with one oblast's values and a submitted one with national values only."""

from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import (
    DataSheet,
    Indicator,
    InformationFlow,
    Observation,
    StatisticalOperation,
)
from portal.models import Organisation, Region, SubnationalArea
from tests.secretariat.conftest import make_sheet


def operation_create(country, name, kind, institution, codes, **extra):
    operation = StatisticalOperation.objects.create(
        country=country, name=name, kind=kind, institution=institution, **extra
    )
    operation.indicators.set(Indicator.objects.filter(code__in=codes))
    return operation


def _flow(country, code, agency, **extra):
    return InformationFlow.objects.create(
        country=country,
        indicator=Indicator.objects.get(code=code),
        national_producer="NSO",
        custodian=agency,
        method=InformationFlow.Method.COUNTRY_DATA,
        **extra,
    )


def _area_value(sheet, code, area, year):
    Observation.objects.create(
        sheet=sheet,
        indicator=Indicator.objects.get(code=code),
        area=area,
        year=year,
        value=Decimal("2.5"),
        unit="X",
        entered_at=timezone.now(),
    )


@pytest.fixture
def synthesis_world(members, indicators, round_2026):
    """KAZ: a census and a household survey by its statistics bureau, a flow to UNICEF, an
    accepted sheet with 3.2.1 for one oblast. KGZ: civil registration and a health
    register (its responsible organisation named), a flow to WHO, a submitted sheet with national values only."""
    kaz, kgz = members.country_a, members.country_b
    ministry = Organisation.objects.create(name="Ministry of Health", kind="ministry", country=kgz)
    operation_create(
        kaz,
        "Population census",
        "census",
        "Bureau of National Statistics",
        ["3.2.1"],
        periodicity="decennial",
        last_round="2021",
        subnational_level="oblast",
    )
    operation_create(
        kaz,
        "Household Budget Survey",
        "household_survey",
        "Bureau of  National Statistics",
        ["1.1.1"],
    )
    operation_create(
        kgz,
        "Vital statistics",
        "civil_registration",
        "National Statistical Committee",
        ["3.2.1", "3.1.1"],
    )
    operation_create(
        kgz, "Health register", "administrative", "MoH", ["3.1.1"], responsible=ministry
    )
    _flow(kaz, "3.2.1", members.agency, frequency="annual", data_format="sdmx")
    _flow(kgz, "3.1.1", members.other_agency)
    area = SubnationalArea.objects.create(country=kaz, code="KZAKM", name_en="Akmola Region")
    accepted = make_sheet(kaz, round_2026, DataSheet.Status.ACCEPTED, codes=["3.2.1"])
    _area_value(accepted, "3.2.1", area, 2021)
    _area_value(accepted, "3.2.1", area, 2019)
    make_sheet(kgz, round_2026, DataSheet.Status.SUBMITTED, codes=["3.1.1"])
    group = Region.objects.create(code="EECA", name_en="EECA", name_es="EECA", kind="group")
    group.members.add(kaz)
    return members
