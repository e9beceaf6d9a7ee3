"""The coordinator's synthesis of the country data sheets (operations, flows, subnational
availability, gaps) and the reporting status by responsible institution."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from indicators.models import (
    DataSheet,
    Indicator,
    InformationFlow,
    Observation,
    StatisticalOperation,
)
from portal.models import Country, Region, SubnationalArea
from portal.secretariat import synthesis
from tests.secretariat.conftest import make_sheet
from tests.secretariat.synthesis_world import (
    operation_create,
    synthesis_world,  # noqa: F401
)

SYNTHESIS = reverse("secretariat:synthesis")
INSTITUTIONS = reverse("secretariat:institutions")


@pytest.fixture
def world(synthesis_world):  # noqa: F811
    return synthesis_world


def test_gaps_of_operations_flows_and_subnational_data(world):
    result = synthesis.synthesis(countries=synthesis.member_countries(), indicator_ids=None)
    rows = {row.country.iso3: row for row in result.rows}
    kaz, kgz = rows["KAZ"], rows["KGZ"]
    assert kaz.missing_kinds == ["enterprise_survey", "administrative", "civil_registration"]
    assert kgz.missing_kinds == ["census", "household_survey", "enterprise_survey"]
    assert result.gaps_by_kind == {
        "census": 1,
        "household_survey": 1,
        "enterprise_survey": 2,
        "administrative": 1,
        "civil_registration": 1,
    }
    assert [agency.code for agency in result.agencies] == ["UNICEF", "WHO"]
    assert [a.code for a in kaz.missing_agencies] == ["WHO"]
    assert [a.code for a in kgz.missing_agencies] == ["UNICEF"]
    assert [(s.indicator.code, s.areas, s.latest_year) for s in kaz.subnational] == [
        ("3.2.1", 1, 2021)
    ]
    assert kgz.no_subnational and not kaz.no_subnational
    assert result.without_subnational == 1 and result.without_flows == 0
    assert kaz.gap_count == 3 + 1 + 0 and kgz.gap_count == 3 + 1 + 1
    assert result.total_gaps == 9


def test_filters_by_indicator_and_group(world):
    only = Indicator.objects.get(code="3.1.1")
    ids = synthesis.indicators_in_scope(indicator=only)
    result = synthesis.synthesis(countries=synthesis.member_countries(), indicator_ids=ids)
    rows = {row.country.iso3: row for row in result.rows}
    assert rows["KAZ"].operations == [] and rows["KAZ"].no_flow
    assert [op.name for op in rows["KGZ"].operations] == ["Health register", "Vital statistics"]
    assert [agency.code for agency in result.agencies] == ["WHO"]
    assert result.without_subnational == 2
    eeca = Region.objects.get(code="EECA")
    result = synthesis.synthesis(countries=synthesis.member_countries(eeca), indicator_ids=None)
    assert [row.country.iso3 for row in result.rows] == ["KAZ"]
    goal_three = synthesis.indicators_in_scope(goal="3")
    assert goal_three is not None and only.pk in goal_three
    assert Indicator.objects.get(code="1.1.1").pk not in goal_three


def test_status_by_institution(world):
    groups = synthesis.institutions(countries=synthesis.member_countries(), indicator_ids=None)
    found = {
        (group.name, group.country.iso3): [
            (row.indicator.code, row.status, row.latest_year) for row in group.rows
        ]
        for group in groups
    }
    assert found == {
        # "Bureau of  National Statistics" (two spaces) is the same institution.
        ("Bureau of National Statistics", "KAZ"): [
            ("1.1.1", "not_reported", None),
            ("3.2.1", "accepted", 2021),
        ],
        ("Ministry of Health", "KGZ"): [("3.1.1", "submitted", 2020)],
        ("National Statistical Committee", "KGZ"): [
            ("3.1.1", "submitted", 2020),
            ("3.2.1", "not_reported", None),
        ],
    }
    assert [group.name for group in groups][0] == "Bureau of National Statistics"
    bureau = groups[0]
    assert bureau.counts == {"not_reported": 1, "draft": 0, "submitted": 0, "accepted": 1}


def test_accepted_counts_over_a_newer_draft(world, round_due):
    kaz = world.country_a
    make_sheet(kaz, round_due, DataSheet.Status.DRAFT, codes=["1.1.1", "3.2.1"])
    groups = synthesis.institutions(countries=[kaz], indicator_ids=None)
    statuses = {row.indicator.code: row.status for row in groups[0].rows}
    assert statuses == {"1.1.1": "draft", "3.2.1": "accepted"}


def test_pages_show_the_gaps_and_export_links(client, world):
    client.force_login(world.users["coordinator"])
    body = client.get(SYNTHESIS).content.decode()
    assert 'data-gap="census"' in body and 'data-gap="subnational"' in body
    assert 'data-gaps="9"' in body and "Population census" in body
    assert "?format=csv" in body and "?format=xlsx" in body
    body = client.get(INSTITUTIONS).content.decode()
    assert 'data-indicator="1.1.1" data-status="not_reported"' in body
    assert "Bureau of National Statistics" in body and "Ministry of Health" in body
    filtered = client.get(SYNTHESIS, {"indicator": "3.1.1", "group": "EECA"}).content.decode()
    assert "indicator=3.1.1" in filtered and "format=csv" in filtered
    assert 'data-iso3="KGZ"' not in filtered


def test_csv_and_excel_exports_neutralise_formulas(client, world):
    operation_create(world.country_b, '=HYPERLINK("http://x")', "census", "-cmd|calc", ["3.2.1"])
    client.force_login(world.users["coordinator"])
    response = client.get(SYNTHESIS, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    gaps = {(r["iso3"], r["section"], r["category"]) for r in rows if r["gap"] == "yes"}
    assert ("KAZ", "operation", "civil_registration") in gaps
    assert ("KGZ", "subnational", "") in gaps and ("KGZ", "operation", "census") not in gaps
    planted = next(r for r in rows if r["item"].startswith("'="))
    assert planted["item"] == '\'=HYPERLINK("http://x")' and planted["institution"] == "'-cmd|calc"
    subnational = next(r for r in rows if r["section"] == "subnational" and r["iso3"] == "KAZ")
    assert subnational["category"] == "3.2.1" and subnational["areas"] == "1"
    response = client.get(SYNTHESIS, {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    cells = [row for row in book["data"].iter_rows(values_only=True)]
    assert cells[0][0] == "section"
    assert any(row[4] == '\'=HYPERLINK("http://x")' for row in cells)
    response = client.get(INSTITUTIONS, {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {
        "institution": "'-cmd|calc",
        "indicator": "3.2.1",
        "status": "not_reported",
    }.items() <= next(
        r for r in rows if r["iso3"] == "KGZ" and r["institution"] == "'-cmd|calc"
    ).items()
    book = load_workbook(io.BytesIO(client.get(INSTITUTIONS, {"format": "xlsx"}).content))
    assert [c for c in next(book["data"].iter_rows(values_only=True))][:3] == [
        "institution",
        "iso3",
        "country",
    ]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"group": "NOWHERE"}, "NOWHERE is not one of the available choices"),
        ({"indicator": "9.9.9"}, "There is no indicator 9.9.9."),
        ({"indicator": "1.1.1", "goal": "3"}, "Indicator 1.1.1 is not under goal 3."),
        ({"goal": "99"}, "99 is not one of the available choices"),
    ],
)
@pytest.mark.parametrize("url", [SYNTHESIS, INSTITUTIONS])
def test_bad_filters_are_refused_by_name(client, world, url, params, message):
    client.force_login(world.users["coordinator"])
    for fmt in ("", "csv"):
        response = client.get(url, {**params, "format": fmt})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()


@pytest.mark.parametrize("url", [SYNTHESIS, INSTITUTIONS])
def test_only_the_secretariat(client, world, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for role in ("focal_point", "member", "agency_focal_point", "observer"):
        client.force_login(world.users[role])
        assert client.get(url).status_code == 403
        assert client.get(url, {"format": "csv"}).status_code == 403
    client.force_login(world.users["coordinator"])
    assert client.get(url).status_code == 200


def test_spanish_pages(client, world):
    coordinator = world.users["coordinator"]
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    body = client.get(SYNTHESIS).content.decode()
    assert "Síntesis de las hojas de datos de los países" in body and "Kirguistán" in body
    assert "censo" in body and "ninguna" in body
    body = client.get(INSTITUTIONS).content.decode()
    assert "Situación de los informes por institución responsable" in body
    assert "no informado" in body and "aceptada" in body


def _many_countries(world, round_2026):
    digits = "0123456789ABCDEFGHIJ"
    Country.objects.bulk_create(
        Country(
            iso3=f"Z{digits[n // 20]}{digits[n % 20]}",
            iso2=f"{digits[n // 20]}{digits[n % 20]}",
            m49=f"{n:03d}",
            name_en=f"Land {n}",
            name_es=f"Tierra {n}",
            is_member=True,
        )
        for n in range(200)
    )
    countries = list(Country.objects.filter(iso3__startswith="Z"))
    indicator = Indicator.objects.get(code="3.2.1")
    operations = StatisticalOperation.objects.bulk_create(
        StatisticalOperation(
            country=c, name="Census", kind="census", institution=f"Office {c.iso3}"
        )
        for c in countries
    )
    StatisticalOperation.indicators.through.objects.bulk_create(
        StatisticalOperation.indicators.through(statisticaloperation=op, indicator=indicator)
        for op in operations
    )
    InformationFlow.objects.bulk_create(
        InformationFlow(
            country=c,
            indicator=indicator,
            national_producer="NSO",
            custodian=world.agency if n % 2 else world.other_agency,
            method="country_data",
        )
        for n, c in enumerate(countries)
    )
    areas = SubnationalArea.objects.bulk_create(
        SubnationalArea(country=c, code=f"{c.iso2}-1", name_en="Area") for c in countries
    )
    sheets = DataSheet.objects.bulk_create(
        DataSheet(country=c, round=round_2026, status="accepted", is_current=True)
        for c in countries
    )
    Observation.objects.bulk_create(
        Observation(
            sheet=sheet,
            indicator=indicator,
            area=area,
            year=2020,
            value=Decimal(1),
            unit="X",
            entered_at=timezone.now(),
        )
        for sheet, area in zip(sheets, areas, strict=True)
    )


def test_query_count_does_not_grow_with_200_countries(
    client, world, round_2026, django_assert_max_num_queries
):
    _many_countries(world, round_2026)
    assert Country.objects.filter(is_member=True).count() == 202
    client.force_login(world.users["coordinator"])
    for url in (SYNTHESIS, INSTITUTIONS):
        with django_assert_max_num_queries(15):
            response = client.get(url)
        assert response.status_code == 200
        for fmt in ("csv", "xlsx"):
            with django_assert_max_num_queries(15):
                assert client.get(url, {"format": fmt}).status_code == 200
    body = client.get(SYNTHESIS).content.decode()
    assert body.count('<tr data-iso3="Z') == 3 * 200
    body = client.get(INSTITUTIONS).content.decode()
    assert body.count('data-status="accepted"') == 201
