"""docs/examples/submit_and_fetch.py, run as a user would: a subprocess against a live server."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from indicators import services
from indicators.models import DataSheet, Observation
from portal.services import reference_data_load, token_create

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "examples" / "submit_and_fetch.py"
REAL_FILE = ROOT / "data" / "kazakhstan-open-sdg" / "data" / "indicator_3-2-1.csv"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(sheet_world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the live server's uploads stay in tmp_path
    reference_data_load()  # the real file's subnational areas (KZAKM, KZAKT, ...)
    return sheet_world


@pytest.fixture
def run(world, live_server, tmp_path):
    _token, key = token_create(user=world.users["focal_point"], name="example script")

    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PORTAL_TOKEN": key}
        return subprocess.run(
            [sys.executable, str(SCRIPT), "--base-url", live_server.url, "--country", "KAZ", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )

    return _run


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_submit_then_fetch_the_published_values(world, run, tmp_path):
    out = tmp_path / "kaz.csv"
    done = run("--round", "2026", "--format", "opensdg", "--output", str(out), str(REAL_FILE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Created draft data sheet" in done.stdout and "Submitted" in done.stdout

    sheet = DataSheet.objects.get(country__iso3="KAZ", round__code="2026")
    assert sheet.status == DataSheet.Status.SUBMITTED
    assert sheet.observations.count() == sum(1 for _ in REAL_FILE.open()) - 1
    assert _rows(out) == []  # written, but nothing is published before the review
    assert out.read_text(encoding="utf-8").startswith("id,country,round,sheet,")

    services.datasheet_accept(sheet=sheet, user=world.users["coordinator"])
    fetched = run("--fetch-only", "--output", str(out))
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr

    rows = _rows(out)
    assert len(rows) > 1000  # more than one page of 1000: the cursor was followed
    expected = {
        (o.indicator.code, o.area.code if o.area else "", o.disaggregation, o.year): o.value
        for o in Observation.objects.filter(sheet=sheet).select_related("indicator", "area")
    }
    got = {
        (r["indicator"], r["area"], r["disaggregation"], int(r["year"])): Decimal(r["value"])
        for r in rows
    }
    assert len(got) == len(rows) == len(expected)
    assert got == expected
    assert {r["sheet"] for r in rows} == {str(sheet.pk)}


def test_second_run_reuses_the_open_draft(world, round_2026, run, tmp_path):
    fp = world.users["focal_point"]
    draft = services.datasheet_create(country=world.country_a, round=round_2026, user=fp)
    done = run(
        "--round",
        "2026",
        "--format",
        "opensdg",
        "--output",
        str(tmp_path / "o.csv"),
        str(REAL_FILE),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Using the open draft data sheet {draft.pk}" in done.stdout
    draft.refresh_from_db()
    assert draft.status == DataSheet.Status.SUBMITTED


def test_bad_file_exits_2_and_prints_every_problem(world, run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,year,value\n3.2.1,2020,abc\n3.2.1,2021,-5\n", encoding="utf-8")
    done = run("--round", "2026", "--output", str(tmp_path / "o.csv"), str(bad))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "nothing was stored" in done.stderr
    assert "bad.csv:2:value" in done.stderr and "bad.csv:3:value" in done.stderr
    sheet = DataSheet.objects.get(country__iso3="KAZ")
    assert sheet.status == DataSheet.Status.DRAFT and sheet.observations.count() == 0
    assert not (tmp_path / "o.csv").exists()


def test_without_a_token_it_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_TOKEN"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--country", "KAZ", "--fetch-only"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "PORTAL_TOKEN" in done.stderr
