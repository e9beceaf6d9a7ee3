"""Storing values: set-based copies to a new version, COPY/INSERT of an import, all or nothing."""

from decimal import Decimal

import pytest

from indicators import services
from indicators.models import Observation, StatisticalOperation, ValueComment
from indicators.services import sheets
from indicators.services.sheets import storing
from tests.indicators.conftest import PORTAL_CSV

CSV_WITH_SOURCE = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    "3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,Civil registration,\n"
    "3.2.1,KZAKM,SEX=F,2020,9.5,PER_1000_LIVE_BIRTHS,E,Survey 2020,Akmola\n"
    "1.1.1,,,2019,2.25,PT,C,,\n"
)
FIELDS = [
    f.attname
    for f in Observation._meta.concrete_fields
    if not f.primary_key and f.attname != "sheet_id"
]


def _values(sheet):
    return sorted(sheet.observations.values_list(*FIELDS), key=repr)


def _import(sheet, user, text, name="kaz.csv", mode="merge", **kwargs):
    token = services.upload_stage(sheet=sheet, user=user, files=[(name, text.encode())])
    preview = services.datasheet_import_preview(sheet=sheet, user=user, token=token, mode=mode)
    assert preview.ok, [(p.row, p.column, str(p.reason)) for p in preview.problems]
    services.datasheet_import_apply(
        sheet=sheet,
        user=user,
        token=token,
        expected_lock_version=sheet.lock_version,
        preview=preview,
        mode=mode,
        **kwargs,
    )
    sheet.refresh_from_db()
    return preview


@pytest.fixture
def survey(sheet_world):
    return StatisticalOperation.objects.create(
        country=sheet_world.country_a,
        name="Survey 2020",
        kind=StatisticalOperation.Kind.HOUSEHOLD_SURVEY,
        institution="NSO",
    )


def test_import_stores_every_field_with_its_provenance(sheet_world, round_2026, survey):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    preview = _import(sheet, fp, CSV_WITH_SOURCE)
    stored = {(o.indicator.code, o.year): o for o in sheet.observations.select_related("indicator")}
    assert set(stored) == {("3.2.1", 2015), ("3.2.1", 2020), ("1.1.1", 2019)}
    akmola = stored["3.2.1", 2020]
    assert (akmola.area.code, akmola.disaggregation, akmola.value) == (
        "KZAKM",
        "SEX=F",
        Decimal("9.5"),
    )
    assert (akmola.unit, akmola.nature, akmola.source, akmola.footnote) == (
        "PER_1000_LIVE_BIRTHS",
        "E",
        "Survey 2020",
        "Akmola",
    )
    assert akmola.operation == survey and stored["3.2.1", 2015].operation is None
    assert akmola.upload.original_name == "kaz.csv" and akmola.source_row == 3
    assert akmola.entered_by == fp and akmola.entered_at is not None
    assert akmola.entered_at.tzinfo is not None
    assert len({o.entered_at for o in stored.values()}) == 1
    assert stored["1.1.1", 2019].value == Decimal("2.25")
    assert len(preview.candidates) == 3


def test_a_correction_copies_every_value_with_its_history(sheet_world, round_2026, survey):
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    _import(sheet, fp, CSV_WITH_SOURCE)
    edited = sheet.observations.get(year=2015)
    services.observations_update(
        sheet=sheet,
        user=fp,
        changes={edited.pk: (Decimal("14.1"), "revised")},
        expected_lock_version=sheet.lock_version,
    )
    services.datasheet_submit(sheet=sheet, user=fp)
    services.datasheet_accept(sheet=sheet, user=coord)

    correction = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    assert _values(correction) == _values(sheet)
    copied = correction.observations.get(year=2015)
    # the grid edit left no file or row; the copy says so too, and who changed it when
    assert (copied.value, copied.footnote, copied.upload, copied.source_row) == (
        Decimal("14.1"),
        "revised",
        None,
        None,
    )
    assert (
        copied.entered_by == fp
        and copied.entered_at == sheet.observations.get(year=2015).entered_at
    )
    assert correction.observations.get(year=2020).operation == survey
    assert set(correction.observations.values_list("pk", flat=True)).isdisjoint(
        sheet.observations.values_list("pk", flat=True)
    )
    assert sheet.observations.count() == 3, "the accepted version keeps its values"


def test_copy_is_one_statement(sheet_world, round_2026, django_assert_num_queries):
    fp = sheet_world.users["focal_point"]
    source = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    _import(source, fp, PORTAL_CSV)
    target = source.__class__.objects.create(
        country=source.country, round=source.round, version=2, status="accepted"
    )
    with django_assert_num_queries(1):
        sheets._copy_observations(source, target)
    assert _values(target) == _values(source)


