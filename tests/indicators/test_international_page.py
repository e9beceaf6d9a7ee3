"""Agencies load their published figures in the browser: their own agency only, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import InternationalObservation, InternationalRelease
from portal.services import reference_data_load

CSV = (
    "SeriesCode,GeoAreaCode,TimePeriod,Value,Nature,Units\n"
    "SH_DYN_MORT,417,2015,21.3,E,PER_1000_LIVE_BIRTHS\n"
    "SH_DYN_MORT,417,2020,17.5,E,PER_1000_LIVE_BIRTHS\n"
)


@pytest.fixture
def world(sheet_world):  # type: ignore[no-untyped-def]
    reference_data_load()
    return sheet_world


def _post(client, agency, text, name="unicef.csv"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(
        "/data/international/", {"agency": agency.pk, "format": "sdg-csv", "data_files": [upload]}
    )


def test_agency_focal_point_loads_a_release(client, world):
    client.force_login(world.users["agency_focal_point"])
    assert client.get("/data/international/").status_code == 200
    response = _post(client, world.agency, CSV)
    assert response.status_code == 302
    release = InternationalRelease.objects.get()
    assert (release.agency, release.version, release.loaded_by) == (
        world.agency,
        1,
        world.users["agency_focal_point"],
    )
    assert InternationalObservation.objects.filter(release=release).count() == 2


def test_bad_rows_are_listed_and_nothing_is_stored(client, world):
    client.force_login(world.users["agency_focal_point"])
    response = _post(
        client, world.agency, CSV + "SH_DYN_MORT,417,2021,lots,E,PER_1000_LIVE_BIRTHS\n"
    )
    assert response.status_code == 400
    assert "lots" in response.content.decode()
    assert not InternationalRelease.objects.exists()


def test_an_agency_cannot_load_for_another_agency(client, world):
    client.force_login(world.users["agency_focal_point"])
    response = _post(client, world.other_agency, CSV)
    assert response.status_code == 400
    assert not InternationalRelease.objects.exists()


@pytest.mark.parametrize("role", ["focal_point", "member", "observer"])
def test_countries_and_observers_cannot_load(client, world, role):
    client.force_login(world.users[role])
    assert client.get("/data/international/").status_code == 403
    assert _post(client, world.agency, CSV).status_code == 403
    assert not InternationalRelease.objects.exists()


def test_a_file_with_no_tracked_series_keeps_the_current_release(client, world):
    """Only series the portal does not track: refused with the reason, the current release
    (and so the agency's figures in every report) stays as it was."""
    client.force_login(world.users["agency_focal_point"])
    assert _post(client, world.agency, CSV).status_code == 302
    untracked = (
        "SeriesCode,GeoAreaCode,TimePeriod,Value,Nature,Units\nXX_UNKNOWN,417,2020,5,E,PERCENT\n"
    )
    for text in (untracked, "SeriesCode,GeoAreaCode,TimePeriod,Value,Nature,Units\n"):
        response = _post(client, world.agency, text, name="other.csv")
        assert response.status_code == 400
        assert "no figure in these files belongs to an indicator" in response.content.decode()
    release = InternationalRelease.objects.get()
    assert release.is_current and release.version == 1
    assert InternationalObservation.objects.filter(release=release).count() == 2
