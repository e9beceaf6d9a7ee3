"""An agency's release read by the national parsers: what is stored, what is refused."""

from decimal import Decimal

import pytest

from indicators.international.services import international_import
from indicators.models import InternationalObservation, InternationalRelease
from portal.services import reference_data_load


@pytest.fixture
def world(sheet_world):
    reference_data_load()
    return sheet_world


def _load(world, text: str):
    return international_import(
        agency=world.agency,
        user=world.users["agency_focal_point"],
        files=[("release.csv", text.encode())],
        fmt="sdg-csv",
    )


def test_a_spreadsheet_export_with_publishers_habits_is_stored(world):
    text = (
        "seriescode;geoareacode;timeperiod;value;[Sex];[Units];OBS_STATUS;COMMENT\n"
        "sh_dyn_mort;kgz;2014-2015;21,5;female;PER_1000_LIVE_BIRTHS;E;survey\n"
        "sh_dyn_mort;kgz;2016;..;female;PER_1000_LIVE_BIRTHS;M;\n"
        "SH_DYN_MORT;398;2016;9;BOTHSEX;PER_1000_LIVE_BIRTHS;A;\n"
    )
    outcome = _load(world, text)
    assert outcome.ok, [str(p.reason) for p in outcome.problems]
    stored = InternationalObservation.objects.order_by("country__iso3")
    assert [
        (o.country.iso3, o.disaggregation, o.year, o.period, o.value, o.footnote) for o in stored
    ] == [
        ("KAZ", "", 2016, "", Decimal("9"), ""),
        ("KGZ", "SEX=F", 2015, "2014-2015", Decimal("21.5"), "survey"),
    ]


@pytest.mark.parametrize(
    ("bad_row", "column", "reason"),
    [
        ("SH_DYN_MORT,417,2017,<5", "Value", "flag or sign"),
        ('SH_DYN_MORT,417,2017,"1,234,567"', "Value", "thousands separators"),
        ("SH_DYN_MORT,417,2017,n/a", "Value", "not a number"),
        ("SH_DYN_MORT,417,17,5", "TimePeriod", "time period must be a year"),
    ],
)
def test_a_bad_row_names_row_field_reason_and_stores_nothing(world, bad_row, column, reason):
    text = f"SeriesCode,GeoAreaCode,TimePeriod,Value\nSH_DYN_MORT,417,2015,21.3\n{bad_row}\n"
    outcome = _load(world, text)
    [problem] = outcome.problems
    assert (problem.row, problem.column) == (3, column)
    assert reason in str(problem.reason)
    assert not InternationalRelease.objects.exists()
    assert not InternationalObservation.objects.exists()


def _load_opensdg(world, name: str, text: str):
    return international_import(
        agency=world.agency,
        user=world.users["agency_focal_point"],
        files=[(name, text.encode())],
        fmt="opensdg",
    )


def test_an_open_sdg_release_names_each_country_in_ref_area(world):
    text = (
        "Year,REF_AREA,Sex,Units,OBS_STATUS,COMMENT,Value\n"
        "2015,kgz,,Per 1000 live births,A,,21.3\n"
        "2014-2015,398,F,Per 1000 live births,E,survey,11.5\n"
        "2016,398,,Per 1000 live births,M,,NaN\n"
        "2016,1,,Per 1000 live births,A,,40\n"
    )
    outcome = _load_opensdg(world, "indicator_3-2-1.csv", text)
    assert outcome.ok, [str(p.reason) for p in outcome.problems]
    assert outcome.skipped_areas == {"1": 1}
    stored = InternationalObservation.objects.order_by("country__iso3")
    assert [
        (o.country.iso3, o.indicator.code, o.disaggregation, o.year, o.period, o.value, o.footnote)
        for o in stored
    ] == [
        ("KAZ", "3.2.1", "SEX=F", 2015, "2014-2015", Decimal("11.5"), "survey"),
        ("KGZ", "3.2.1", "", 2015, "", Decimal("21.3"), ""),
    ]


def test_an_open_sdg_release_row_without_a_country_is_refused(world):
    text = "Year,REF_AREA,Value\n2015,417,21.3\n2016,,20.1\n"
    outcome = _load_opensdg(world, "indicator_3-2-1.csv", text)
    [problem] = outcome.problems
    assert (problem.row, problem.column) == (3, "REF_AREA")
    assert "names the country of every value" in str(problem.reason)
    assert not InternationalRelease.objects.exists()


def test_an_open_sdg_release_of_an_untracked_indicator_is_listed(world):
    text = "Year,REF_AREA,Value\n2015,417,5\n"
    outcome = _load_opensdg(world, "indicator_9-9-9.csv", text)
    assert outcome.not_tracked == {"9.9.9": 1}
    assert not InternationalRelease.objects.exists()
