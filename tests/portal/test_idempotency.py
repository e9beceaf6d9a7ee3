"""The `Idempotency-Key` header of the API's POST endpoints (portal.api.idempotency.idempotent)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from indicators import services
from indicators.models import DataSheet, SheetEvent, UploadedFile
from portal import outbox
from portal.api.idempotency import request_fingerprint
from portal.models import IdempotencyKey
from portal.services import token_create
from tests.indicators.conftest import PORTAL_CSV

KEY = "3f1c9a52-5d0e-4c1b-9a55-7d8f0e2b6c11"


def _api(user) -> APIClient:
    client = APIClient()
    _token, key = token_create(user=user, name="idempotency")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _draft(world, round_2026) -> DataSheet:
    fp = world.users["focal_point"]
    sheet = services.datasheet_create(country=world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    return sheet


def _create(client: APIClient, key: str | None = KEY, **body: str):
    headers: dict[str, Any] = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(
        "/api/v1/sheets/", {"country": "KAZ", "round": "2026", **body}, format="json", **headers
    )


def _upload(client: APIClient, sheet: DataSheet, content: str, key: str = KEY):
    return client.post(
        f"/api/v1/sheets/{sheet.pk}/upload/",
        {"files": [SimpleUploadedFile("kaz.csv", content.encode())]},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def _submit(client: APIClient, sheet: DataSheet, key: str = KEY):
    return client.post(f"/api/v1/sheets/{sheet.pk}/submit/", HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def submit_calls(monkeypatch):
    """Counts the submissions the service really processes."""
    calls: list[int] = []
    original = services.datasheet_submit

    def counting(**kwargs):
        calls.append(kwargs["sheet"].pk)
        return original(**kwargs)

    monkeypatch.setattr(services, "datasheet_submit", counting)
    return calls


@pytest.mark.django_db
def test_a_retry_gets_the_stored_answer_and_nothing_is_done_again(sheet_world, round_2026):
    client = _api(sheet_world.users["focal_point"])
    first, retry = _create(client), _create(client)
    assert first.status_code == retry.status_code == 201, retry.content
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert DataSheet.objects.count() == 1


@pytest.mark.django_db
def test_a_retried_submit_is_not_processed_again(sheet_world, round_2026, submit_calls):
    sheet = _draft(sheet_world, round_2026)
    client = _api(sheet_world.users["focal_point"])
    first, retry = _submit(client, sheet), _submit(client, sheet)
    assert first.status_code == retry.status_code == 200, retry.content
    assert retry.json() == first.json() and retry.json()["status"] == "submitted"
    assert retry["Idempotent-Replayed"] == "true"
    assert submit_calls == [sheet.pk]
    assert SheetEvent.objects.filter(sheet=sheet, kind="submitted").count() == 1


@pytest.mark.django_db
def test_the_same_key_with_a_different_request_is_refused(sheet_world, round_2026):
    client = _api(sheet_world.users["focal_point"])
    sheet = services.datasheet_create(
        country=sheet_world.country_a, round=round_2026, user=sheet_world.users["focal_point"]
    )
    assert _upload(client, sheet, PORTAL_CSV).status_code == 201
    changed = _upload(client, sheet, PORTAL_CSV.replace("10.2", "10.4"))
    assert changed.status_code == 422, changed.content
    assert changed.json() == {
        "errors": [
            {
                "field": "Idempotency-Key",
                "message": changed.json()["errors"][0]["message"],
                "code": "idempotency_key_reused",
            }
        ]
    }
    assert "different request" in changed.json()["errors"][0]["message"]
    assert UploadedFile.objects.count() == 1
    assert not sheet.observations.filter(value="10.4").exists()


@pytest.mark.django_db
def test_keys_are_per_endpoint(sheet_world, round_2026):
    """The same key on another endpoint is another key (the fingerprint there differs anyway)."""
    client = _api(sheet_world.users["focal_point"])
    sheet = _draft(sheet_world, round_2026)
    assert _submit(client, sheet).status_code == 200
    created = _create(client, round="2026")
    # An open sheet exists: processed (refused by the service), not taken for a reuse.
    assert created.status_code == 400 and "Idempotent-Replayed" not in created
    assert created.json()["errors"][0]["code"] != "idempotency_key_reused"


@pytest.mark.django_db
def test_two_users_with_the_same_key_never_share_an_answer(sheet_world, round_2026):
    fp_a = _api(sheet_world.users["focal_point"])
    fp_b = _api(sheet_world.users["focal_point_b"])
    mine = _create(fp_a)
    assert mine.status_code == 201
    # The same key and the very same request from another country's focal point is theirs:
    # processed as them (refused), never answered with KAZ's stored sheet.
    theirs = _create(fp_b)
    assert theirs.status_code == 403, theirs.content
    assert not theirs.has_header("Idempotent-Replayed")
    assert str(mine.json()["id"]) not in theirs.content.decode()
    own = _create(fp_b, country="KGZ")
    assert own.status_code == 201 and own.json()["country"] == "KGZ"
    assert not own.has_header("Idempotent-Replayed")
    assert IdempotencyKey.objects.filter(key=KEY).count() == 2


@pytest.mark.django_db
def test_a_failed_request_leaves_the_key_free(sheet_world, round_2026):
    """A 4xx changed nothing: the key is released, so the fixed retry is processed."""
    client = _api(sheet_world.users["focal_point"])
    sheet = services.datasheet_create(
        country=sheet_world.country_a, round=round_2026, user=sheet_world.users["focal_point"]
    )
    bad = PORTAL_CSV.replace("10.2", "abc")
    assert _upload(client, sheet, bad).status_code == 400
    again = _upload(client, sheet, bad)
    assert again.status_code == 400 and not again.has_header("Idempotent-Replayed")
    assert not IdempotencyKey.objects.exists()
    assert _upload(client, sheet, PORTAL_CSV).status_code == 201
    assert IdempotencyKey.objects.get().response_status == 201


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "tab\tin"])
def test_a_malformed_key_is_a_400(sheet_world, round_2026, key):
    response = _create(_api(sheet_world.users["focal_point"]), key=key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not DataSheet.objects.exists() and not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_without_a_key_nothing_is_stored(sheet_world, round_2026):
    assert _create(_api(sheet_world.users["focal_point"]), key=None).status_code == 201
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_keys_expire_after_24_hours_and_the_sweep_drops_them(sheet_world, round_2026, submit_calls):
    sheet = _draft(sheet_world, round_2026)
    client = _api(sheet_world.users["focal_point"])
    assert _submit(client, sheet).status_code == 200
    IdempotencyKey.objects.update(
        created_at=IdempotencyKey.objects.get().created_at - timedelta(hours=24, seconds=1)
    )
    again = _submit(client, sheet)
    assert again.status_code == 200 and not again.has_header("Idempotent-Replayed")
    assert submit_calls == [sheet.pk, sheet.pk]  # processed anew (submitting twice is harmless)
    assert _submit(client, sheet)["Idempotent-Replayed"] == "true"  # the fresh claim answers

    fresh = IdempotencyKey.objects.get()
    stale = IdempotencyKey.objects.create(
        user=sheet_world.users["focal_point"],
        scope="sheets.create",
        key="old",
        fingerprint="0" * 64,
        response_status=201,
        response_body={},
        created_at=fresh.created_at - timedelta(days=2),
    )
    outbox.sweep()
    assert list(IdempotencyKey.objects.all()) == [fresh]
    assert not IdempotencyKey.objects.filter(pk=stale.pk).exists()


def _in_thread(target, *args):
    """Run `target` in a thread with its own database connection; returns (thread, result)."""
    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["response"] = target(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@pytest.fixture
def held_submit(monkeypatch):
    """datasheet_submit waits, once inside, until the test lets it go."""
    entered, release = threading.Event(), threading.Event()
    calls: list[int] = []
    original = services.datasheet_submit

    def held(**kwargs):
        calls.append(kwargs["sheet"].pk)
        entered.set()
        assert release.wait(30), "the test never released the submission"
        return original(**kwargs)

    monkeypatch.setattr(services, "datasheet_submit", held)
    yield entered, release, calls
    release.set()


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_while_the_first_is_in_progress_is_a_409(sheet_world, round_2026, held_submit):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests on separate connections need PostgreSQL")
    entered, release, calls = held_submit
    sheet = _draft(sheet_world, round_2026)
    user = sheet_world.users["focal_point"]
    thread, first = _in_thread(lambda: _submit(_api(user), sheet))
    assert entered.wait(30)
    duplicate = _submit(_api(user), sheet)
    assert duplicate.status_code == 409, duplicate.content
    assert duplicate.json()["errors"] == [
        {
            "field": "Idempotency-Key",
            "message": duplicate.json()["errors"][0]["message"],
            "code": "idempotency_key_in_progress",
        }
    ]
    release.set()
    thread.join(30)
    assert first["response"].status_code == 200
    assert calls == [sheet.pk]
    assert _submit(_api(user), sheet)["Idempotent-Replayed"] == "true"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_duplicates_are_processed_once(sheet_world, round_2026, held_submit):
    """Several requests with one key at the same instant: exactly one runs, whatever the
    interleaving of their claims."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests on separate connections need PostgreSQL")
    entered, release, calls = held_submit
    sheet = _draft(sheet_world, round_2026)
    user = sheet_world.users["focal_point"]
    clients = [_api(user) for _ in range(4)]
    barrier = threading.Barrier(len(clients))

    def post(client):
        barrier.wait(10)
        return _submit(client, sheet)

    threads = [_in_thread(post, client) for client in clients]
    assert entered.wait(30)
    deadline = time.monotonic() + 30
    while sum("response" in r for _t, r in threads) < len(clients) - 1:
        assert time.monotonic() < deadline, "the duplicates were not answered"
        time.sleep(0.02)
    release.set()
    for thread, _result in threads:
        thread.join(30)
    statuses = sorted(r["response"].status_code for _t, r in threads)
    assert statuses == [200, 409, 409, 409]
    assert calls == [sheet.pk]


