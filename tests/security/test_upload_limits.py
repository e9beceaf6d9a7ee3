"""Uploads cannot exhaust a worker (issue 15, item 3).

Each hostile file is built here: a workbook whose shared strings expand far beyond what a
sheet needs, SDMX-ML nested thousands deep or with millions of elements, and requests with
too many or too large files. Each is refused with a message naming the file and the limit,
and nothing is stored: no value, no upload record, no staged file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indicators import services
from indicators.imports import parse_upload, sdmxml
from indicators.models import Observation, UploadedFile
from portal import services as portal_services
from tests.imports.helpers import SS_HEAD, SS_TAIL

CSV = (
    "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
    "3.2.1,,,2020,10.2,PER_1000_LIVE_BIRTHS,C,,\n"
)


def _workbook_with_shared_strings(size: int) -> bytes:
    """A small .xlsx whose xl/sharedStrings.xml expands to `size` bytes, at a ratio well
    under the ZIP-bomb check's (varied digits compress about ten times, not hundreds)."""
    book = openpyxl.Workbook()
    book.active.title = "Data"
    book.active.append(["indicator", "year", "value"])
    raw = io.BytesIO()
    book.save(raw)
    item = 0
    parts = ['<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    written = len(parts[0])
    while written < size:
        piece = f"<si><t>{item * 7919 % 1000003:07d}{item:08x}</t></si>"
        parts.append(piece)
        written += len(piece)
        item += 1
    parts.append("</sst>")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/sharedStrings.xml", "".join(parts))
    return out.getvalue()


def _nested_sdmx(depth: int) -> bytes:
    return (SS_HEAD + "<x>" * depth + "</x>" * depth + SS_TAIL).encode()


def _flat_sdmx(elements: int) -> bytes:
    return (SS_HEAD + "<x/>" * elements + SS_TAIL).encode()


@pytest.fixture
def draft(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    return services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)


def _page(sheet_world, draft, *files: tuple[str, bytes]):
    client = Client()
    client.force_login(sheet_world.users["focal_point"])
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    response = client.post(f"/data/sheets/{draft.pk}/upload/", {"data_files": uploads})
    if response.status_code == 302 and "/uploads/" in response["Location"]:
        # above PORTAL_ASYNC_UPLOAD_BYTES a task reads the files: run it (as the worker
        # would), then the job's page shows what the synchronous preview shows
        from indicators.models import UploadJob
        from indicators.services.upload_jobs import upload_job_run

        upload_job_run(job_id=UploadJob.objects.get(sheet=draft).pk)
        response = client.get(response["Location"])
    return response


def _nothing_stored(settings) -> None:
    assert Observation.objects.count() == 0
    assert UploadedFile.objects.count() == 0
    staging = Path(settings.MEDIA_ROOT) / "staging"
    assert not staging.exists() or not any(staging.rglob("*")), "no staged file is kept"


def test_shared_strings_bomb_is_refused_naming_the_part_and_the_limit(sheet_world, draft, settings):
    book = _workbook_with_shared_strings(17 * 2**20 - 1000)
    assert len(book) < 4 * 2**20, "a small file that expands a lot"
    response = _page(sheet_world, draft, ("bomb.xlsx", book))
    assert response.status_code == 400
    body = response.content.decode()
    assert "bomb.xlsx" in body
    assert "xl/sharedStrings.xml expands to 17 MB; the limit is 16 MB" in body
    _nothing_stored(settings)


def test_deeply_nested_sdmx_is_refused_early(sheet_world, draft, settings):
    result = parse_upload("deep.xml", _nested_sdmx(100_000))
    assert [str(p.reason) for p in result.problems] == [
        f"The XML nests elements more than {sdmxml.MAX_DEPTH} deep; it is not read."
    ]
    response = _page(sheet_world, draft, ("deep.xml", _nested_sdmx(100_000)))
    assert response.status_code == 400
    assert "deep.xml" in response.content.decode()
    _nothing_stored(settings)


def test_sdmx_with_millions_of_elements_is_refused(monkeypatch, sheet_world, draft, settings):
    result = parse_upload("flat.xml", _flat_sdmx(sdmxml.MAX_ELEMENTS + 10))
    assert [str(p.reason) for p in result.problems] == [
        f"The XML has more than {sdmxml.MAX_ELEMENTS} elements; it is not read."
    ]
    monkeypatch.setattr(sdmxml, "MAX_ELEMENTS", 1000)
    response = _page(sheet_world, draft, ("flat.xml", _flat_sdmx(2000)))
    assert response.status_code == 400
    assert "more than 1000 elements" in response.content.decode()
    _nothing_stored(settings)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        # The portal's own limit, checked from the sizes before any file is read.
        ("PORTAL_MAX_UPLOAD_FILES", "4 files were sent; at most 3 are accepted in one upload."),
        # Django's, before the files are even spooled to disk: a clean 400 page.
        ("DATA_UPLOAD_MAX_NUMBER_FILES", "Bad request"),
    ],
)
def test_too_many_files_in_one_request_are_refused(sheet_world, draft, settings, setting, expected):
    setattr(settings, setting, 3)
    response = _page(sheet_world, draft, *[(f"part{n}.csv", CSV.encode()) for n in range(4)])
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert "Traceback" not in response.content.decode()
    _nothing_stored(settings)


def test_total_size_of_one_request_is_limited(sheet_world, draft, settings):
    settings.PORTAL_MAX_UPLOAD_TOTAL_BYTES = 2**20
    big = CSV.encode() + b"#" * (768 * 1024 - len(CSV))
    response = _page(sheet_world, draft, ("a.csv", big), ("b.csv", big))
    assert response.status_code == 400
    assert (
        "The files sent together are 1.5 MB; the limit for one upload is 1.0 MB."
        in response.content.decode()
    )
    _nothing_stored(settings)


def test_the_api_applies_the_same_request_limits(sheet_world, draft, settings):
    settings.PORTAL_MAX_UPLOAD_FILES = 2
    _token, key = portal_services.token_create(user=sheet_world.users["focal_point"], name="s")
    files = [SimpleUploadedFile(f"p{n}.csv", CSV.encode()) for n in range(3)]
    response = Client().post(
        f"/api/v1/sheets/{draft.pk}/upload/",
        {"files": files},
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 400
    assert "3 files were sent; at most 2" in response.content.decode()
    _nothing_stored(settings)


def test_a_good_upload_still_goes_through(sheet_world, draft):
    """Control: the limits leave an ordinary upload alone."""
    response = _page(sheet_world, draft, ("kaz.csv", CSV.encode()))
    assert response.status_code == 200
