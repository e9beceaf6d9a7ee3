"""The import preview's "progress categories once accepted": checked against real runs."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import services as sheet_services
from indicators.models import DataSheet, SeriesResult
from indicators.reports import whatif
from tests.reports.conftest import run_inline

# KAZ 3.2.1 rises above the 25 per 1,000 target: from early achiever to regressing. The
# SEX=F series is new (no category before); 3.2.2 is not in the file and keeps its values.
UPLOAD = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    "3.2.1,,,2015,26.0,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,,,2017,28.5,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,,,2019,31.0,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,,SEX=F,2015,24.0,PER_1000_LIVE_BIRTHS,C,,\n"
    "3.2.1,,SEX=F,2019,20.0,PER_1000_LIVE_BIRTHS,C,,\n"
)


def _stored(iso3: str) -> dict[tuple[str, str], str]:
    rows = SeriesResult.objects.filter(
        is_current=True, country__iso3=iso3, source="national"
    ).values_list("indicator__code", "series", "category")
    return {(code, series): category for code, series, category in rows}


def _preview(sheet: DataSheet, user, text: str = UPLOAD, mode: str = "merge"):
    token = sheet_services.upload_stage(sheet=sheet, user=user, files=[("kaz.csv", text.encode())])
    preview = sheet_services.datasheet_import_preview(
        sheet=sheet, user=user, token=token, mode=mode
    )
    return preview, token


@pytest.mark.parametrize("mode", ["merge", "replace"])
def test_categories_before_and_after_match_the_runs(computed, mode):
    fp = computed.users["focal_point"]
    before = _stored("KAZ")
    draft = sheet_services.datasheet_create(
        country=computed.country_a, round=computed.round, user=fp
    )
    preview, token = _preview(draft, fp, mode=mode)
    assert preview.ok, preview.problems
    progress = whatif.progress_preview(
        sheet=draft, candidates=preview.candidates, mode=preview.mode
    )
    assert not progress.error
    changes = {(c.indicator, c.series): (c.before, c.after) for c in progress.changes}
    assert changes[("3.2.1", "")] == (before[("3.2.1", "")], "off_track_regressing")
    assert changes[("3.2.1", "SEX=F")][0] is None
    assert all(code == "3.2.1" for code, _series in changes)  # 3.2.2 untouched
    assert progress.changes[0].is_headline  # the total first

    # Store, submit, accept, run: the stored categories are the preview's "after".
    sheet_services.datasheet_import_apply(
        sheet=draft,
        user=fp,
        token=token,
        expected_lock_version=draft.lock_version,
        confirm_outliers=True,
        mode=mode,
        confirm_removals=True,
    )
    draft.refresh_from_db()
    sheet_services.datasheet_submit(sheet=draft, user=fp)
    sheet_services.datasheet_accept(sheet=draft, user=computed.users["coordinator"])
    assert run_inline().status == "succeeded"
    after = _stored("KAZ")
    for (code, series), (_old, new) in changes.items():
        assert after.get((code, series)) == new
    assert after[("3.2.2", "")] == before[("3.2.2", "")]


def test_same_values_change_nothing(computed):
    fp = computed.users["focal_point"]
    draft = sheet_services.datasheet_create(
        country=computed.country_a, round=computed.round, user=fp
    )
    same = "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n" + "".join(
        f"3.2.1,,,{year},{value},PER_1000_LIVE_BIRTHS,C,,\n"
        for year, value in {2015: 12.04, 2016: 10.79, 2017: 10.24, 2018: 10.11, 2019: 10.69}.items()
    )
    preview, _token = _preview(draft, fp, same)
    progress = whatif.progress_preview(
        sheet=draft, candidates=preview.candidates, mode=preview.mode
    )
    assert progress.changes == [] and progress.unchanged == 1


def test_first_sheet_of_a_country_shows_new_categories(world):
    """No accepted sheet yet (KGZ's is removed): every series is new."""
    DataSheet.objects.filter(country=world.country_b).delete()
    fp = world.users["focal_point_b"]
    draft = sheet_services.datasheet_create(country=world.country_b, round=world.round, user=fp)
    preview, _token = _preview(draft, fp)
    progress = whatif.progress_preview(
        sheet=draft, candidates=preview.candidates, mode=preview.mode
    )
    assert {(c.indicator, c.series) for c in progress.changes} == {
        ("3.2.1", ""),
        ("3.2.1", "SEX=F"),
    }
    assert all(c.before is None and c.after for c in progress.changes)


def test_the_preview_page_shows_the_changes(client, computed):
    fp = computed.users["focal_point"]
    draft = sheet_services.datasheet_create(
        country=computed.country_a, round=computed.round, user=fp
    )
    client.force_login(fp)
    upload = SimpleUploadedFile("kaz.csv", UPLOAD.encode(), content_type="text/csv")
    response = client.post(f"/data/sheets/{draft.pk}/upload/", {"data_files": [upload]})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Progress categories once accepted" in body
    assert "cat-off_track_regressing" in body
    fp.language = "es"
    fp.save(update_fields=["language"])
    upload = SimpleUploadedFile("kaz.csv", UPLOAD.encode(), content_type="text/csv")
    response = client.post(f"/data/sheets/{draft.pk}/upload/", {"data_files": [upload]})
    assert "Categorías de progreso una vez aceptada" in response.content.decode()


def test_a_bad_upload_shows_no_progress_section(client, computed):
    fp = computed.users["focal_point"]
    draft = sheet_services.datasheet_create(
        country=computed.country_a, round=computed.round, user=fp
    )
    client.force_login(fp)
    bad = UPLOAD + "3.2.1,,,2021,lots,PER_1000_LIVE_BIRTHS,C,,\n"
    upload = SimpleUploadedFile("kaz.csv", bad.encode(), content_type="text/csv")
    response = client.post(f"/data/sheets/{draft.pk}/upload/", {"data_files": [upload]})
    assert response.status_code == 400
    assert "Progress categories once accepted" not in response.content.decode()
