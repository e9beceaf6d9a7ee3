"""Backup and restore: every table's row count and every observation's checksum survive."""

import pytest
from django.core.management import call_command
from django.db import connection

from indicators import services
from indicators.international.services import international_import
from portal.backup import observations_checksum, table_counts
from tests.indicators.conftest import PORTAL_CSV

SDG = (
    "SeriesCode,GeoAreaCode,TimePeriod,Value,Nature,Units\n"
    "SH_DYN_MORT,398,2020,10.1,E,PER_1000_LIVE_BIRTHS\n"
)


def _empty_database() -> None:
    with connection.cursor() as cursor:
        tables = [
            t
            for t in connection.introspection.table_names(cursor)
            if t != "django_migrations"
            and not t.startswith(("django_content_type", "auth_permission"))
        ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE"
            )
    else:
        with connection.constraint_checks_disabled(), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database(sheet_world, round_2026, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    fp, coord = sheet_world.users["focal_point"], sheet_world.users["coordinator"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    services.datasheet_submit(sheet=sheet, user=fp)
    services.datasheet_accept(sheet=sheet, user=coord)
    international_import(
        agency=sheet_world.agency, user=coord, files=[("u.csv", SDG.encode())], fmt="sdg-csv"
    )
    before_counts, before_sum = table_counts(), observations_checksum()
    assert before_counts["indicators.Observation"] == 4
    upload_names = sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())

    call_command("backup", str(tmp_path / "backup"))
    _empty_database()
    assert sum(table_counts().values()) == 0
    import shutil

    shutil.rmtree(tmp_path / "media")
    call_command("restore", str(tmp_path / "backup"))
    assert table_counts() == before_counts
    assert observations_checksum() == before_sum
    assert sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file()) == upload_names


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(sheet_world, tmp_path, settings):
    from django.core.management.base import CommandError

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup"))
