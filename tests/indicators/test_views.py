"""Data-sheet pages: the country permission matrix over URLs, upload with preview, review."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import services
from indicators.models import DataSheet, Observation
from tests.indicators.conftest import PORTAL_CSV

# role -> (sees the draft, may edit it)
DRAFT_ACCESS = {
    "focal_point": (True, True),
    "member": (True, False),
    "focal_point_b": (False, False),
    "agency_focal_point": (False, False),
    "coordinator": (True, False),
    "observer": (False, False),
}


@pytest.mark.parametrize("role", list(DRAFT_ACCESS))
def test_draft_urls_by_role(client, sheet_world, draft, role):
    sees, edits = DRAFT_ACCESS[role]
    client.force_login(sheet_world.users[role])
    detail = client.get(f"/data/sheets/{draft.pk}/")
    assert detail.status_code == (200 if sees else 404)
    if not sees:
        assert b"14.6" not in detail.content
    template = client.get(f"/data/sheets/{draft.pk}/template.xlsx")
    assert template.status_code == (200 if sees else 404)
    upload_page = client.get(f"/data/sheets/{draft.pk}/upload/")
    assert upload_page.status_code == (200 if edits else (403 if sees else 404))
    obs = draft.observations.first()
    grid = client.post(
        f"/data/sheets/{draft.pk}/grid/",
        {"lock_version": draft.lock_version, f"value-{obs.pk}": "1"},
    )
    assert grid.status_code == (302 if edits else (403 if sees else 404))
    obs.refresh_from_db()
    assert (obs.value == 1) is edits
    submit = client.post(f"/data/sheets/{draft.pk}/submit/")
    draft.refresh_from_db()
    assert (draft.status == DataSheet.Status.SUBMITTED) is edits
    assert submit.status_code == (302 if edits else (403 if sees else 404))


def test_the_template_download_carries_every_value_back(
    client, sheet_world, draft, django_assert_max_num_queries
):
    from indicators.imports import parse_upload

    client.force_login(sheet_world.users["focal_point"])
    with django_assert_max_num_queries(12):
        response = client.get(f"/data/sheets/{draft.pk}/template.xlsx")
    body = b"".join(response.streaming_content)
    parsed = parse_upload("template.xlsx", body)
    assert not parsed.problems
    stored = {
        (o.indicator.code, o.year, float(o.value), o.unit, o.source)
        for o in draft.observations.select_related("indicator")
    }
    assert {(r.indicator, r.year, r.value, r.unit, r.source) for r in parsed.rows} == stored


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get(f"/data/sheets/{draft.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_accepted_sheet_is_published_to_every_member(client, sheet_world, draft):
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    services.datasheet_submit(sheet=draft, user=fp)
    services.datasheet_accept(sheet=draft, user=coord)
    for role in ("observer", "focal_point_b", "agency_focal_point"):
        client.force_login(sheet_world.users[role])
        assert client.get(f"/data/sheets/{draft.pk}/").status_code == 200


def test_upload_preview_then_confirm_through_the_pages(client, sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    client.force_login(fp)
    response = client.post("/data/sheets/new/", {"country": "KAZ", "round": "2026"})
    sheet = DataSheet.objects.get()
    assert response["Location"] == f"/data/sheets/{sheet.pk}/"
    upload = SimpleUploadedFile("kaz.csv", PORTAL_CSV.encode(), content_type="text/csv")
    preview = client.post(
        f"/data/sheets/{sheet.pk}/upload/", {"data_files": [upload], "format": ""}
    )
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Nothing has been stored yet" in body and Observation.objects.count() == 0
    confirm = preview.context["confirm"].initial
    done = client.post(
        f"/data/sheets/{sheet.pk}/upload/confirm/", {**confirm, "confirm_outliers": ""}
    )
    assert done.status_code == 302
    assert sheet.observations.count() == 4


def test_preview_counts_skipped_blank_rows_in_either_language(client, sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    client.force_login(fp)
    client.post("/data/sheets/new/", {"country": "KAZ", "round": "2026"})
    sheet = DataSheet.objects.get()
    for blanks, language, text in (
        (1, "en", "1 row without a value was skipped."),
        (2, "en", "2 rows without a value were skipped."),
        (1, "es", "Se omitió 1 fila sin valor."),
        (2, "es", "Se omitieron 2 filas sin valor."),
    ):
        fp.language = language
        fp.save(update_fields=["language"])
        rows = "".join(f"3.2.1,,,{2010 + i},,PER_1000_LIVE_BIRTHS,,,\n" for i in range(blanks))
        upload = SimpleUploadedFile(
            "kaz.csv", (PORTAL_CSV + rows).encode(), content_type="text/csv"
        )
        response = client.post(f"/data/sheets/{sheet.pk}/upload/", {"data_files": [upload]})
        assert response.status_code == 200
        assert text in response.content.decode()


def test_bad_upload_shows_every_problem_with_row_and_column(client, sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    client.force_login(fp)
    client.post("/data/sheets/new/", {"country": "KAZ", "round": "2026"})
    sheet = DataSheet.objects.get()
    bad = PORTAL_CSV + "3.2.1,,,2021,lots,PER_1000_LIVE_BIRTHS,,,\n"
    upload = SimpleUploadedFile("kaz.csv", bad.encode(), content_type="text/csv")
    response = client.post(f"/data/sheets/{sheet.pk}/upload/", {"data_files": [upload]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "lots" in body and ">6<" in body and "nothing can be stored" in body
    assert Observation.objects.count() == 0


def test_oversized_upload_is_refused_before_reading(client, sheet_world, round_2026, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 100
    fp = sheet_world.users["focal_point"]
    client.force_login(fp)
    client.post("/data/sheets/new/", {"country": "KAZ", "round": "2026"})
    sheet = DataSheet.objects.get()
    upload = SimpleUploadedFile("kaz.csv", PORTAL_CSV.encode() * 3, content_type="text/csv")
    response = client.post(f"/data/sheets/{sheet.pk}/upload/", {"data_files": [upload]})
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()


def test_review_page_returns_with_comment(client, sheet_world, draft):
    services.datasheet_submit(sheet=draft, user=sheet_world.users["focal_point"])
    client.force_login(sheet_world.users["coordinator"])
    obs = draft.observations.first()
    empty = client.post(
        f"/data/sheets/{draft.pk}/review/", {"decision": "return", "comment": ""}, follow=True
    )
    assert "a comment is required" in empty.content.decode()
    client.post(
        f"/data/sheets/{draft.pk}/review/",
        {"decision": "return", "comment": "Fix 2015", f"value-comment-{obs.pk}": "source?"},
    )
    draft.refresh_from_db()
    assert draft.status == DataSheet.Status.RETURNED and draft.comments.count() == 2


def test_accepting_keeps_the_comments_on_values_as_returning_does(client, sheet_world, draft):
    services.datasheet_submit(sheet=draft, user=sheet_world.users["focal_point"])
    client.force_login(sheet_world.users["coordinator"])
    first, second = draft.observations.order_by("pk")[:2]
    client.post(
        f"/data/sheets/{draft.pk}/review/",
        {
            "decision": "accept",
            "comment": "Thanks, published.",
            f"value-comment-{first.pk}": "Source: census 2021, please cite it next round",
            f"value-comment-{second.pk}": "   ",
        },
    )
    draft.refresh_from_db()
    assert draft.status == DataSheet.Status.ACCEPTED
    kept = {(c.observation_id, c.text) for c in draft.comments.all()}
    assert kept == {
        (None, "Thanks, published."),
        (first.pk, "Source: census 2021, please cite it next round"),
    }
    client.force_login(sheet_world.users["focal_point"])
    page = client.get(f"/data/sheets/{draft.pk}/").content.decode()
    assert "Source: census 2021, please cite it next round" in page
    assert f"{first.indicator.code} {first.year}" in page


def test_dashboard_tells_each_role_what_needs_attention(client, sheet_world, draft):
    client.force_login(sheet_world.users["focal_point"])
    assert "is a draft" in client.get("/").content.decode()
    services.datasheet_submit(sheet=draft, user=sheet_world.users["focal_point"])
    client.force_login(sheet_world.users["coordinator"])
    assert "awaits your review" in client.get("/").content.decode()


def test_agency_dashboard_lists_its_open_discrepancy_cases(client, sheet_world):
    from indicators.models import DiscrepancyCase, Indicator

    indicator = Indicator.objects.get(code="3.2.1")
    agency_user = sheet_world.users["agency_focal_point"]
    client.force_login(agency_user)
    assert "Nothing needs your attention" in client.get("/").content.decode()
    mine = DiscrepancyCase.objects.create(
        country=sheet_world.country_a,
        indicator=indicator,
        series="SEX=F",
        agency=agency_user.agency,
        kind="discrepant values",
        fingerprint="a",
    )
    DiscrepancyCase.objects.create(
        country=sheet_world.country_b,
        indicator=indicator,
        agency=agency_user.agency,
        kind="discrepant values",
        fingerprint="b",
        status=DiscrepancyCase.Status.RESOLVED,
    )
    DiscrepancyCase.objects.create(
        country=sheet_world.country_b,
        indicator=indicator,
        series="SEX=M",
        agency=sheet_world.other_agency,
        kind="discrepant values",
        fingerprint="c",
    )
    page = client.get("/").content.decode()
    assert "Nothing needs your attention" not in page
    assert page.count("Open discrepancy case") == 1
    assert f"{sheet_world.country_a.name}, 3.2.1 SEX=F" in page
    assert f"/data/reports/cases/{mine.pk}/" in page


def test_upload_page_merges_by_default_and_lists_removals_before_replacing(
    client, sheet_world, draft
):
    from tests.indicators.conftest import db_snapshot

    client.force_login(sheet_world.users["focal_point"])
    one_row = "\n".join(PORTAL_CSV.splitlines()[:2]).replace("14.6", "14.7") + "\n"

    def upload(mode):
        files = [SimpleUploadedFile("one.csv", one_row.encode(), content_type="text/csv")]
        return client.post(f"/data/sheets/{draft.pk}/upload/", {"data_files": files, "mode": mode})

    page = client.get(f"/data/sheets/{draft.pk}/upload/").content.decode()
    assert 'value="merge"' in page and 'value="replace"' in page
    merge = upload("merge")
    assert merge.status_code == 200 and "will be removed" not in merge.content.decode()
    replace = upload("replace")
    text = replace.content.decode()
    assert "3 values will be removed" in text and "3.2.1 · Akmola Region · 2020" in text
    assert 'name="confirm_removals"' in text
    confirm = replace.context["confirm"].initial
    before = db_snapshot()
    refused = client.post(f"/data/sheets/{draft.pk}/upload/confirm/", confirm)
    assert refused.status_code == 409
    assert "would remove 3 values" in refused.content.decode()
    assert db_snapshot() == before
    done = client.post(
        f"/data/sheets/{draft.pk}/upload/confirm/", {**confirm, "confirm_removals": "on"}
    )
    assert done.status_code == 302
    assert list(draft.observations.values_list("year", "value")) == [(2015, Decimal("14.7"))]


def test_grid_names_a_bad_cell_as_on_the_page_and_keeps_the_other_edits(client, sheet_world, draft):
    client.force_login(sheet_world.users["focal_point"])
    cells = {(o.area_id, o.disaggregation, o.year): o for o in draft.observations.all()}
    total_2015, total_2020 = cells[(None, "", 2015)], cells[(None, "", 2020)]
    female = cells[(None, "SEX=F", 2020)]
    response = client.post(
        f"/data/sheets/{draft.pk}/grid/",
        {
            "lock_version": draft.lock_version,
            f"value-{total_2015.pk}": "14,2",
            f"value-{total_2020.pk}": "ten",
            f"value-{female.pk}": "",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "3.2.1 · national · 2020 was not saved: “ten” is not a number." in page
    assert "3.2.1 · national · sex: Female · 2020 was not saved" in page
    assert f"row {total_2020.pk}" not in page
    assert "1 value saved" in page
    values = dict(draft.observations.values_list("pk", "value"))
    assert values[total_2015.pk] == Decimal("14.2") and values[total_2020.pk] == Decimal("10.2")
    assert female.pk in values

    client.post(
        f"/data/sheets/{draft.pk}/grid/",
        {
            "lock_version": draft.lock_version + 1,
            f"value-{female.pk}": "",
            "delete_reason": "Duplicate of the survey value",
        },
    )
    assert female.pk not in set(draft.observations.values_list("pk", flat=True))
    detail = client.get(f"/data/sheets/{draft.pk}/").content.decode()
    assert "9.1 deleted" in detail and "Duplicate of the survey value" in detail
    history = client.get(f"/data/sheets/{draft.pk}/values/{total_2015.pk}/history/")
    text = history.content.decode()
    assert history.status_code == 200 and "corrected in the grid" in text and "14.6 → 14.2" in text