@pytest.mark.django_db(transaction=True)
def test_a_claim_committed_by_another_connection_meanwhile_wins(
    sheet_world, round_2026, submit_calls
):
    """The unique constraint decides between workers: this request's insert waits for the
    other connection's uncommitted claim, then finds it and answers 409."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a second PostgreSQL connection")
    import psycopg

    sheet = _draft(sheet_world, round_2026)
    user = sheet_world.users["focal_point"]
    client = _api(user)
    path = f"/api/v1/sheets/{sheet.pk}/submit/"
    fingerprint = request_fingerprint(Request(APIRequestFactory().post(path)))
    db = connection.settings_dict
    dsn = {
        "host": db["HOST"],
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": db["NAME"],
    }
    other = psycopg.connect(**dsn)
    watcher = psycopg.connect(**dsn, autocommit=True)
    try:
        other.execute(
            "INSERT INTO portal_idempotencykey (user_id, scope, key, fingerprint, created_at)"
            " VALUES (%s, 'sheets.submit', %s, %s, now())",
            (user.pk, KEY, fingerprint),
        )
        thread, result = _in_thread(_submit, client, sheet)
        deadline = time.monotonic() + 20
        while not watcher.execute(  # until the request's insert waits on the other's row
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        ).fetchone()[0]:
            assert time.monotonic() < deadline, "the request never waited for the other claim"
            time.sleep(0.05)
        other.commit()
        thread.join(30)
    finally:
        other.close()
        watcher.close()
    response = result["response"]
    assert response.status_code == 409, response.content
    assert submit_calls == []


@pytest.mark.django_db
def test_the_schema_documents_the_header(sheet_world):
    client = _api(sheet_world.users["focal_point"])
    schema = client.get("/api/schema/?format=json").json()
    operations = {
        ("/api/v1/sheets/", "post"): "201",
        ("/api/v1/sheets/{id}/upload/", "post"): "201",
        ("/api/v1/sheets/{id}/submit/", "post"): "200",
    }
    for (path, method), success in operations.items():
        operation = schema["paths"][path][method]
        header = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
        assert header and header[0]["in"] == "header" and not header[0].get("required")
        responses = operation["responses"]
        assert {"409", "422"} <= set(responses), path
        assert "Idempotent-Replayed" in responses[success]["headers"], path
    assert "Idempotency-Key" not in str(schema["paths"]["/api/v1/sheets/"]["get"])
