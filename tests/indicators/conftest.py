import datetime

import pytest

from indicators.models import ReportingRound
from indicators.services.reference import indicators_load
from portal.models import SubnationalArea


@pytest.fixture
def indicators(db):
    indicators_load()


@pytest.fixture
def round_2026(db):
    return ReportingRound.objects.create(
        code="2026",
        name_en="2026 round",
        name_es="Ronda 2026",
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 12, 15),
    )


@pytest.fixture
def sheet_world(cast, indicators, round_2026):
    SubnationalArea.objects.create(country=cast.country_a, code="KZAKM", name_en="Akmola Region")
    return cast


@pytest.fixture
def draft(sheet_world, round_2026):
    """A draft of country A holding PORTAL_CSV's four values."""
    from indicators import services

    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    sheet.refresh_from_db()
    return sheet


PORTAL_CSV = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    "3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,,,2020,10.2,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,KZAKM,,2020,9.5,PER_1000_LIVE_BIRTHS,C,,Akmola\n"
    "3.2.1,,SEX=F,2020,9.1,PER_1000_LIVE_BIRTHS,C,,\n"
)


def db_snapshot() -> dict[str, list[tuple]]:
    """Every row a data-sheet action could write: compare before and after a refused action."""
    from indicators.models import DataSheet, Observation, SheetEvent, UploadedFile, ValueComment

    return {
        model.__name__: sorted(model.objects.values_list(), key=repr)
        for model in (DataSheet, Observation, ValueComment, SheetEvent, UploadedFile)
    }
