import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import DataSheet, Indicator, Observation, ReportingRound
from tests.indicators.conftest import indicators, round_2026, sheet_world  # noqa: F401


def make_sheet(country, round_, status, *, submitted_at=None, codes=(), sources=()):
    """A sheet in ``status`` with one value per code in ``codes`` (a source on those in
    ``sources``)."""
    sheet = DataSheet.objects.create(
        country=country,
        round=round_,
        status=status,
        is_current=status == DataSheet.Status.ACCEPTED,
        submitted_at=submitted_at,
    )
    ids = dict(Indicator.objects.filter(code__in=codes).values_list("code", "pk"))
    Observation.objects.bulk_create(
        Observation(
            sheet=sheet,
            indicator_id=ids[code],
            year=2020,
            value=Decimal("1.5"),
            unit="X",
            source="Census 2020" if code in sources else "",
            entered_at=timezone.now(),
        )
        for code in codes
    )
    return sheet


@pytest.fixture
def members(cast):
    """Both countries of the cast take part in the working group."""
    for country in (cast.country_a, cast.country_b):
        country.is_member = True
        country.save(update_fields=["is_member"])
    return cast


@pytest.fixture
def round_due(db):
    return ReportingRound.objects.create(
        code="R27",
        name_en="2027 round",
        name_es="Ronda 2027",
        opens_on=datetime.date(2027, 1, 1),
        closes_on=datetime.date(2027, 3, 31),
    )
