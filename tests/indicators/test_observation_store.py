"""`instances_update` stores what Django's `bulk_update` stores (it replaces it for uploads)."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from indicators import services
from indicators.models import Observation, StatisticalOperation, UploadedFile
from indicators.services.observation_store import instances_update
from tests.indicators.conftest import PORTAL_CSV

FIELDS = ["value", "unit", "nature", "operation", "source", "footnote", "source_row"]
PROVENANCE = ["upload", "entered_by", "entered_at"]
COLUMNS = [
    f.attname for f in Observation._meta.concrete_fields if f.attname not in ("id", "sheet_id")
]


def _sheet_with_values(sheet_world, round_2026, code):
    from indicators.models import ReportingRound

    fp = sheet_world.users["focal_point"]
    rnd = ReportingRound.objects.create(
        code=code,
        name_en=code,
        name_es=code,
        opens_on=round_2026.opens_on,
        closes_on=round_2026.closes_on,
    )
    sheet = services.datasheet_create(country=sheet_world.country_a, round=rnd, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("a.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    return sheet


def _tricky_changes(sheet, operation, upload, user):
    """Changed instances as the import builds them: Decimals of every shape, NULLs both ways,
    empty and non-ASCII texts, quotes and backslashes, a long footnote, a new provenance."""
    at = datetime.datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=datetime.UTC)
    values = [
        Decimal("-0.0000000001"),
        Decimal("12345678901234567890.1234567891"),
        Decimal("0E-10"),
        Decimal("9.5000000000"),
    ]
    texts = ["", "Encuesta 'año' \\ \"2020\"", "x" * 300, "línea\nnueva\ttab"]
    changed = []
    for number, obs in enumerate(sheet.observations.order_by("year", "area_id", "disaggregation")):
        changed.append(
            Observation(
                pk=obs.pk,
                value=values[number],
                unit="PER_1000_LIVE_BIRTHS" if number % 2 else "PT",
                nature=["", "E", "C", "NA"][number],
                operation_id=operation.pk if number % 2 else None,
                source=texts[number],
                footnote=texts[-number] * 20,
                source_row=None if number == 2 else 10_000 + number,
                upload=upload if number != 1 else None,
                entered_by=user if number != 3 else None,
                entered_at=at,
            )
        )
    return changed


def _stored(sheet):
    return list(
        sheet.observations.order_by("year", "area_id", "disaggregation").values_list(*COLUMNS)
    )


@pytest.mark.django_db(transaction=False)
def test_instances_update_stores_what_bulk_update_stores(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    operation = StatisticalOperation.objects.create(
        country=sheet_world.country_a,
        name="Census",
        kind=StatisticalOperation.Kind.CENSUS,
        institution="NSO",
    )
    upload = UploadedFile.objects.create(
        original_name="b.csv", format="csv", size=1, sha256="0" * 64, uploaded_by=fp
    )
    old_path = _sheet_with_values(sheet_world, round_2026, "OLD")
    new_path = _sheet_with_values(sheet_world, round_2026, "NEW")
    before = _stored(new_path)

    Observation.objects.bulk_update(
        _tricky_changes(old_path, operation, upload, fp), FIELDS + PROVENANCE, batch_size=1000
    )
    instances_update(_tricky_changes(new_path, operation, upload, fp), FIELDS + PROVENANCE)

    assert _stored(new_path) == _stored(old_path)
    assert _stored(new_path) != before  # the update did change the rows
    values = [row[COLUMNS.index("value")] for row in _stored(new_path)]
    assert Decimal("-0.0000000001") in values and Decimal("9.5") in values


@pytest.mark.django_db
def test_instances_update_in_small_batches_and_a_missing_pk(sheet_world, round_2026):
    sheet = _sheet_with_values(sheet_world, round_2026, "BATCH")
    rows = list(sheet.observations.order_by("pk"))
    for number, obs in enumerate(rows):
        obs.value = Decimal(number) + Decimal("0.25")
    missing = Observation(pk=rows[-1].pk + 1000, value=Decimal(1))
    instances_update([*rows, missing], ["value"], batch_size=3)
    assert [o.value for o in sheet.observations.order_by("pk")] == [
        Decimal("0.25"),
        Decimal("1.25"),
        Decimal("2.25"),
        Decimal("3.25"),
    ]
    assert not Observation.objects.filter(pk=missing.pk).exists()


@pytest.mark.django_db
def test_instances_update_refuses_a_too_long_text(sheet_world, round_2026):
    from django.db import connection

    sheet = _sheet_with_values(sheet_world, round_2026, "LONG")
    obs = sheet.observations.first()
    obs.nature = "TOOLONG"  # the column holds 4 characters
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce a varchar's length (and keeps bulk_update)")
    with pytest.raises(DatabaseError), transaction.atomic():
        instances_update([obs], ["nature"])
    assert sheet.observations.get(pk=obs.pk).nature == "C"  # not cut to "TOOL"
