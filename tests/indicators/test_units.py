"""One value per indicator, area, disaggregation and year in a sheet, whatever the unit says."""

from pathlib import Path

import pytest

from indicators import services
from indicators.imports import parse_upload
from indicators.models import Indicator
from indicators.services.validation import RowMapper
from portal.models import Country
from portal.services import reference_data_load

HEADER = "indicator,area,disaggregation,year,value,unit,nature,source,footnote\n"
KAZ = Path(__file__).resolve().parents[2] / "data" / "kazakhstan-open-sdg" / "data"


def _preview(world, round_2026, files):
    fp = world.users["focal_point"]
    sheet = services.datasheet_create(country=world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(
        sheet=sheet, user=fp, files=[(name, text.encode()) for name, text in files]
    )
    return services.datasheet_import_preview(sheet=sheet, user=fp, token=token)


def _reasons(preview):
    return {(p.file, p.row, p.column): str(p.reason) for p in preview.problems}


def test_same_year_in_another_unit_is_another_series_not_tracked(sheet_world, round_2026):
    csv = HEADER + (
        "3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,,\n"
        "3.2.1,,,2015,1.46,PT,C,,\n"
        "3.2.1,,,2016,13.9,,C,,\n"  # a blank unit is the indicator's
        "3.2.1,,,2016,1.39,PT,C,,\n"
        "3.2.1,,,2017,1.30,PT,C,,\n"  # the same series without a companion this year
    )
    preview = _preview(sheet_world, round_2026, [("units.csv", csv)])
    assert preview.ok, _reasons(preview)
    assert [(c.year, str(c.value), c.unit) for c in preview.candidates] == [
        (2015, "14.6000000000", "PER_1000_LIVE_BIRTHS"),
        (2016, "13.9000000000", "PER_1000_LIVE_BIRTHS"),
    ]
    assert preview.not_tracked == {"3.2.1 PT": 3}


def test_the_other_unit_across_files_of_one_upload(sheet_world, round_2026):
    counts = HEADER + "3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,,\n"
    shares = HEADER + "3.2.1,,,2015,1.46,PT,C,,\n"
    preview = _preview(sheet_world, round_2026, [("a.csv", counts), ("b.csv", shares)])
    assert preview.ok and preview.not_tracked == {"3.2.1 PT": 1}
    assert [(c.file, c.row) for c in preview.candidates] == [("a.csv", 2)]


def test_a_unit_that_never_meets_the_indicators_own_is_an_error(sheet_world, round_2026):
    csv = HEADER + (
        "3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,,\n"
        "3.2.1,,,2016,1.39,PT,C,,\n"  # a slip, not a second series: no year in common
    )
    preview = _preview(sheet_world, round_2026, [("slip.csv", csv)])
    assert _reasons(preview) == {
        ("slip.csv", 3, "unit"): "3.2.1 is measured in PER_1000_LIVE_BIRTHS, not in this unit"
    }
    assert preview.not_tracked == {}


def test_blank_and_explicit_unit_for_the_same_year_are_a_duplicate(sheet_world, round_2026):
    csv = HEADER + ("3.2.1,,,2015,14.6,,C,,\n3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,,\n")
    preview = _preview(sheet_world, round_2026, [("twice.csv", csv)])
    assert not preview.ok
    assert _reasons(preview) == {
        ("twice.csv", 3, "year"): "duplicate value: twice.csv row 2 has the same indicator, "
        "area, disaggregation and year (14.6 and 14.6)"
    }


def test_national_codes_meet_whatever_they_are_written(sheet_world, round_2026):
    # "" and "KZ" are both the national total: the same observation in two units
    csv = HEADER + ("3.2.1,,,2015,14.6,PER_1000_LIVE_BIRTHS,C,,\n3.2.1,KZ,,2015,1.46,PT,C,,\n")
    preview = _preview(sheet_world, round_2026, [("codes.csv", csv)])
    assert preview.ok and preview.not_tracked == {"3.2.1 PT": 1}


@pytest.mark.parametrize(
    ("name", "unit", "stored", "not_tracked"),
    [
        ("indicator_8-10-1.csv", "NUM_ATM_PER_100000_ADL", 14, {"NUM_CBBR_PER_100000_ADL": 14}),
        ("indicator_8-10-1.csv", "NUM_CBBR_PER_100000_ADL", 14, {"NUM_ATM_PER_100000_ADL": 14}),
        ("indicator_9-2-1.csv", "PT_IN_2010_PRICE", 238, {"USD_IN_2010_PRICE": 232}),
        ("indicator_17-3-1-2.csv", "M_USD", 76, {"PT": 11}),
    ],
)
def test_real_kazakh_files_with_two_units(indicators, name, unit, stored, not_tracked):
    reference_data_load()
    path = KAZ / name
    code = parse_upload(path.name, path.read_bytes()).rows[0].indicator
    Indicator.objects.create(
        code=code,
        framework=Indicator.Framework.SDG,
        name_en=code,
        name_es=code,
        goal=code.split(".")[0],
        unit=unit,
        target_kind=Indicator.TargetKind.NONE,
        desired_direction=Indicator.Direction.INCREASE,
    )
    result = parse_upload(path.name, path.read_bytes())
    # the published file's own true duplicates (same unit twice) are the parser's to refuse
    assert all("same observation" in str(p.reason) for p in result.problems)
    mapped = RowMapper(country=Country.objects.get(iso3="KAZ")).map_rows(result.rows)
    assert mapped.problems == []
    assert len(mapped.candidates) == stored
    assert {c.unit for c in mapped.candidates} == {unit}
    assert mapped.not_tracked == {f"{code} {other}": n for other, n in not_tracked.items()}
