"""Staged uploads never pile up on disk (issue 15, item 5).

Files are staged between the preview and the confirmation. They are deleted once applied,
as soon as the upload is refused, and after 24 hours in any case (on each new stage and by a
periodic task); the command line never stages at all. A refused action changes nothing,
files on disk included.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from indicators import services, tasks
from indicators.models import Observation, UploadedFile

CSV = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    "3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,,,2020,10.2,PER_1000_LIVE_BIRTHS,C,,\n"
)
BAD_CSV = CSV + "3.2.1,,,2021,lots,PER_1000_LIVE_BIRTHS,C,,\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def draft(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    return services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)


def _files_on_disk(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file())


def _staged(media: Path) -> list[Path]:
    staging = media / "staging"
    return sorted(staging.rglob("*")) if staging.exists() else []


def test_applied_upload_leaves_no_staged_file(
    draft, sheet_world, _media, django_capture_on_commit_callbacks
):
    fp = sheet_world.users["focal_point"]
    token = services.upload_stage(sheet=draft, user=fp, files=[("kaz.csv", CSV.encode())])
    assert _staged(_media)
    with django_capture_on_commit_callbacks(execute=True):
        services.datasheet_import_apply(
            sheet=draft, user=fp, token=token, expected_lock_version=draft.lock_version
        )
    assert draft.observations.count() == 2
    assert _staged(_media) == [], "the staged file and its folder are gone"


def test_refused_upload_changes_nothing_on_disk_or_in_the_database(draft, sheet_world, _media):
    fp = sheet_world.users["focal_point"]
    before = _files_on_disk(_media)
    token = services.upload_stage(sheet=draft, user=fp, files=[("bad.csv", BAD_CSV.encode())])
    preview = services.datasheet_import_preview(sheet=draft, user=fp, token=token)
    assert not preview.ok
    assert _files_on_disk(_media) == before
    with pytest.raises(ValidationError):
        services.datasheet_import_apply(
            sheet=draft, user=fp, token=token, expected_lock_version=draft.lock_version
        )
    assert _files_on_disk(_media) == before
    assert Observation.objects.count() == 0 and UploadedFile.objects.count() == 0


def test_refused_apply_of_a_stale_form_deletes_the_staged_files(draft, sheet_world, _media):
    fp = sheet_world.users["focal_point"]
    token = services.upload_stage(sheet=draft, user=fp, files=[("kaz.csv", CSV.encode())])
    with pytest.raises(ValidationError):
        services.datasheet_import_apply(
            sheet=draft, user=fp, token=token, expected_lock_version=draft.lock_version + 7
        )
    assert _staged(_media) == []
    assert Observation.objects.count() == 0 and UploadedFile.objects.count() == 0


def test_refused_upload_through_the_page_leaves_nothing(client, draft, sheet_world, _media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(sheet_world.users["focal_point"])
    upload = SimpleUploadedFile("bad.csv", BAD_CSV.encode(), content_type="text/csv")
    response = client.post(f"/data/sheets/{draft.pk}/upload/", {"data_files": [upload]})
    assert response.status_code == 400
    assert _files_on_disk(_media) == []


def test_staged_files_older_than_a_day_are_swept(draft, sheet_world, _media):
    fp = sheet_world.users["focal_point"]
    services.upload_stage(sheet=draft, user=fp, files=[("old.csv", CSV.encode())])
    old = _staged(_media)
    day_ago = time.time() - 24 * 3600 - 60
    for path in old:
        if path.is_file():
            os.utime(path, (day_ago, day_ago))
    services.upload_stage(sheet=draft, user=fp, files=[("fresh.csv", CSV.encode())])
    remaining = [p.name for p in _staged(_media) if p.is_file()]
    assert remaining == ["00-fresh.csv"], "staging a new upload swept the day-old one"
    for path in _staged(_media):
        if path.is_file():
            os.utime(path, (day_ago, day_ago))
    assert tasks.staged_uploads_sweep.apply().get() == 1
    assert _staged(_media) == []


def test_the_command_line_never_stages_to_disk(sheet_world, round_2026, _media, tmp_path, capsys):
    good, bad = tmp_path / "kaz.csv", tmp_path / "bad.csv"
    good.write_text(CSV)
    bad.write_text(BAD_CSV)
    with pytest.raises(SystemExit):
        call_command("import_datasheet", "--country", "KAZ", "--round", "2026", str(bad))
    assert _files_on_disk(_media) == []
    call_command("import_datasheet", "--country", "KAZ", "--round", "2026", str(good))
    assert Observation.objects.count() == 2
    assert _staged(_media) == []
