"""Large uploads are read by a task: the progress page, then the usual preview or the problems."""

import re

import pytest
from celery import current_app
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import services
from indicators.models import DataSheet, Observation, UploadJob
from indicators.services.upload_jobs import upload_job_run
from tests.indicators.conftest import PORTAL_CSV, db_snapshot


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def sheet(sheet_world, round_2026, settings, _media):
    settings.PORTAL_ASYNC_UPLOAD_BYTES = 100  # PORTAL_CSV is above it
    fp = sheet_world.users["focal_point"]
    return services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)


def _upload(client, sheet, text, capture):
    """Post the file; the task runs in-process (embedded default) or, with a broker and no
    worker in this test, is run here as the worker would."""
    upload = SimpleUploadedFile("kaz.csv", text.encode(), content_type="text/csv")
    with capture(execute=True):
        response = client.post(f"/data/sheets/{sheet.pk}/upload/", {"data_files": [upload]})
    job = UploadJob.objects.get(sheet=sheet)
    assert response.status_code == 302
    assert response["Location"] == f"/data/sheets/{sheet.pk}/uploads/{job.pk}/"
    if current_app.conf.task_always_eager:
        job.refresh_from_db()
        assert job.is_finished  # the redirect lands on a finished job
    else:
        assert UploadJob.objects.get(pk=job.pk).status == UploadJob.Status.QUEUED
        upload_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_large_upload_is_read_by_a_job_then_previewed_and_confirmed(
    client, sheet_world, sheet, django_capture_on_commit_callbacks
):
    client.force_login(sheet_world.users["focal_point"])
    job = _upload(client, sheet, PORTAL_CSV, django_capture_on_commit_callbacks)
    assert (job.status, job.percent, job.rows_done) == (UploadJob.Status.DONE, 100, 4)
    assert Observation.objects.count() == 0
    page = client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nothing has been stored yet" in body and 'http-equiv="refresh"' not in body
    confirm = page.context["confirm"].initial
    assert confirm["token"] == job.token and confirm["lock_version"] == sheet.lock_version
    done = client.post(
        f"/data/sheets/{sheet.pk}/upload/confirm/", {**confirm, "confirm_outliers": ""}
    )
    assert done.status_code == 302 and done["Location"] == f"/data/sheets/{sheet.pk}/"
    assert sheet.observations.count() == 4