def _returned_with_comments(sheet_world, round_2026):
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    _import(sheet, fp, CSV_WITH_SOURCE)
    services.datasheet_submit(sheet=sheet, user=fp)
    poverty = sheet.observations.get(indicator__code="1.1.1")
    mortality = sheet.observations.get(indicator__code="3.2.1", year=2015)
    services.datasheet_return(
        sheet=sheet,
        user=coord,
        comment="check",
        value_comments={poverty.pk: "source?", mortality.pk: "too high"},
    )
    sheet.refresh_from_db()
    return sheet, poverty


def test_reimport_in_replace_mode_replaces_only_the_indicators_it_covers(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet, poverty = _returned_with_comments(sheet_world, round_2026)
    akmola_female = sheet.observations.get(indicator__code="3.2.1", disaggregation="SEX=F")
    with pytest.raises(services.RemovalsNotConfirmed) as refused:
        _import(sheet, fp, PORTAL_CSV, name="again.csv", mode="replace")
    assert refused.value.labels == ["3.2.1 · Akmola Region · sex: Female · 2020: 9.5"]
    preview = _import(
        sheet, fp, PORTAL_CSV, name="again.csv", mode="replace", confirm_removals=True
    )
    assert [line.key for line in preview.removed] == [
        (akmola_female.indicator_id, akmola_female.area_id, "SEX=F", 2020)
    ]
    assert sheet.observations.filter(indicator__code="3.2.1").count() == 4
    assert set(
        sheet.observations.filter(indicator__code="3.2.1").values_list(
            "upload__original_name", flat=True
        )
    ) == {"again.csv"}
    assert sheet.observations.get(indicator__code="1.1.1").pk == poverty.pk
    # the comment on a changed value stays with it; the removed value had none
    assert list(ValueComment.objects.filter(sheet=sheet).values_list("text", flat=True)) == [
        "check",
        "source?",
        "too high",
    ]


def test_reimport_in_merge_mode_changes_only_the_rows_in_the_file(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet, _poverty = _returned_with_comments(sheet_world, round_2026)
    before = {
        (o.indicator_id, o.area_id, o.disaggregation, o.year): o
        for o in sheet.observations.select_related("upload")
    }
    one_row = (
        "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
        "3.2.1,,,2015,14.9,PER_1000_LIVE_BIRTHS,C,Civil registration,\n"
    )
    preview = _import(sheet, fp, one_row, name="one-row.csv")
    assert (len(preview.added), len(preview.changed), len(preview.removed)) == (0, 1, 0)
    after = {
        (o.indicator_id, o.area_id, o.disaggregation, o.year): o
        for o in sheet.observations.select_related("upload")
    }
    assert set(after) == set(before)
    for key, obs in after.items():
        if key[3] == 2015 and key[1] is None:
            assert (obs.value, obs.upload.original_name) == (Decimal("14.9"), "one-row.csv")
        else:
            old = before[key]
            assert (obs.value, obs.upload_id, obs.source_row, obs.entered_at) == (
                old.value,
                old.upload_id,
                old.source_row,
                old.entered_at,
            )


def test_unchanged_values_keep_their_provenance(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    _import(sheet, fp, PORTAL_CSV, name="first.csv")
    first = {o.pk: (o.upload_id, o.source_row, o.entered_at) for o in sheet.observations.all()}
    moved = PORTAL_CSV.replace("3.2.1,,SEX=F,2020,9.1", "3.2.1,,SEX=F,2020,9.3")
    header, *rows = moved.splitlines()
    preview = _import(sheet, fp, "\n".join([header, *reversed(rows)]), name="second.csv")
    assert preview.unchanged == 3 and len(preview.changed) == 1
    for obs in sheet.observations.select_related("upload"):
        if obs.disaggregation == "SEX=F":
            assert (obs.value, obs.upload.original_name) == (Decimal("9.3"), "second.csv")
        else:
            assert (obs.upload_id, obs.source_row, obs.entered_at) == first[obs.pk]


def test_a_failed_store_leaves_the_sheet_as_it_was(sheet_world, round_2026, monkeypatch):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    _import(sheet, fp, PORTAL_CSV)
    before, lock = _values(sheet), sheet.lock_version

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(storing, "_insert_rows", fail)
    jumped = PORTAL_CSV.replace("2015,14.6", "2015,15.1")
    with pytest.raises(RuntimeError):
        _import(sheet, fp, jumped, name="second.csv")
    sheet.refresh_from_db()
    assert _values(sheet) == before and sheet.lock_version == lock


def test_insert_batches_and_empty_input(sheet_world, round_2026, monkeypatch):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    monkeypatch.setattr(storing, "INSERT_BATCH", 2)
    _import(sheet, fp, PORTAL_CSV)
    assert sheet.observations.count() == 4
    storing._insert_rows(Observation._meta.db_table, ["sheet_id"], [])
    assert sheet.observations.count() == 4
