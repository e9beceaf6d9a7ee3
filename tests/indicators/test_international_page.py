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
def world(sheet_world):
    reference_data_load()
    return sheet_world


def _preview(client, agency, text, name="unicef.csv"):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(
        "/data/international/", {"agency": agency.pk, "format": "sdg-csv", "data_files": [upload]}
    )


def _post(client, agency, text, name="unicef.csv"):
    """Load a release: the preview, then the confirmation when the preview allows it."""
    response = _preview(client, agency, text, name)
    if response.status_code != 200 or "token" not in response.context:
        return response
    return client.post("/data/international/", {"token": response.context["token"]})


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
    for text, reason in (
        (untracked, "no figure in these files belongs to an indicator"),
        ("SeriesCode,GeoAreaCode,TimePeriod,Value,Nature,Units\n", "contains no observations"),
    ):
        response = _post(client, world.agency, text, name="other.csv")
        assert response.status_code == 400
        assert reason in response.content.decode()
    release = InternationalRelease.objects.get()
    assert release.is_current and release.version == 1
    assert InternationalObservation.objects.filter(release=release).count() == 2


# The SDG API CSV as the UN publishes it: bracketed dimensions and attributes, and rows for
# the World and regions beside the countries (written from the SDG API DataCSV layout).
API_HEADER = (
    "Goal,Target,Indicator,SeriesCode,SeriesDescription,GeoAreaCode,GeoAreaName,TimePeriod,"
    "Value,Time_Detail,TimeCoverage,UpperBound,LowerBound,BasePeriod,Source,GeoInfoUrl,"
    "FootNote,[Age],[Location],[Nature],[Reporting Type],[Sex],[Units]\n"
)


def _api_row(area, name, year, value, sex="BOTHSEX", age="<5Y"):
    return (
        f"3,3.2,3.2.1,SH_DYN_MORT,Under-five mortality,{area},{name},{year},{value},{year},,,,,"
        f"UN IGME,,,{age},ALLAREA,E,G,{sex},PER_1000_LIVE_BIRTHS\n"
    )


def test_sdg_api_csv_with_world_and_regions(client, world):
    client.force_login(world.users["agency_focal_point"])
    text = API_HEADER + (
        _api_row(1, "World", 2015, 42.5)
        + _api_row(419, "Latin America and the Caribbean", 2015, 17.1)
        + _api_row(417, "Kyrgyzstan", 2015, 21.3)
        + _api_row(417, "Kyrgyzstan", 2015, 20.1, sex="FEMALE")
        + _api_row(398, "Kazakhstan", "2014-15", 12.0)
        + "3,3.2,3.2.1,XX_OTHER,Other,417,Kyrgyzstan,2015,5,,,,,,,,,,,,,,\n"
    )
    response = _preview(client, world.agency, text)
    assert response.status_code == 200, response.context["problems"]
    outcome = response.context["outcome"]
    assert outcome.skipped_areas == {"1": 1, "419": 1}
    assert outcome.not_tracked == {"XX_OTHER": 1}
    assert [(d.country, d.added) for d in outcome.diff] == [("KAZ", 1), ("KGZ", 2)]
    page = response.content.decode()
    assert "419" in page and "Replace the current release" in page
    assert not InternationalRelease.objects.exists()
    client.post("/data/international/", {"token": response.context["token"]})
    stored = InternationalObservation.objects.order_by("country__iso3", "disaggregation")
    assert [(o.country.iso3, o.disaggregation, o.year, o.period) for o in stored] == [
        ("KAZ", "AGE=<5Y", 2015, "2014-15"),
        ("KGZ", "AGE=<5Y", 2015, ""),
        ("KGZ", "AGE=<5Y;SEX=F", 2015, ""),
    ]


def test_the_preview_shows_the_diff_with_the_current_release(client, world):
    client.force_login(world.users["agency_focal_point"])
    assert _post(client, world.agency, CSV).status_code == 302
    changed = (
        "SeriesCode,GeoAreaCode,TimePeriod,Value,Nature,Units\n"
        "SH_DYN_MORT,kgz,2015,21.3,E,PER_1000_LIVE_BIRTHS\n"  # ISO3 in any case
        "SH_DYN_MORT,KG,2021,16.0,E,PER_1000_LIVE_BIRTHS\n"
        "SH_DYN_MORT,398,2021,9.0,E,PER_1000_LIVE_BIRTHS\n"
    )
    response = _preview(client, world.agency, changed)
    diff = {
        d.country: (d.added, d.changed, d.removed, d.unchanged)
        for d in response.context["outcome"].diff
    }
    assert diff == {"KAZ": (1, 0, 0, 0), "KGZ": (1, 0, 1, 1)}
    assert InternationalRelease.objects.get().version == 1


def test_a_confirmation_token_is_bound_to_its_user(client, world):
    client.force_login(world.users["agency_focal_point"])
    token = _preview(client, world.agency, CSV).context["token"]
    client.force_login(world.users["coordinator"])
    response = client.post("/data/international/", {"token": token}, follow=True)
    assert "expired or was not yours" in response.content.decode()
    assert not InternationalRelease.objects.exists()


def test_release_units_as_labels_and_synonyms(client, world):
    client.force_login(world.users["agency_focal_point"])
    text = (
        "SeriesCode,GeoAreaCode,TimePeriod,Value,[Units],[Sex]\n"
        "SL_TLF_UEM,417,2015,8.1,PERCENT,FEMALE\n"
        "SL_TLF_UEM,417,2016,7.9,Percentage (%),FEMALE\n"
        "SL_TLF_UEM,417,2017,7.5,PT,FEMALE\n"
    )
    assert _post(client, world.agency, text).status_code == 302
    stored = InternationalObservation.objects.order_by("year")
    assert [(o.unit, o.disaggregation) for o in stored] == [("PT", "SEX=F")] * 3


def test_bad_periods_in_a_release_are_grouped(client, world):
    client.force_login(world.users["agency_focal_point"])
    rows = "".join(f"SH_DYN_MORT,417,20{i:02d}-W1,{i}\n" for i in range(40))
    response = _preview(client, world.agency, "SeriesCode,GeoAreaCode,TimePeriod,Value\n" + rows)
    assert response.status_code == 400
    [group] = response.context["problem_groups"]
    assert (group.count, group.places, group.column) == (40, ["2", "3", "4"], "TimePeriod")