def test_small_upload_is_still_previewed_in_the_request(
    client, sheet_world, sheet, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_ASYNC_UPLOAD_BYTES = 10_000
    client.force_login(sheet_world.users["focal_point"])
    upload = SimpleUploadedFile("kaz.csv", PORTAL_CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/data/sheets/{sheet.pk}/upload/", {"data_files": [upload]})
    assert (
        response.status_code == 200 and "Nothing has been stored yet" in response.content.decode()
    )
    assert not UploadJob.objects.exists()


def test_bad_file_through_a_job_shows_the_problems_and_stores_nothing(
    client, sheet_world, sheet, django_capture_on_commit_callbacks
):
    client.force_login(sheet_world.users["focal_point"])
    before = db_snapshot()
    bad = PORTAL_CSV + "3.2.1,,,2021,lots,PER_1000_LIVE_BIRTHS,,,\n"
    job = _upload(client, sheet, bad, django_capture_on_commit_callbacks)
    assert job.status == UploadJob.Status.FAILED
    assert any(p["value"] == "lots" and p["row"] == 6 for p in job.problems)
    page = client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/")
    assert page.status_code == 400
    body = page.content.decode()
    assert "lots" in body and ">6<" in body and "nothing can be stored" in body
    assert db_snapshot() == before
    # the refused upload's staged files are gone: confirming the token stores nothing
    confirm = client.post(
        f"/data/sheets/{sheet.pk}/upload/confirm/",
        {"token": job.token, "lock_version": sheet.lock_version, "mode": "merge"},
    )
    assert confirm.status_code in (302, 409) and db_snapshot() == before


def test_failed_job_problems_are_shown_even_when_the_cache_lost_the_preview(
    client, sheet_world, sheet, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    client.force_login(sheet_world.users["focal_point"])
    bad = PORTAL_CSV + "3.2.1,,,2021,lots,PER_1000_LIVE_BIRTHS,,,\n"
    job = _upload(client, sheet, bad, django_capture_on_commit_callbacks)
    cache.clear()
    page = client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/")
    assert page.status_code == 400
    body = page.content.decode()
    assert "lots" in body and ">6<" in body


def test_running_job_page_shows_progress_and_reloads_itself(client, sheet_world, sheet):
    fp = sheet_world.users["focal_point"]
    job = UploadJob.objects.create(
        sheet=sheet,
        owner=fp,
        token="t",
        files=["big.csv"],
        lock_version=sheet.lock_version,
        status=UploadJob.Status.RUNNING,
        stage=UploadJob.Stage.MAPPING,
        percent=65,
        rows_done=12345,
    )
    client.force_login(fp)
    body = client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in body
    assert 'value="65"' in body and "checking the rows" in body and "12,345" in body
    fp.language = "es"
    fp.save(update_fields=["language"])
    spanish = client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/").content.decode()
    assert "comprobando las filas" in spanish and "Filas leídas" in spanish
    assert re.search(r"Filas leídas: 12[^,\d]345<", spanish)  # Spanish digit grouping


def test_expired_staged_upload_fails_the_job_with_a_message(client, sheet_world, sheet):
    fp = sheet_world.users["focal_point"]
    job = UploadJob.objects.create(
        sheet=sheet, owner=fp, token="forged", files=["big.csv"], lock_version=0
    )
    assert upload_job_run(job_id=job.pk) == UploadJob.Status.FAILED
    job.refresh_from_db()
    assert "upload the files again" in job.message
    client.force_login(fp)
    page = client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/")
    assert page.status_code == 400 and "upload the files again" in page.content.decode()
    assert upload_job_run(job_id=job.pk) == UploadJob.Status.FAILED  # a redelivery is harmless


@pytest.mark.parametrize(
    ("role", "status"),
    [("focal_point_b", 404), ("member", 403), ("coordinator", 403), ("observer", 404)],
)
def test_only_the_uploader_sees_the_job(client, sheet_world, sheet, role, status):
    job = UploadJob.objects.create(
        sheet=sheet,
        owner=sheet_world.users["focal_point"],
        token="t",
        files=["big.csv"],
        lock_version=0,
    )
    client.force_login(sheet_world.users[role])
    assert client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/").status_code == status


def test_a_job_of_another_sheet_in_the_url_is_refused(client, sheet_world, sheet, round_2026):
    fp, fp_b = sheet_world.users["focal_point"], sheet_world.users["focal_point_b"]
    other = services.datasheet_create(country=sheet_world.country_b, round=round_2026, user=fp_b)
    job_b = UploadJob.objects.create(
        sheet=other, owner=fp_b, token="t", files=["b.csv"], lock_version=0
    )
    client.force_login(fp)
    assert client.get(f"/data/sheets/{sheet.pk}/uploads/{job_b.pk}/").status_code == 404
    assert DataSheet.objects.count() == 2


def test_the_staging_sweep_forgets_jobs_older_than_their_files(sheet_world, sheet):
    import datetime

    from django.utils import timezone

    from indicators.tasks import staged_uploads_sweep

    fp = sheet_world.users["focal_point"]
    old, recent = (
        UploadJob.objects.create(sheet=sheet, owner=fp, token=t, files=[], lock_version=0)
        for t in ("old", "recent")
    )
    UploadJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    staged_uploads_sweep()
    assert list(UploadJob.objects.values_list("token", flat=True)) == ["recent"]


@pytest.fixture
def parse_calls(monkeypatch):
    """The names of the files parsed from now on (the parser itself still runs)."""
    import indicators.imports

    calls: list[str] = []
    real = indicators.imports.parse_upload

    def counting(name, *args, **kwargs):
        calls.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(indicators.imports, "parse_upload", counting)
    return calls


def test_an_expired_preview_is_read_again_by_the_job_never_in_the_request(
    client, sheet_world, sheet, django_capture_on_commit_callbacks, parse_calls
):
    from django.core.cache import cache

    client.force_login(sheet_world.users["focal_point"])
    job = _upload(client, sheet, PORTAL_CSV, django_capture_on_commit_callbacks)
    assert parse_calls == ["kaz.csv"]  # the first run
    cache.clear()
    url = f"/data/sheets/{sheet.pk}/uploads/{job.pk}/"
    with django_capture_on_commit_callbacks(execute=False):
        again = client.get(url)
    assert again.status_code == 302 and again["Location"] == url
    assert parse_calls == ["kaz.csv"]  # the request read nothing
    job.refresh_from_db()
    assert (job.status, job.percent) == (UploadJob.Status.QUEUED, 0)
    waiting = client.get(url)
    assert waiting.status_code == 200 and 'http-equiv="refresh"' in waiting.content.decode()
    upload_job_run(job_id=job.pk)  # the worker
    assert parse_calls == ["kaz.csv", "kaz.csv"]
    page = client.get(url)
    assert page.status_code == 200 and "Nothing has been stored yet" in page.content.decode()
    done = client.post(
        f"/data/sheets/{sheet.pk}/upload/confirm/",
        {**page.context["confirm"].initial, "confirm_outliers": ""},
    )
    assert done.status_code == 302 and sheet.observations.count() == 4
    assert parse_calls == ["kaz.csv", "kaz.csv"]


def test_confirming_a_job_whose_preview_expired_queues_it_again_and_stores_nothing(
    client, sheet_world, sheet, django_capture_on_commit_callbacks, parse_calls
):
    from django.core.cache import cache

    client.force_login(sheet_world.users["focal_point"])
    job = _upload(client, sheet, PORTAL_CSV, django_capture_on_commit_callbacks)
    confirm = client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/").context["confirm"].initial
    cache.clear()
    before = db_snapshot()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/data/sheets/{sheet.pk}/upload/confirm/", {**confirm, "confirm_outliers": ""}
        )
    assert response.status_code == 302
    assert response["Location"] == f"/data/sheets/{sheet.pk}/uploads/{job.pk}/"
    assert parse_calls == ["kaz.csv"] and sheet.observations.count() == 0
    job.refresh_from_db()
    assert job.status == UploadJob.Status.QUEUED
    assert db_snapshot() == before
