import datetime

import pytest

from indicators.models import ReportingRound
from indicators.services.reference import indicators_load
from portal.models import SubnationalArea


@pytest.fixture
def indicators(db):  # type: ignore[no-untyped-def]
    indicators_load()


@pytest.fixture
def round_2026(db):  # type: ignore[no-untyped-def]
    return ReportingRound.objects.create(
        code="2026",
        name_en="2026 round",
        name_es="Ronda 2026",
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 12, 15),
    )


@pytest.fixture
def sheet_world(cast, indicators, round_2026):  # type: ignore[no-untyped-def]
    SubnationalArea.objects.create(country=cast.country_a, code="KZAKM", name_en="Akmola Region")
    return cast


PORTAL_CSV = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    "3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,,,2020,10.2,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,KZAKM,,2020,9.5,PER_1000_LIVE_BIRTHS,C,,Akmola\n"
    "3.2.1,,SEX=F,2020,9.1,PER_1000_LIVE_BIRTHS,C,,\n"
)
