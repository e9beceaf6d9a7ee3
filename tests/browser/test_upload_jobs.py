"""A focal point uploads a file above the (lowered) background threshold: the progress page,
then the usual preview, then the values stored on confirmation. In a real Chromium."""

import pytest

from indicators import services
from indicators.models import UploadJob
from indicators.services.upload_jobs import upload_job_run
from tests.browser.conftest import login, screenshot
from tests.factories import TEST_PASSWORD
from tests.indicators.conftest import PORTAL_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_large_upload_shows_progress_then_the_preview(
    page, sheet_world, round_2026, settings, tmp_path
):
    settings.PORTAL_ASYNC_UPLOAD_BYTES = 100
    settings.MEDIA_ROOT = str(tmp_path / "media")
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    login(page, fp.email, TEST_PASSWORD)
    page.wait_for_url("**/")

    # A job a worker is still reading: the page says how far it got and reloads itself.
    running = UploadJob.objects.create(
        sheet=sheet,
        owner=fp,
        token="still-reading",
        files=["kaz-2026.csv"],
        lock_version=sheet.lock_version,
        status=UploadJob.Status.RUNNING,
        stage=UploadJob.Stage.READING,
        percent=35,
        rows_done=48210,
    )
    page.goto(f"/data/sheets/{sheet.pk}/uploads/{running.pk}/")
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    assert page.locator("progress").get_attribute("value") == "35"
    assert "reading the files" in page.locator(".upload-job").inner_text()
    screenshot(page, "upload-job-progress")
    fp.language = "es"
    fp.save(update_fields=["language"])
    page.reload()
    assert "leyendo los archivos" in page.locator(".upload-job").inner_text()
    screenshot(page, "upload-job-progress-es")
    fp.language = "en"
    fp.save(update_fields=["language"])
    running.delete()

    # The real upload: queued, read (in-process on the embedded default), then the preview.
    path = tmp_path / "kaz.csv"
    path.write_text(PORTAL_CSV)
    page.goto(f"/data/sheets/{sheet.pk}/upload/")
    page.get_by_label("Files").set_input_files(str(path))
    page.get_by_role("button", name="Check the files").click()
    page.wait_for_url(f"**/data/sheets/{sheet.pk}/uploads/*/")
    job = UploadJob.objects.get(sheet=sheet)
    if not job.is_finished:  # a broker and no worker in this test: read it as the worker would
        assert page.locator(".upload-job").count() == 1
        upload_job_run(job_id=job.pk)
    page.get_by_text("Nothing has been stored yet").wait_for(timeout=15_000)
    assert sheet.observations.count() == 0
    screenshot(page, "upload-job-preview")
    page.get_by_role("button", name="Store these values in the draft").click()
    page.wait_for_url(f"**/data/sheets/{sheet.pk}/")
    assert sheet.observations.count() == 4
