"""The same submission sent twice (double click, retried request) is stored once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from indicators import services
from indicators.models import DataSheet, Observation, SheetEvent, UploadedFile
from portal.models import AuditEvent
from portal.services import token_create
from tests.indicators.conftest import PORTAL_CSV

pytestmark = pytest.mark.django_db


def _counts(sheet):
    return {
        "observations": Observation.objects.filter(sheet=sheet).count(),
        "uploads": UploadedFile.objects.count(),
        "events": dict(
            (kind, SheetEvent.objects.filter(sheet=sheet, kind=kind).count())
            for kind in ("created", "uploaded", "submitted")
        ),
        "audit": AuditEvent.objects.filter(
            object_type="indicators.DataSheet", object_id=str(sheet.pk)
        ).count(),
    }


def _empty(world, round_2026):
    fp = world.users["focal_point"]
    return services.datasheet_create(country=world.country_a, round=round_2026, user=fp)


def _draft(world, round_2026):
    fp = world.users["focal_point"]
    sheet = _empty(world, round_2026)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    sheet.refresh_from_db()
    return sheet


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_submit_posted_twice_is_stored_once(sheet_world, round_2026):
    sheet = _draft(sheet_world, round_2026)
    client = _client(sheet_world.users["focal_point"])
    form = {"lock_version": sheet.lock_version}
    first = client.post(f"/data/sheets/{sheet.pk}/submit/", form)
    after_first = _counts(sheet)
    second = client.post(f"/data/sheets/{sheet.pk}/submit/", form)
    assert first.status_code == second.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == DataSheet.Status.SUBMITTED
    assert _counts(sheet) == after_first
    assert after_first["events"]["submitted"] == 1
    assert (
        AuditEvent.objects.filter(action="datasheet.submitted", object_id=str(sheet.pk)).count()
        == 1
    )


def _upload_then_confirm_twice(world, round_2026):
    sheet = _empty(world, round_2026)
    client = _client(world.users["focal_point"])
    preview = client.post(
        f"/data/sheets/{sheet.pk}/upload/",
        {"data_files": [SimpleUploadedFile("kaz.csv", PORTAL_CSV.encode())]},
    )
    assert preview.status_code == 200, preview.content[:2000]
    initial = preview.context["confirm"].initial
    form = {
        "token": initial["token"],
        "lock_version": initial["lock_version"],
        "format": "",
        "indicator": "",
    }
    first = client.post(f"/data/sheets/{sheet.pk}/upload/confirm/", form)
    assert first.status_code == 302, first.content[:2000]
    after_first = _counts(sheet)
    second = client.post(f"/data/sheets/{sheet.pk}/upload/confirm/", form)
    return sheet, after_first, second


@pytest.mark.django_db(transaction=True)
def test_upload_confirm_posted_twice_is_stored_once(sheet_world, round_2026):
    sheet, after_first, _second = _upload_then_confirm_twice(sheet_world, round_2026)
    assert after_first["observations"] == 4 and after_first["events"]["uploaded"] == 1
    assert _counts(sheet) == after_first


@pytest.mark.django_db(transaction=True)
def test_upload_confirm_posted_twice_answers_cleanly(sheet_world, round_2026):
    _sheet, _after_first, second = _upload_then_confirm_twice(sheet_world, round_2026)
    assert second.status_code in (302, 400, 409), second.status_code


def _api(user) -> APIClient:
    client = APIClient()
    _token, key = token_create(user=user, name="retry")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_api_upload_retried_with_the_same_body_is_stored_once(sheet_world, round_2026):
    """A client that sends the lock_version it read gets the retry refused as stale."""
    sheet = _empty(sheet_world, round_2026)
    client = _api(sheet_world.users["focal_point"])

    def post():
        return client.post(
            f"/api/v1/sheets/{sheet.pk}/upload/",
            {
                "files": [SimpleUploadedFile("a.csv", PORTAL_CSV.encode())],
                "lock_version": sheet.lock_version,
            },
            format="multipart",
        )

    first = post()
    assert first.status_code == 201, first.content
    after_first = _counts(sheet)
    second = post()
    assert second.status_code in (400, 409), second.content
    assert _counts(sheet) == after_first
    assert after_first["observations"] == 4 and after_first["events"]["uploaded"] == 1


def test_api_upload_retried_without_lock_version_keeps_observations_once(sheet_world, round_2026):
    """Without lock_version the retry re-imports: values replaced, never duplicated."""
    sheet = _empty(sheet_world, round_2026)
    client = _api(sheet_world.users["focal_point"])
    for _ in range(2):
        response = client.post(
            f"/api/v1/sheets/{sheet.pk}/upload/",
            {"files": [SimpleUploadedFile("a.csv", PORTAL_CSV.encode())]},
            format="multipart",
        )
        assert response.status_code == 201, response.content
    assert Observation.objects.filter(sheet=sheet).count() == 4
    # Second response reports nothing new.
    assert response.json()["added"] == 0 and response.json()["unchanged"] == 4


def test_api_upload_retried_with_its_idempotency_key_records_one_upload(sheet_world, round_2026):
    """Without lock_version, a retry carrying the same Idempotency-Key is answered from the
    first attempt: one UploadedFile, one 'uploaded' event, the same answer."""
    sheet = _empty(sheet_world, round_2026)
    client = _api(sheet_world.users["focal_point"])
    responses = [
        client.post(
            f"/api/v1/sheets/{sheet.pk}/upload/",
            {"files": [SimpleUploadedFile("a.csv", PORTAL_CSV.encode())]},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-7f3c2a",
        )
        for _ in range(2)
    ]
    counts = _counts(sheet)
    assert counts["events"]["uploaded"] == 1 and counts["uploads"] == 1, counts
    assert counts["observations"] == 4
    first, retry = responses
    assert first.status_code == retry.status_code == 201, retry.content
    assert retry.json() == first.json() and retry.json()["added"] == 4
    assert retry["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first


def test_api_submit_twice_is_stored_once(sheet_world, round_2026):
    sheet = _draft(sheet_world, round_2026)
    client = _api(sheet_world.users["focal_point"])
    first = client.post(f"/api/v1/sheets/{sheet.pk}/submit/")
    after_first = _counts(sheet)
    second = client.post(f"/api/v1/sheets/{sheet.pk}/submit/")
    assert first.status_code == second.status_code == 200
    assert _counts(sheet) == after_first and after_first["events"]["submitted"] == 1
