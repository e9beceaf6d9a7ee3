"""Exports the statistical world reads: CSV, SDMX-CSV and SDMX-ML read back with sdmx1, value for value."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
import sdmx
from rest_framework.test import APIClient

from indicators import services
from indicators.models import Observation
from portal.services import reference_data_load

ROOT = Path(__file__).resolve().parents[2]
DSD = ROOT / "data" / "kyrgyzstan-sdmx" / "SDG_DSD.KG_1.8.xml"
KAZ_FILES = [
    ROOT / "data" / "kazakhstan-open-sdg" / "data" / name
    for name in ("indicator_3-2-1.csv", "indicator_3-2-2.csv")
]


@pytest.fixture(scope="module")
def dsd():
    return next(iter(sdmx.read_sdmx(DSD).structure.values()))


@pytest.fixture
def published(sheet_world, round_2026):
    reference_data_load()
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(
        sheet=sheet, user=fp, files=[(p.name, p.read_bytes()) for p in KAZ_FILES]
    )
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    services.datasheet_submit(sheet=sheet, user=fp)
    services.datasheet_accept(sheet=sheet, user=coord)
    client = APIClient()
    client.force_authenticate(sheet_world.users["observer"])
    return sheet, client


def _body(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def _expected(sheet) -> dict:
    rows = Observation.objects.filter(sheet=sheet).select_related("indicator", "area")
    return {
        (o.indicator.code, o.area.code if o.area else "398", o.disaggregation, o.year): o.value
        for o in rows
    }


def test_sdmx_ml_reads_back_with_sdmx1_value_for_value(published, dsd, tmp_path):
    sheet, client = published
    path = tmp_path / "export.xml"
    path.write_bytes(_body(client.get("/api/v1/exports/observations.sdmx-ml?country=KAZ")))
    data = sdmx.to_pandas(sdmx.read_sdmx(path, structure=dsd).data[0]).reset_index()
    codes = {"SH_DYN_MORT": "3.2.1", "SH_DYN_NMRT": "3.2.2"}
    got = {}
    for row in data.itertuples(index=False):
        dis = ";".join(
            f"{d}={getattr(row, d)}"
            for d in ("SEX", "AGE", "URBANISATION")
            if getattr(row, d) != "_T"
        )
        got[(codes[row.SERIES], row.REF_AREA, dis, int(row.TIME_PERIOD))] = Decimal(
            repr(float(row.value))
        )
    expected = _expected(sheet)
    assert len(got) == len(expected) > 100
    for key, value in expected.items():
        assert got[key] == value.normalize(), key


def test_sdmx_csv_has_every_value_and_the_dataflow(published):
    sheet, client = published
    text = _body(client.get("/api/v1/exports/observations.sdmx-csv?indicator=3.2.1")).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(
        r["DATAFLOW"] == "KG_NSC:SDG(1.8)" and r["SERIES"] == "SH_DYN_MORT" for r in rows
    )
    expected = {k: v for k, v in _expected(sheet).items() if k[0] == "3.2.1"}
    assert len(rows) == len(expected)
    national = {
        int(r["TIME_PERIOD"]): Decimal(r["OBS_VALUE"])
        for r in rows
        if r["REF_AREA"] == "398"
        and r["SEX"] == "_T"
        and r["AGE"] == "_T"
        and r["URBANISATION"] == "_T"
    }
    assert national == {k[3]: v for k, v in expected.items() if k[1] == "398" and k[2] == ""}


def test_plain_csv_export(published):
    sheet, client = published
    rows = list(
        csv.DictReader(
            io.StringIO(_body(client.get("/api/v1/exports/observations.csv?country=KAZ")).decode())
        )
    )
    assert len(rows) == sheet.observations.count()
    assert {r["sheet_version"] for r in rows} == {"1"}


def test_export_refuses_unknown_format_and_filters(published):
    _sheet, client = published
    assert client.get("/api/v1/exports/observations.pdf").status_code == 404
    assert client.get("/api/v1/exports/observations.csv?colour=red").status_code == 400


def test_unpublished_values_are_never_exported(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    from tests.indicators.conftest import PORTAL_CSV

    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    client = APIClient()
    client.force_authenticate(fp)
    text = _body(client.get("/api/v1/exports/observations.csv")).decode()
    assert text.count("\n") == 1
