"""The data-sheet lifecycle through the services: import with preview, submit, return, accept, correct."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from indicators import selectors, services
from indicators.models import DataSheet, Observation, SheetEvent
from tests.indicators.conftest import PORTAL_CSV

ROOT = Path(__file__).resolve().parents[2]


def _import(sheet, user, files, **kwargs):
    token = services.upload_stage(sheet=sheet, user=user, files=files)
    preview = services.datasheet_import_preview(sheet=sheet, user=user, token=token, **kwargs)
    return token, preview


def test_full_lifecycle_keeps_every_version(sheet_world, round_2026):
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token, preview = _import(sheet, fp, [("kaz.csv", PORTAL_CSV.encode())])
    assert preview.ok, preview.problems
    assert (len(preview.added), len(preview.changed), len(preview.removed)) == (4, 0, 0)
    assert Observation.objects.count() == 0, "a preview stores nothing"
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    assert sheet.observations.count() == 4
    obs = sheet.observations.get(year=2015)
    assert (
        obs.value == Decimal("14.6")
        and obs.upload.original_name == "kaz.csv"
        and obs.source_row == 2
    )

    services.datasheet_submit(sheet=sheet, user=fp)
    services.datasheet_return(
        sheet=sheet, user=coord, comment="2015 looks high", value_comments={obs.pk: "check"}
    )
    sheet.refresh_from_db()
    assert sheet.status == DataSheet.Status.RETURNED
    assert sheet.comments.filter(observation=obs).exists()
    services.observations_update(
        sheet=sheet,
        user=fp,
        changes={obs.pk: (Decimal("14.1"), "revised")},
        expected_lock_version=sheet.lock_version,
    )
    services.datasheet_submit(sheet=sheet, user=fp)
    services.datasheet_accept(sheet=sheet, user=coord)
    sheet.refresh_from_db()
    assert (sheet.status, sheet.is_current) == (DataSheet.Status.ACCEPTED, True)
    kinds = list(sheet.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "uploaded",
        "submitted",
        "returned",
        "edited",
        "submitted",
        "accepted",
    ]
    edited = sheet.events.get(kind="edited")
    assert (edited.details["old_value"], edited.details["new_value"]) == ("14.6000000000", "14.1")

    correction = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    assert (
        correction.version == 2
        and correction.supersedes == sheet
        and correction.observations.count() == 4
    )
    corrected = correction.observations.get(year=2015, area=None, disaggregation="")
    services.observations_update(
        sheet=correction,
        user=fp,
        changes={corrected.pk: (Decimal("13.9"), "")},
        expected_lock_version=correction.lock_version,
    )
    services.datasheet_submit(sheet=correction, user=fp)
    services.datasheet_accept(sheet=correction, user=coord)
    sheet.refresh_from_db()
    assert sheet.is_current is False and sheet.observations.get(
        year=2015, area=None, disaggregation=""
    ).value == Decimal("14.1")
    diff = selectors.sheet_diff(old=sheet, new=correction)
    assert [(r.indicator, r.year, r.old, r.new) for r in diff] == [
        ("3.2.1", 2015, Decimal("14.1"), Decimal("13.9"))
    ]
    assert sheet.events.filter(kind=SheetEvent.Kind.SUPERSEDED).exists()


def test_every_bad_row_is_listed_and_nothing_is_stored(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    bad = (
        "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
        "9.9.9,,,2020,1,PT,,,\n"  # unknown indicator
        "3.2.1,XXNOPE,,2020,10,PER_1000_LIVE_BIRTHS,,,\n"  # unknown area
        "3.2.1,,,2020,abc,PER_1000_LIVE_BIRTHS,,,\n"  # not a number
        "3.2.1,,,2019,-4,PER_1000_LIVE_BIRTHS,,,\n"  # negative rate
        "3.2.1,,,2018,10,PT,,,\n"  # wrong unit
        "3.2.1,,SEX=Q,2017,10,PER_1000_LIVE_BIRTHS,,,\n"  # unknown code
        "3.2.1,,,1900,10,PER_1000_LIVE_BIRTHS,,,\n"  # year out of range
        "3.2.1,,,2016,10,PER_1000_LIVE_BIRTHS,,,\n"
        "3.2.1,,,2016,11,PER_1000_LIVE_BIRTHS,,,\n"  # duplicate
        "1.1.1,,,2016,120,PT,,,\n"  # percentage over 100
    )
    token, preview = _import(sheet, fp, [("bad.csv", bad.encode())])
    reasons = {(p.row, p.column): str(p.reason) for p in preview.problems}
    assert not preview.ok
    for row, column in [
        (2, "indicator"),
        (3, "area"),
        (4, "value"),
        (5, "value"),
        (6, "unit"),
        (7, "SEX"),
        (8, "year"),
        (11, "value"),
    ]:
        assert (row, column) in reasons, (row, column, reasons)
    assert any(
        row == 10 and "same observation" in reason for (row, _c), reason in reasons.items()
    ), reasons
    with pytest.raises(ValidationError):
        services.datasheet_import_apply(
            sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
        )
    assert Observation.objects.count() == 0


def test_series_not_tracked_are_listed_not_errors(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    csv = "Year,SERIES,Value\n2020,XX_UNKNOWN_SERIES,4\n"
    _, preview = _import(sheet, fp, [("indicator_99-1-1.csv", csv.encode())], fmt="opensdg")
    assert preview.ok, preview.problems
    assert sum(preview.not_tracked.values()) == 1


def test_second_editor_with_a_stale_form_is_refused(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token, _ = _import(sheet, fp, [("kaz.csv", PORTAL_CSV.encode())])
    opened_at = sheet.lock_version
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=opened_at
    )
    obs = sheet.observations.first()
    with pytest.raises(services.StaleSheetError):
        services.observations_update(
            sheet=sheet,
            user=fp,
            changes={obs.pk: (Decimal("1"), "")},
            expected_lock_version=opened_at,
        )
    obs.refresh_from_db()
    assert obs.value != Decimal("1")


def test_outliers_need_confirmation(sheet_world, round_2026):
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token, _ = _import(sheet, fp, [("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    services.datasheet_submit(sheet=sheet, user=fp)
    services.datasheet_accept(sheet=sheet, user=coord)
    correction = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    jumped = PORTAL_CSV.replace("2015,14.6", "2015,146")
    token, preview = _import(correction, fp, [("kaz.csv", jumped.encode())])
    assert len(preview.outliers) == 1 and len(preview.changed) == 1
    with pytest.raises(ValidationError):
        services.datasheet_import_apply(
            sheet=correction, user=fp, token=token, expected_lock_version=correction.lock_version
        )
    services.datasheet_import_apply(
        sheet=correction,
        user=fp,
        token=token,
        expected_lock_version=correction.lock_version,
        confirm_outliers=True,
    )
    assert correction.observations.get(year=2015, area=None, disaggregation="").value == Decimal(
        "146"
    )


@pytest.mark.parametrize(
    "role", ["member", "focal_point_b", "agency_focal_point", "coordinator", "observer"]
)
def test_only_the_countrys_focal_point_creates_or_imports(sheet_world, round_2026, role):
    user = sheet_world.users[role]
    with pytest.raises(PermissionDenied):
        services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=user)


def test_review_needs_the_coordinator_and_a_comment_to_return(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token, _ = _import(sheet, fp, [("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    services.datasheet_submit(sheet=sheet, user=fp)
    with pytest.raises(PermissionDenied):
        services.datasheet_accept(sheet=sheet, user=fp)
    with pytest.raises(ValidationError):
        services.datasheet_return(sheet=sheet, user=sheet_world.users["coordinator"], comment="  ")
    services.datasheet_submit(sheet=sheet, user=fp)  # a double click: harmless
    assert sheet.events.filter(kind="submitted").count() == 1


def test_submit_and_accept_send_mail_in_each_recipients_language(sheet_world, round_2026, settings):
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    fp.language = "es"
    fp.save()
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token, _ = _import(sheet, fp, [("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    from indicators.services.notifications import sheet_event_notify_send

    submitted = services.datasheet_submit(sheet=sheet, user=fp).events.get(kind="submitted")
    accepted = services.datasheet_accept(sheet=sheet, user=coord).events.get(kind="accepted")
    mail.outbox.clear()
    assert sheet_event_notify_send(event_id=submitted.pk) == 1
    assert sheet_event_notify_send(event_id=accepted.pk) == 1
    assert mail.outbox[0].to == [coord.email] and "Kazakhstan submitted" in mail.outbox[0].subject
    assert mail.outbox[1].to == [fp.email] and "fue aceptada" in mail.outbox[1].subject


def _grid_draft(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token, _ = _import(sheet, fp, [("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    sheet.refresh_from_db()
    by_key = {(o.area_id, o.disaggregation, o.year): o for o in sheet.observations.all()}
    return sheet, fp, by_key


def test_grid_stores_the_good_cells_and_names_the_refused_ones(sheet_world, round_2026):
    sheet, fp, by_key = _grid_draft(sheet_world, round_2026)
    total_2015, total_2020 = by_key[(None, "", 2015)], by_key[(None, "", 2020)]
    female = by_key[(None, "SEX=F", 2020)]
    result = services.observations_update(
        sheet=sheet,
        user=fp,
        changes={
            total_2015.pk: (Decimal("14.2"), ""),
            total_2020.pk: (Decimal("1e30"), ""),
            female.pk: (None, ""),
            999999: (Decimal("1"), ""),
        },
        expected_lock_version=sheet.lock_version,
    )
    assert (result.changed, result.deleted) == (1, 0)
    assert set(result.refused) == {total_2020.pk, female.pk, 999999}
    assert "too large" in result.refused[total_2020.pk]
    assert "reason" in result.refused[female.pk]
    values = dict(sheet.observations.values_list("pk", "value"))
    assert values[total_2015.pk] == Decimal("14.2")
    assert values[total_2020.pk] == Decimal("10.2") and female.pk in values


def test_grid_deletes_a_value_with_its_reason_in_the_history(sheet_world, round_2026):
    first, fp, by_key = _grid_draft(sheet_world, round_2026)
    coord = sheet_world.users["coordinator"]
    services.datasheet_submit(sheet=first, user=fp)
    published = by_key[(None, "SEX=F", 2020)]
    services.datasheet_accept(
        sheet=first, user=coord, value_comments={published.pk: "Check the female rate"}
    )
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    female = sheet.observations.get(area=None, disaggregation="SEX=F", year=2020)
    result = services.observations_update(
        sheet=sheet,
        user=fp,
        changes={female.pk: (None, "")},
        expected_lock_version=sheet.lock_version,
        delete_reason="Not published by the NSO",
    )
    assert (result.changed, result.deleted, result.refused) == (0, 1, {})
    assert not sheet.observations.filter(pk=female.pk).exists()
    event = sheet.events.get(kind="edited")
    assert event.details["deleted"] is True and event.comment == "Not published by the NSO"
    assert event.details["old_value"] == "9.1"
    history = selectors.value_history(user=fp, observation=published)
    # the copy in version 2 kept its provenance, then was deleted there
    assert [(entry.kind, entry.version) for entry in history] == [
        ("entered", 1),
        ("comment", 1),
        ("deleted", 2),
    ]
    deleted = history[-1]
    assert (deleted.kind, deleted.text, deleted.value) == (
        "deleted",
        "Not published by the NSO",
        "9.1",
    )


def test_a_stale_grid_save_stores_nothing(sheet_world, round_2026):
    from tests.indicators.conftest import db_snapshot

    sheet, fp, by_key = _grid_draft(sheet_world, round_2026)
    before = db_snapshot()
    with pytest.raises(services.StaleSheetError):
        services.observations_update(
            sheet=sheet,
            user=fp,
            changes={by_key[(None, "", 2015)].pk: (None, "")},
            expected_lock_version=sheet.lock_version - 1,
            delete_reason="gone",
        )
    assert db_snapshot() == before


def _kyrgyz_template() -> bytes:
    import io

    from indicators.imports import write_template

    buffer = io.BytesIO()
    rows = [
        {"indicator": "3.2.1", "year": 2020, "value": 17.5, "unit": "PER_1000_LIVE_BIRTHS"},
    ]
    write_template(buffer, rows, country_name="Kyrgyzstan", round_name="2026", indicators=[])
    return buffer.getvalue()


OTHER_COUNTRY_FILES = {
    "template": ("kgz.xlsx", _kyrgyz_template, "Country:", "Kyrgyzstan"),
    "sdmx": (
        "3.2.1.xml",
        lambda: (ROOT / "data" / "kyrgyzstan-sdmx" / "data" / "3.2.1.xml").read_bytes(),
        "REF_AREA",
        "KG",
    ),
    "opensdg-ref-area": (
        "indicator_3-2-1.csv",
        lambda: b"Year,UNIT_MEASURE,SEX,REF_AREA,Value\n2020,PER_1000_LIVE_BIRTHS,_T,KG,17.5\n",
        "REF_AREA",
        "KG",
    ),
    "opensdg-geocode": (
        "indicator_3-2-1.csv",
        lambda: b"Year,UNIT_MEASURE,SEX,GeoCode,Value\n2020,PER_1000_LIVE_BIRTHS,_T,417,17.5\n",
        "GEOCODE",
        "417",
    ),
    "sdg-csv": (
        "sdg.csv",
        lambda: (
            b"indicator,year,value,unit,GeoAreaCode\n3.2.1,2020,17.5,PER_1000_LIVE_BIRTHS,417\n"
        ),
        "GEOAREACODE",
        "417",
    ),
}


@pytest.mark.parametrize("kind", sorted(OTHER_COUNTRY_FILES))
def test_a_file_made_for_another_country_is_refused_naming_it(sheet_world, round_2026, kind):
    from tests.indicators.conftest import db_snapshot

    name, make, column, value = OTHER_COUNTRY_FILES[kind]
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    before = db_snapshot()
    token, preview = _import(sheet, fp, [(name, make())])
    foreign = [p for p in preview.problems if "This file is for" in str(p.reason)]
    assert len(foreign) == 1, [str(p.reason) for p in preview.problems]
    assert (foreign[0].column, foreign[0].value) == (column, value)
    assert "This file is for Kyrgyzstan, not Kazakhstan" in str(foreign[0].reason)
    with pytest.raises(ValidationError):
        services.datasheet_import_apply(
            sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
        )
    assert db_snapshot() == before


def test_own_country_codes_and_areas_are_not_refused(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    own = (
        b"Year,UNIT_MEASURE,SEX,REF_AREA,GeoCode,Value\n"
        b"2020,PER_1000_LIVE_BIRTHS,_T,KAZ,398,10.2\n"
        b"2020,PER_1000_LIVE_BIRTHS,_T,KZAKM,398,9.5\n"
    )
    _token, preview = _import(sheet, fp, [("indicator_3-2-1.csv", own)])
    assert preview.ok, [str(p.reason) for p in preview.problems]


@pytest.mark.parametrize("column", ["REF_AREA", "area"])
def test_a_numeric_own_area_code_is_not_read_as_another_countrys_m49(
    sheet_world, round_2026, column
):
    """ "4" in the file's own area column is an (unmapped) area of Kazakhstan, not Afghanistan
    (M49 4): only columns naming countries (GeoAreaCode, GeoCode, SDMX REF_AREA) are M49."""
    from tests.factories import CountryFactory

    CountryFactory(iso3="AFG", iso2="AF", m49="004", name_en="Afghanistan", name_es="Afganistán")
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    if column == "REF_AREA":  # an Open SDG file
        name, data = "indicator_3-2-1.csv", b"Year,UNIT_MEASURE,SEX,REF_AREA,Value\n"
        data += b"2020,PER_1000_LIVE_BIRTHS,_T,,10.2\n2020,PER_1000_LIVE_BIRTHS,_T,4,9.5\n"
    else:  # the portal's CSV
        name, data = (
            "kaz.csv",
            b"indicator,year,value,unit,area\n3.2.1,2020,9.5,PER_1000_LIVE_BIRTHS,4\n",
        )
    _token, preview = _import(sheet, fp, [(name, data)])
    reasons = [str(p.reason) for p in preview.problems]
    assert not [r for r in reasons if "This file is for" in r], reasons
    unknown = [p for p in preview.problems if p.kind == "unknown_area"]
    assert [p.value for p in unknown] == ["4"], reasons


def test_a_numeric_geoareacode_of_another_country_is_still_refused(sheet_world, round_2026):
    from tests.factories import CountryFactory

    CountryFactory(iso3="AFG", iso2="AF", m49="004", name_en="Afghanistan", name_es="Afganistán")
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    data = b"indicator,year,value,unit,GeoAreaCode\n3.2.1,2020,17.5,PER_1000_LIVE_BIRTHS,4\n"
    _token, preview = _import(sheet, fp, [("sdg.csv", data)])
    foreign = [p for p in preview.problems if "This file is for" in str(p.reason)]
    assert [(p.column, p.value) for p in foreign] == [("GEOAREACODE", "4")]
    assert "This file is for Afghanistan, not Kazakhstan" in str(foreign[0].reason)
