"""The command lines: import_datasheet and import_international, on real and on bad files."""

from pathlib import Path

import pytest
from django.core.management import call_command

from indicators.models import DataSheet, InternationalObservation, InternationalRelease, Observation
from portal.services import reference_data_load

ROOT = Path(__file__).resolve().parents[2]
KAZ = ROOT / "data" / "kazakhstan-open-sdg" / "data"
KGZ = ROOT / "data" / "kyrgyzstan-sdmx" / "data"

SDG_CSV = (
    "Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,Value,Time_Detail,"
    "Source,FootNote,Nature,Units,Sex\n"
    "3,3.2,3.2.1,SH_DYN_MORT,Under-five mortality,417,Kyrgyzstan,2015,21.3,2015,UN IGME,,E,PER_1000_LIVE_BIRTHS,BOTHSEX\n"
    "3,3.2,3.2.1,SH_DYN_MORT,Under-five mortality,417,Kyrgyzstan,2020,17.5,2020,UN IGME,,E,PER_1000_LIVE_BIRTHS,BOTHSEX\n"
    "3,3.2,3.2.1,SH_DYN_MORT,Under-five mortality,417,Kyrgyzstan,2020,18.1,2020,UN IGME,,E,PER_1000_LIVE_BIRTHS,FEMALE\n"
    "3,3.2,3.2.1,SH_DYN_MORT,Under-five mortality,398,Kazakhstan,2020,10.1,2020,UN IGME,,E,PER_1000_LIVE_BIRTHS,BOTHSEX\n"
    "1,1.1,1.1.1,SI_POV_XXXX,Untracked,398,Kazakhstan,2020,1.0,2020,WB,,C,PERCENT,\n"
)


@pytest.fixture
def world(cast, indicators, round_2026):
    reference_data_load()
    return cast


def test_import_datasheet_from_real_open_sdg_files_and_submit(world, capsys):
    call_command(
        "import_datasheet",
        "--country",
        "KAZ",
        "--round",
        "2026",
        "--submit",
        str(KAZ / "indicator_3-2-1.csv"),
        str(KAZ / "indicator_3-2-2.csv"),
    )
    sheet = DataSheet.objects.get(country__iso3="KAZ")
    assert sheet.status == "submitted" and sheet.observations.count() > 100
    out = capsys.readouterr().out
    assert "KAZ 2026 v1 (submitted)" in out and "added" in out


def test_import_datasheet_from_real_sdmx(world, capsys):
    from portal.models import Organisation, User

    org = Organisation.objects.create(name="NSC KG", kind="nso", country=world.country_b)
    User.objects.create_user(
        "kg@example.org", "x", full_name="KG", role="country_focal_point", organisation=org
    )
    call_command(
        "import_datasheet",
        "--country",
        "KGZ",
        "--round",
        "2026",
        "--format",
        "sdmx",
        str(KGZ / "3.2.1.xml"),
    )
    assert DataSheet.objects.get(country__iso3="KGZ").observations.count() == 540


def test_import_datasheet_refuses_bad_input_storing_nothing(world, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,year,value\n3.2.1,2020,abc\n3.2.1,20x0,4\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_datasheet", "--country", "KAZ", "--round", "2026", str(bad))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "bad.csv:2: value" in err and "bad.csv:3: year" in err
    assert DataSheet.objects.count() == 0 and Observation.objects.count() == 0


@pytest.mark.parametrize(
    "args", [["--country", "XXX", "--round", "2026"], ["--country", "KAZ", "--round", "1999"]]
)
def test_import_datasheet_unknown_country_or_round(world, args, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_datasheet", *args, str(tmp_path / "missing.csv"))
    assert exit_info.value.code == 2
    assert "missing.csv: file not found" in capsys.readouterr().err


def test_import_international_sdg_csv_makes_a_new_release(world, tmp_path, capsys):
    path = tmp_path / "unicef.csv"
    path.write_text(SDG_CSV, encoding="utf-8")
    call_command("import_international", "--agency", "UNICEF", "--format", "sdg-csv", str(path))
    call_command("import_international", "--agency", "UNICEF", "--format", "sdg-csv", str(path))
    releases = InternationalRelease.objects.filter(agency__code="UNICEF").order_by("version")
    assert [(r.version, r.is_current) for r in releases] == [(1, False), (2, True)]
    current = InternationalObservation.objects.filter(release=releases[1])
    assert current.count() == 4
    assert current.get(country__iso3="KGZ", year=2020, disaggregation="SEX=F").nature == "E"
    assert "1 rows not tracked" in capsys.readouterr().out


def test_import_international_refuses_bad_rows(world, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        SDG_CSV + "3,3.2,3.2.1,SH_DYN_MORT,U5,999,Nowhere,2020,x,2020,,,E,PER_1000_LIVE_BIRTHS,\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit):
        call_command("import_international", "--agency", "UNICEF", "--format", "sdg-csv", str(path))
    assert "bad.csv:7: Value" in capsys.readouterr().err
    assert InternationalRelease.objects.count() == 0


def test_import_datasheet_merges_and_replaces_only_with_confirmed_removals(world, tmp_path, capsys):
    from tests.indicators.conftest import PORTAL_CSV, db_snapshot

    full, one = tmp_path / "full.csv", tmp_path / "one.csv"
    full.write_text(PORTAL_CSV, encoding="utf-8")
    one.write_text(PORTAL_CSV.splitlines()[0] + "\n" + PORTAL_CSV.splitlines()[1] + "\n")
    base = ["import_datasheet", "--country", "KAZ", "--round", "2026"]
    call_command(*base, str(full))
    call_command(*base, str(one))
    assert "0 removed, 1 unchanged" in capsys.readouterr().out
    assert Observation.objects.count() == 4
    before = db_snapshot()
    with pytest.raises(SystemExit) as exit_info:
        call_command(*base, "--mode", "replace", str(one))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "would remove 3.2.1 · national · 2020: 10.2" in err and "--confirm-removals" in err
    assert db_snapshot() == before
    call_command(*base, "--mode", "replace", "--confirm-removals", str(one))
    assert "3 removed" in capsys.readouterr().out
    assert Observation.objects.count() == 1


def test_import_datasheet_applies_the_upload_limits_of_the_pages(world, tmp_path, capsys, settings):
    """The command line goes through the same checks as the page and the API: it used to skip
    the number of files and their total size."""
    from tests.indicators.conftest import PORTAL_CSV, db_snapshot

    settings.PORTAL_MAX_UPLOAD_FILES = 1
    paths = [tmp_path / "a.csv", tmp_path / "b.csv"]
    for path in paths:
        path.write_text(PORTAL_CSV, encoding="utf-8")
    before = db_snapshot()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_datasheet", "--country", "KAZ", "--round", "2026", *map(str, paths))
    assert exit_info.value.code == 2
    assert "2 files were sent; at most 1 are accepted in one upload." in capsys.readouterr().err
    assert db_snapshot() == before
