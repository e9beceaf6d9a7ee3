"""The country's own area codes: mapped by the secretariat, audited; an upload with codes
nobody mapped is refused with one line listing them all."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from indicators import services as sheet_services
from indicators.imports.types import group_problems
from indicators.models import AreaCodeMapping, DataSheet, Observation
from portal.models import AuditEvent, SubnationalArea
from portal.secretariat import services
from tests.indicators.conftest import PORTAL_CSV


@pytest.fixture
def akmola(sheet_world):
    return SubnationalArea.objects.get(country=sheet_world.country_a, code="KZAKM")


def test_coordinator_maps_a_code_and_an_upload_uses_it(sheet_world, round_2026, akmola):
    coord, fp = sheet_world.users["coordinator"], sheet_world.users["focal_point"]
    mapping = services.area_code_add(
        actor=coord, country=sheet_world.country_a, code=" 11 ", area=akmola, address="10.0.0.1"
    )
    assert (mapping.code, mapping.area) == ("11", akmola)
    event = AuditEvent.objects.get(action="area_code.added")
    assert event.actor == coord and "KAZ 11 -> KZAKM" in event.summary
    sheet = sheet_services.datasheet_create(
        country=sheet_world.country_a, round=round_2026, user=fp
    )
    rows = PORTAL_CSV.replace("3.2.1,KZAKM,", "3.2.1,11,")
    token = sheet_services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", rows.encode())])
    preview = sheet_services.datasheet_import_preview(sheet=sheet, user=fp, token=token)
    assert preview.ok, preview.problems
    assert {c.area_id for c in preview.candidates} == {None, akmola.pk}


@pytest.mark.parametrize(
    ("code", "field"),
    [("", "code"), ("x" * 21, "code"), ("KZAKM", "code"), ("kzakm", "code"), ("7", "area")],
)
def test_bad_mappings_are_refused_and_nothing_is_stored(sheet_world, akmola, code, field):
    coord = sheet_world.users["coordinator"]
    other = SubnationalArea.objects.create(country=sheet_world.country_b, code="KG02", name_en="X")
    area = other if field == "area" else akmola
    with pytest.raises(ValidationError) as error:
        services.area_code_add(actor=coord, country=sheet_world.country_a, code=code, area=area)
    assert field in error.value.message_dict
    assert not AreaCodeMapping.objects.exists() and not AuditEvent.objects.exists()


def test_a_code_is_mapped_once(sheet_world, akmola):
    coord = sheet_world.users["coordinator"]
    services.area_code_add(actor=coord, country=sheet_world.country_a, code="A1", area=akmola)
    with pytest.raises(ValidationError):
        services.area_code_add(actor=coord, country=sheet_world.country_a, code="a1", area=None)
    assert AreaCodeMapping.objects.count() == 1


@pytest.mark.parametrize("role", ["focal_point", "member", "agency_focal_point", "observer"])
def test_only_the_secretariat_maps_or_deletes(sheet_world, akmola, role):
    mapping = AreaCodeMapping.objects.create(country=sheet_world.country_a, code="3")
    user = sheet_world.users[role]
    with pytest.raises(PermissionDenied):
        services.area_code_add(actor=user, country=sheet_world.country_a, code="4", area=akmola)
    with pytest.raises(PermissionDenied):
        services.area_code_delete(actor=user, mapping=mapping)
    assert list(AreaCodeMapping.objects.values_list("code", flat=True)) == ["3"]


def test_delete_asks_first_then_deletes_and_audits(client, sheet_world, akmola):
    coord = sheet_world.users["coordinator"]
    mapping = AreaCodeMapping.objects.create(country=sheet_world.country_a, code="3", area=akmola)
    client.force_login(coord)
    url = reverse("secretariat:area_code_delete", args=[mapping.pk])
    page = client.get(url).content.decode()
    assert "the code 3 of Kazakhstan" in page and "Akmola Region" in page
    assert AreaCodeMapping.objects.exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("/areas/KAZ/")
    assert not AreaCodeMapping.objects.exists()
    assert AuditEvent.objects.filter(action="area_code.deleted", actor=coord).exists()


def test_mapping_page_adds_and_shows_errors(client, sheet_world, akmola):
    client.force_login(sheet_world.users["coordinator"])
    url = reverse("secretariat:area_codes", args=["KAZ"])
    response = client.post(url, {"code": "5", "area": akmola.pk})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "<code>5</code>" in page and "Akmola Region" in page
    response = client.post(url, {"code": "5", "area": ""})
    assert response.status_code == 200 and "already means an area" in response.content.decode()
    assert client.get(reverse("secretariat:area_codes", args=["XYZ"])).status_code == 404
    chosen = client.get(reverse("secretariat:area_countries") + "?country=KAZ")
    assert chosen["Location"].endswith("/areas/KAZ/")


UNKNOWN = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    "3.2.1,1,,2020,10,PER_1000_LIVE_BIRTHS,,,\n"
    "3.2.1,2,,2020,11,PER_1000_LIVE_BIRTHS,,,\n"
    "3.2.1,1,,2019,12,PER_1000_LIVE_BIRTHS,,,\n"
    "3.2.1,40,,2020,13,PER_1000_LIVE_BIRTHS,,,\n"
    "3.2.1,KZAKM,,2020,9,PER_1000_LIVE_BIRTHS,,,\n"
    "3.2.1,33,,2018,13,PER_1000_LIVE_BIRTHS,,,\n"
)


def test_unknown_area_codes_make_one_line_listing_them(client, sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = sheet_services.datasheet_create(
        country=sheet_world.country_a, round=round_2026, user=fp
    )
    second = UNKNOWN.replace(",33,", ",34,").replace(",40,", ",41,")
    token = sheet_services.upload_stage(
        sheet=sheet, user=fp, files=[("a.csv", UNKNOWN.encode()), ("b.csv", second.encode())]
    )
    preview = sheet_services.datasheet_import_preview(sheet=sheet, user=fp, token=token)
    assert not preview.ok
    groups = [g for g in group_problems(preview.problems) if g.column == "area"]
    assert len(groups) == 1
    (group,) = groups
    assert group.values == ["1", "2", "40", "33", "41", "34"]
    assert group.count == 10 and group.places == ["2", "3", "4"] and group.file == "a.csv, b.csv"
    # the focal point is told to ask the secretariat; the coordinator gets the link
    client.force_login(fp)
    upload = SimpleUploadedFile("a.csv", UNKNOWN.encode(), content_type="text/csv")
    body = client.post(f"/data/sheets/{sheet.pk}/upload/", {"data_files": [upload]}).content
    text = body.decode()
    assert "Ask the secretariat to map them." in text and "/areas/KAZ/" not in text
    assert text.count("unknown area codes for Kazakhstan") == 1
    link = reverse("secretariat:area_codes", args=["KAZ"])
    html = render_to_string("indicators/_problems.html", {"groups": groups, "area_codes_url": link})
    assert f'href="{link}"' in html and "Ask the secretariat" not in html
    assert Observation.objects.count() == 0 and DataSheet.objects.count() == 1
