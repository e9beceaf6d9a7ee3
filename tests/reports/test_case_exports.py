"""Every export that lists discrepancy cases carries opened_at and closed_at (ISO 8601) and
the days open and to close: the case list's CSV and Excel, the API's list and detail."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import DiscrepancyCase, Indicator
from tests.indicators import conftest as shared

indicators = shared.indicators


@pytest.fixture
def two_cases(cast, indicators):
    """KAZ: opened 2026-01-01 08:00, closed 2026-01-13 07:00 (11 whole days);
    KGZ: opened 40 days and one hour ago, still open."""
    indicator = Indicator.objects.order_by("code").first()
    closed = DiscrepancyCase.objects.create(
        country=cast.country_a,
        indicator=indicator,
        agency=cast.agency,
        status="explained",
        reason="source",
        kind="discrepant",
        fingerprint="a",
        opened_at=datetime.datetime(2026, 1, 1, 8, tzinfo=datetime.UTC),
        closed_at=datetime.datetime(2026, 1, 13, 7, tzinfo=datetime.UTC),
    )
    open_ = DiscrepancyCase.objects.create(
        country=cast.country_b,
        indicator=indicator,
        kind="discrepant",
        fingerprint="b",
        opened_at=timezone.now() - datetime.timedelta(days=40, hours=1),
    )
    cast.closed, cast.open = closed, open_
    return cast


def test_case_list_csv_and_excel(client, two_cases):
    client.force_login(two_cases.users["observer"])
    url = reverse("indicators:reports:cases") + "?status=all"
    rows = {
        r["country"]: r
        for r in csv.DictReader(io.StringIO(client.get(url + "&export=csv").content.decode()))
    }
    assert rows["KAZ"]["opened_at"] == "2026-01-01T08:00:00+00:00"
    assert rows["KAZ"]["closed_at"] == "2026-01-13T07:00:00+00:00"
    assert rows["KAZ"]["days_to_close"] == "11"
    assert rows["KGZ"]["closed_at"] == "" and rows["KGZ"]["days_to_close"] == ""
    assert rows["KGZ"]["age_days"] == "40"
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    sheet = list(book["data"].iter_rows(values_only=True))
    header = sheet[0]
    kaz = next(dict(zip(header, r, strict=True)) for r in sheet[1:] if r[0] == "KAZ")
    assert kaz["closed_at"] == "2026-01-13T07:00:00+00:00" and kaz["days_to_close"] == 11


def test_api_list_and_detail(client, two_cases):
    client.force_login(two_cases.users["observer"])
    listed = {r["country"]: r for r in client.get("/api/v1/cases/").json()["results"]}
    assert listed["KAZ"]["opened_at"].startswith("2026-01-01T08:00:00")
    assert listed["KAZ"]["closed_at"].startswith("2026-01-13T07:00:00")
    assert (listed["KAZ"]["days_open"], listed["KAZ"]["days_to_close"]) == (11, 11)
    assert listed["KGZ"]["closed_at"] is None
    assert (listed["KGZ"]["days_open"], listed["KGZ"]["days_to_close"]) == (40, None)
    detail = client.get(f"/api/v1/cases/{two_cases.closed.pk}/").json()
    assert detail["closed_at"].startswith("2026-01-13T07:00:00")
    assert (detail["days_open"], detail["days_to_close"]) == (11, 11)
