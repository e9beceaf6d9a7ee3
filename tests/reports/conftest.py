"""A small published world: KAZ and KGZ sheets accepted, a UNICEF release, population."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import (
    DataSheet,
    Indicator,
    InternationalObservation,
    InternationalRelease,
    Observation,
    Population,
)
from indicators.reports import services
from tests.indicators import conftest as shared

indicators = shared.indicators
round_2026 = shared.round_2026

NATIONAL = {
    ("KAZ", "3.2.1", ""): {2015: 12.04, 2016: 10.79, 2017: 10.24, 2018: 10.11, 2019: 10.69},
    ("KAZ", "3.2.2", ""): {2015: 5.6, 2016: 5.15, 2017: 4.6, 2018: 4.58, 2019: 4.8},
    ("KGZ", "3.2.1", ""): {2015: 21.5, 2017: 18.5, 2019: 17.5, 2021: 17.9},
    ("KGZ", "3.2.1", "SEX=F"): {2015: 19.0, 2019: 16.0},
}
INTERNATIONAL = {
    ("KAZ", "3.2.1", ""): {2015: 12.1, 2016: 10.9, 2017: 10.3},
    ("KAZ", "3.2.2", ""): {2015: 6.5, 2016: 6.0, 2017: 5.5, 2020: 5.1},
    ("KGZ", "3.2.1", ""): {2015: 29.1, 2017: 27.9, 2019: 26.8, 2021: 25.9},
}


def make_sheet(country, round, values, version=1, supersedes=None, status="accepted"):
    if supersedes is not None and status == "accepted":
        DataSheet.objects.filter(pk=supersedes.pk).update(is_current=False)
    sheet = DataSheet.objects.create(
        country=country,
        round=round,
        version=version,
        status=status,
        is_current=status == "accepted",
        supersedes=supersedes,
    )
    codes = dict(Indicator.objects.values_list("code", "pk"))
    Observation.objects.bulk_create(
        Observation(
            sheet=sheet,
            indicator_id=codes[code],
            disaggregation=series,
            year=year,
            value=Decimal(str(value)),
            unit="X",
            entered_at=timezone.now(),
        )
        for (iso3, code, series), years in values.items()
        if iso3 == country.iso3
        for year, value in years.items()
    )
    return sheet


def make_release(agency, values, version=1):
    from portal.models import Country

    InternationalRelease.objects.filter(agency=agency).update(is_current=False)
    release = InternationalRelease.objects.create(agency=agency, version=version)
    codes = dict(Indicator.objects.values_list("code", "pk"))
    countries = dict(Country.objects.values_list("iso3", "pk"))
    InternationalObservation.objects.bulk_create(
        InternationalObservation(
            release=release,
            country_id=countries[iso3],
            indicator_id=codes[code],
            disaggregation=series,
            year=year,
            value=Decimal(str(value)),
            unit="X",
            nature="E",
        )
        for (iso3, code, series), years in values.items()
        for year, value in years.items()
    )
    return release


def run_inline(**scope):
    run = services.engine_run_create(trigger="command", **scope)
    return services.engine_run_inline(run=run)


@pytest.fixture(autouse=True)
def _eager_unless_worker(request):
    """With a broker configured, run tasks in-process except in the real-worker test."""
    from portal.celery import app

    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def world(cast, indicators, round_2026):
    from portal.models import Region

    region = Region.objects.create(code="CIS", name_en="CIS", name_es="CEI", kind="group")
    region.members.add(cast.country_a, cast.country_b)
    cast.region = region
    cast.kaz = make_sheet(cast.country_a, round_2026, NATIONAL)
    cast.kgz = make_sheet(cast.country_b, round_2026, NATIONAL)
    cast.release = make_release(cast.agency, INTERNATIONAL)
    for country, pop in ((cast.country_a, 19e6), (cast.country_b, 7e6)):
        for year in range(2015, 2022):
            Population.objects.create(country=country, year=year, value=pop)
    cast.round = round_2026
    return cast


@pytest.fixture
def computed(world):
    world.run = run_inline()
    assert world.run.status == "succeeded", world.run.problems
    return world


def past(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
