"""The API: tokens, the permission matrix over endpoints, and bad input answered with 4xx bodies."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from indicators import services
from indicators.models import DataSheet
from portal.services import token_create, token_revoke
from tests.indicators.conftest import PORTAL_CSV


@pytest.fixture
def draft_a(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    return sheet


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, key = token_create(user=user, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _errors(response):
    body = response.json()
    assert set(body) == {"errors"}, body
    for error in body["errors"]:
        assert {"field", "message", "code"} <= set(error)
    return body["errors"]


def test_anonymous_gets_401_with_error_body(db):
    response = APIClient().get("/api/v1/indicators/")
    assert response.status_code == 401
    _errors(response)


def test_token_works_then_revoked_token_is_refused_at_once(sheet_world):
    user = sheet_world.users["member"]
    token, key = token_create(user=user, name="script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/countries/").status_code == 200
    token_revoke(user=user, token_id=token.pk)
    response = client.get("/api/v1/countries/")
    assert response.status_code == 401
    assert "revoked" in _errors(response)[0]["message"]


# role -> (sees own-country draft A, may create/upload/submit for A)
MATRIX = {
    "focal_point": (True, True),
    "member": (True, False),
    "focal_point_b": (False, False),
    "agency_focal_point": (False, False),
    "coordinator": (True, False),
    "observer": (False, False),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_sheet_endpoint_matrix(sheet_world, draft_a, role):
    sees, acts = MATRIX[role]
    client = _client(sheet_world.users[role])
    listed = [s["id"] for s in client.get("/api/v1/sheets/").json()["results"]]
    assert (draft_a.pk in listed) is sees
    assert client.get(f"/api/v1/sheets/{draft_a.pk}/").status_code == (200 if sees else 404)
    obs = client.get(f"/api/v1/observations/?sheet={draft_a.pk}")
    assert obs.status_code == 200 and (len(obs.json()["results"]) > 0) is sees
    upload = client.post(
        f"/api/v1/sheets/{draft_a.pk}/upload/",
        {"files": [SimpleUploadedFile("a.csv", PORTAL_CSV.encode())]},
        format="multipart",
    )
    assert upload.status_code == (201 if acts else (403 if sees else 404)), upload.content
    submit = client.post(f"/api/v1/sheets/{draft_a.pk}/submit/")
    assert submit.status_code == (200 if acts else (403 if sees else 404))
    draft_a.refresh_from_db()
    assert (draft_a.status == "submitted") is acts


@pytest.mark.parametrize("role", list(MATRIX))
def test_create_draft_matrix(sheet_world, round_2026, role):
    _sees, acts = MATRIX[role]
    response = _client(sheet_world.users[role]).post(
        "/api/v1/sheets/", {"country": "KAZ", "round": "2026"}, format="json"
    )
    assert response.status_code == (201 if acts else 403)
    assert DataSheet.objects.exists() is acts


def test_published_observations_are_visible_to_all_but_drafts_are_not(sheet_world, draft_a):
    other = _client(sheet_world.users["focal_point_b"])
    assert other.get("/api/v1/observations/?country=KAZ").json()["results"] == []
    services.datasheet_submit(sheet=draft_a, user=sheet_world.users["focal_point"])
    services.datasheet_accept(sheet=draft_a, user=sheet_world.users["coordinator"])
    results = other.get("/api/v1/observations/?country=KAZ&year_min=2016").json()["results"]
    assert [
        (r["indicator"], r["year"], r["value"])
        for r in results
        if r["area"] == "" and r["disaggregation"] == ""
    ] == [("3.2.1", 2020, "10.2000000000")]


@pytest.mark.parametrize(
    ("method", "url", "payload", "content_type"),
    [
        ("post", "/api/v1/sheets/", "{not json", "application/json"),
        (
            "post",
            "/api/v1/sheets/",
            json.dumps({"country": 12, "round": ["x"]}),
            "application/json",
        ),
        (
            "post",
            "/api/v1/sheets/",
            json.dumps({"country": "KAZ", "round": "2026", "colour": "red"}),
            "application/json",
        ),
        ("post", "/api/v1/sheets/", json.dumps([1, 2]), "application/json"),
        ("get", "/api/v1/observations/?page_size=1000000", None, None),
        ("get", "/api/v1/observations/?page_size=abc", None, None),
        ("get", "/api/v1/observations/?colour=red", None, None),
        ("get", "/api/v1/observations/?year_min=soon", None, None),
        ("get", "/api/v1/countries/?member=perhaps", None, None),
    ],
)
def test_bad_input_is_a_clear_400(sheet_world, round_2026, method, url, payload, content_type):
    client = _client(sheet_world.users["focal_point"])
    if method == "post":
        response = client.generic("POST", url, payload, content_type=content_type)
    else:
        response = client.get(url)
    assert response.status_code == 400, response.content
    errors = _errors(response)
    assert all(error["message"] for error in errors)


def test_bad_upload_lists_every_problem_and_stores_nothing(sheet_world, round_2026):
    client = _client(sheet_world.users["focal_point"])
    sheet_id = client.post(
        "/api/v1/sheets/", {"country": "KAZ", "round": "2026"}, format="json"
    ).json()["id"]
    bad = "indicator,year,value\n3.2.1,2020,abc\n3.2.1,2021,-5\n"
    response = client.post(
        f"/api/v1/sheets/{sheet_id}/upload/",
        {"files": [SimpleUploadedFile("bad.csv", bad.encode())]},
        format="multipart",
    )
    assert response.status_code == 400
    fields = [e["field"] for e in _errors(response)]
    assert "bad.csv:2:value" in fields and "bad.csv:3:value" in fields
    assert DataSheet.objects.get(pk=sheet_id).observations.count() == 0


def test_schema_and_docs_are_served_locally(sheet_world):
    client = _client(sheet_world.users["member"])
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/v1/observations/" in paths and "/api/v1/sheets/{id}/upload/" in paths
    client.force_login(sheet_world.users["member"])
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert (
        b"cdn" not in docs.content.lower() and b"/static/drf_spectacular_sidecar/" in docs.content
    )


ONE_ROW = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    "3.2.1,,,2015,14.8,PER_1000_LIVE_BIRTHS,C,,\n"
)


def test_upload_merges_by_default_and_replace_needs_confirmed_removals(sheet_world, draft_a):
    from tests.indicators.conftest import db_snapshot

    client = _client(sheet_world.users["focal_point"])
    url = f"/api/v1/sheets/{draft_a.pk}/upload/"

    def send(**fields):
        files = [SimpleUploadedFile("one.csv", ONE_ROW.encode())]
        return client.post(url, {"files": files, **fields}, format="multipart")

    merged = send()
    assert merged.status_code == 201, merged.content
    assert (merged.json()["changed"], merged.json()["removed"]) == (1, 0)
    assert draft_a.observations.count() == 4

    before = db_snapshot()
    refused = send(mode="replace")
    assert refused.status_code == 400
    body = refused.json()
    assert body["errors"][0]["field"] == "confirm_removals"
    assert sorted(body["removed"]) == [
        "3.2.1 · Akmola Region · 2020: 9.5",
        "3.2.1 · national · 2020: 10.2",
        "3.2.1 · national · sex: Female · 2020: 9.1",
    ]
    assert db_snapshot() == before

    bad_mode = send(mode="wipe")
    assert bad_mode.status_code == 400 and _errors(bad_mode)[0]["field"] == "mode"
    assert db_snapshot() == before

    replaced = send(mode="replace", confirm_removals="true")
    assert replaced.status_code == 201, replaced.content
    assert replaced.json()["removed"] == 3
    assert list(draft_a.observations.values_list("year", "value")) == [(2015, Decimal("14.8"))]


def test_a_refused_upload_leaves_no_staged_files_behind(sheet_world, draft_a, settings, tmp_path):
    """The API reads an upload from memory, as the command line does: a refusal (here removals
    not confirmed, which used to leave the staged copy until the nightly sweep) keeps nothing."""
    settings.MEDIA_ROOT = str(tmp_path)
    client = _client(sheet_world.users["focal_point"])
    files = [SimpleUploadedFile("one.csv", ONE_ROW.encode())]
    refused = client.post(
        f"/api/v1/sheets/{draft_a.pk}/upload/",
        {"files": files, "mode": "replace"},
        format="multipart",
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "confirm_removals"
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_upload_of_a_sheet_that_cannot_change_is_refused_before_reading(sheet_world, draft_a):
    services.datasheet_submit(sheet=draft_a, user=sheet_world.users["focal_point"])
    client = _client(sheet_world.users["focal_point"])
    bad = (
        "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n3.2.1,,,2015,x,,,,\n"
    )
    response = client.post(
        f"/api/v1/sheets/{draft_a.pk}/upload/",
        {"files": [SimpleUploadedFile("bad.csv", bad.encode())]},
        format="multipart",
    )
    assert response.status_code == 400
    assert "cannot be changed" in _errors(response)[0]["message"]
