"""Completeness over rounds (chart, table, CSV and Excel) and the Excel export of a round.
Expected shares are worked out by hand from the sheets below."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from indicators.models import DataSheet, Indicator, ReportingRound
from portal.models import Country
from portal.secretariat import selectors
from portal.secretariat.models import RoundIndicator
from tests.secretariat.conftest import make_sheet

S = DataSheet.Status


def _round(code, year, codes):
    round_ = ReportingRound.objects.create(
        code=code,
        name_en=f"{year} round",
        name_es=f"Ronda {year}",
        opens_on=datetime.date(year, 1, 1),
        closes_on=datetime.date(year, 3, 31),
    )
    RoundIndicator.objects.bulk_create(
        RoundIndicator(round=round_, indicator=i) for i in Indicator.objects.filter(code__in=codes)
    )
    return round_


@pytest.fixture
def two_rounds(members, indicators):
    """Four member countries. 2024 asks for four indicators: KAZ accepted (3 of 4), KGZ
    submitted (1 of 4), UZB draft (2 of 4), TJK nothing. 2025 asks for two: KAZ accepted
    (2 of 2), KGZ accepted (1 of 2), UZB submitted (2 of 2), TJK returned (1 of 2)."""
    uzb = Country.objects.create(
        iso3="UZB", iso2="UZ", m49="860", name_en="Uzbekistan", name_es="Uzbekistán", is_member=True
    )
    tjk = Country.objects.create(
        iso3="TJK",
        iso2="TJ",
        m49="762",
        name_en="=HYPERLINK(1)",
        name_es="Tayikistán",
        is_member=True,
    )
    kaz, kgz = members.country_a, members.country_b
    r24 = _round("R24", 2024, ["3.2.1", "3.1.1", "1.1.1", "6.1.1"])
    make_sheet(kaz, r24, S.ACCEPTED, codes=["3.2.1", "3.1.1", "1.1.1"], sources=["3.2.1"])
    make_sheet(kgz, r24, S.SUBMITTED, codes=["3.2.1", "8.5.2"])
    make_sheet(uzb, r24, S.DRAFT, codes=["3.2.1", "3.1.1"])
    r25 = _round("R25", 2025, ["3.2.1", "3.1.1"])
    make_sheet(kaz, r25, S.ACCEPTED, codes=["3.2.1", "3.1.1"])
    make_sheet(kgz, r25, S.ACCEPTED, codes=["3.2.1"])
    make_sheet(uzb, r25, S.SUBMITTED, codes=["3.2.1", "3.1.1"])
    make_sheet(tjk, r25, S.RETURNED, codes=["3.2.1"])
    members.r24, members.r25 = r24, r25
    return members


def test_shares_per_round(two_rounds):
    summaries = selectors.rounds_completeness(today=datetime.date(2026, 1, 1))
    assert [s.round.code for s in summaries] == ["R24", "R25"]
    r24, r25 = summaries
    assert (r24.countries, r24.delivered, r24.accepted) == (4, 2, 1)
    assert (r24.delivered_share, r24.accepted_share) == (0.5, 0.25)
    # (3/4 + 1/4 + 2/4 + 0) / 4
    assert r24.covered_share == pytest.approx(0.375)
    assert (r25.countries, r25.delivered, r25.accepted) == (4, 3, 2)
    # (1 + 1/2 + 1 + 1/2) / 4
    assert (r25.delivered_share, r25.accepted_share) == (0.75, 0.5)
    assert r25.covered_share == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("focal_point", 403),
        ("member", 403),
        ("agency_focal_point", 403),
        ("observer", 403),
    ],
)
def test_only_the_secretariat_reads_it(client, two_rounds, role, status):
    client.force_login(two_rounds.users[role])
    url = reverse("secretariat:completeness_rounds")
    assert client.get(url).status_code == status
    assert client.get(url + "?format=xlsx").status_code == status
    assert (
        client.get(
            reverse("secretariat:completeness", args=[two_rounds.r24.pk]) + "?format=xlsx"
        ).status_code
        == status
    )


def test_page_chart_and_exports(client, two_rounds):
    client.force_login(two_rounds.users["coordinator"])
    url = reverse("secretariat:completeness_rounds")
    html = client.get(url).content.decode()
    assert html.count("<tr data-round=") == 2
    assert "<svg" in html and "37.5 %" in html and "75 %" in html
    rows = list(csv.DictReader(io.StringIO(client.get(url + "?format=csv").content.decode())))
    assert [r["round"] for r in rows] == ["R24", "R25"]
    assert rows[0]["share_submitted_or_accepted"] == "0.500"
    assert rows[0]["share_requested_indicators_covered"] == "0.375"
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "?format=xlsx").content))
    sheet = list(book["rounds"].iter_rows(values_only=True))
    assert sheet[0][:2] == ("round", "name")
    assert sheet[2][0] == "R25" and sheet[2][4:] == (4, 3, 2, 0.75, 0.5, 0.75)


def test_excel_of_a_round_matches_the_csv(client, two_rounds):
    client.force_login(two_rounds.users["coordinator"])
    url = reverse("secretariat:completeness", args=[two_rounds.r24.pk])
    text = client.get(url + "?format=csv").content.decode()
    by_iso = {r["iso3"]: r for r in csv.DictReader(io.StringIO(text))}
    response = client.get(url + "?format=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="completeness-R24.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = list(book["completeness"].iter_rows(values_only=True))
    header = sheet[0]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet[1:]}
    assert set(rows) == set(by_iso) == {"KAZ", "KGZ", "UZB", "TJK"}
    kaz = rows["KAZ"]
    assert (kaz["status"], kaz["indicators_covered"], kaz["indicators_requested"]) == (
        "accepted",
        3,
        4,
    )
    assert kaz["share_covered"] == 0.75 and kaz["share_with_source"] == 0.333
    assert by_iso["KAZ"]["share_covered"] == "0.750"
    assert rows["TJK"]["status"] == "not_started" and rows["TJK"]["share_with_source"] is None
    # A country name that starts like a formula arrives as text in both files.
    assert rows["TJK"]["country"] == "'=HYPERLINK(1)" == by_iso["TJK"]["country"]


def test_spanish_page(client, two_rounds):
    coordinator = two_rounds.users["coordinator"]
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    html = client.get(reverse("secretariat:completeness_rounds")).content.decode()
    assert "Completitud a lo largo de las rondas" in html and "Ronda 2025" in html
    assert "37,5 %" in html
    assert "Completeness over rounds" not in html


def test_no_rounds_yet(client, members):
    client.force_login(members.users["coordinator"])
    html = client.get(reverse("secretariat:completeness_rounds")).content.decode()
    assert "No reporting rounds yet." in html
