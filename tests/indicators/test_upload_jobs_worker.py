"""A large upload read by a real Celery worker: the page follows it, then confirms as usual."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import services
from indicators.models import Observation, UploadJob
from tests.conftest import wait_until_workers_idle
from tests.indicators.conftest import PORTAL_CSV

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_finished(job: UploadJob, timeout: float = 60) -> UploadJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish upload job {job.pk}: {job.status} {job.stage}")


def _post(client, sheet, text):
    upload = SimpleUploadedFile("kaz.csv", text.encode(), content_type="text/csv")
    response = client.post(f"/data/sheets/{sheet.pk}/upload/", {"data_files": [upload]})
    job = UploadJob.objects.get(sheet=sheet)
    assert response.status_code == 302
    assert response["Location"] == f"/data/sheets/{sheet.pk}/uploads/{job.pk}/"
    return job


def test_worker_reads_a_large_upload_and_the_page_follows(
    client, sheet_world, round_2026, settings, celery_worker_process
):
    settings.PORTAL_ASYNC_UPLOAD_BYTES = 100
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    client.force_login(fp)
    job = _wait_finished(_post(client, sheet, PORTAL_CSV))
    assert (job.status, job.percent, job.rows_done) == (UploadJob.Status.DONE, 100, 4)
    page = client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/")
    assert page.status_code == 200 and "Nothing has been stored yet" in page.content.decode()
    assert Observation.objects.count() == 0
    confirm = page.context["confirm"].initial
    done = client.post(
        f"/data/sheets/{sheet.pk}/upload/confirm/", {**confirm, "confirm_outliers": ""}
    )
    assert done.status_code == 302 and sheet.observations.count() == 4
    wait_until_workers_idle()


def test_worker_refuses_a_bad_large_upload_and_stores_nothing(
    client, sheet_world, round_2026, settings, celery_worker_process
):
    settings.PORTAL_ASYNC_UPLOAD_BYTES = 100
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    client.force_login(fp)
    bad = PORTAL_CSV + "3.2.1,,,2021,lots,PER_1000_LIVE_BIRTHS,,,\n"
    job = _wait_finished(_post(client, sheet, bad))
    assert job.status == UploadJob.Status.FAILED
    page = client.get(f"/data/sheets/{sheet.pk}/uploads/{job.pk}/")
    body = page.content.decode()
    assert page.status_code == 400 and "lots" in body and ">6<" in body
    assert Observation.objects.count() == 0
    wait_until_workers_idle()
