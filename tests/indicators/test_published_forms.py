"""Issue 13 on the import side: unit labels and synonyms, codes in any case, long keys."""

from __future__ import annotations

from indicators import services
from indicators.imports import parse_upload
from indicators.models import Observation, UnitSynonym
from indicators.services.validation import RowMapper
from portal.models import Country

from .test_units import _preview, _reasons


def test_unit_labels_are_the_indicators_unit(sheet_world, round_2026):
    text = (
        "Year,Units,SEX,Value\n"
        "2015,Percent,,10\n2016,Percentage (%),,11\n2017,%,,12\n2018,PERCENT,F,13\n"
    )
    preview = _preview(sheet_world, round_2026, [("indicator_8-5-2.csv", text)])
    assert preview.ok, _reasons(preview)
    assert {c.unit for c in preview.candidates} == {"PT"}
    assert preview.warnings == {}


def test_misspelt_label_with_thousands_separator(sheet_world, round_2026):
    text = 'Year,Units,Value\n2015,"per 1,000 life births",20\n2016,Per 1 000 live births,19\n'
    preview = _preview(sheet_world, round_2026, [("indicator_3-2-1.csv", text)])
    assert preview.ok, _reasons(preview)
    assert [c.unit for c in preview.candidates] == ["PER_1000_LIVE_BIRTHS"] * 2


def test_unknown_label_is_accepted_with_one_grouped_warning(sheet_world, round_2026):
    rows = "".join(f"{2000 + i},Prozent,{i}\n" for i in range(5))
    preview = _preview(
        sheet_world, round_2026, [("indicator_8-5-2.csv", "Year,Units,Value\n" + rows)]
    )
    assert preview.ok, _reasons(preview)
    assert len(preview.candidates) == 5
    assert preview.warnings == {
        "unit 'Prozent' not known: read as PT, the unit of 8.5.2": ["2", "3", "4", "5", "6"]
    }


def test_the_secretariat_extends_the_synonyms(sheet_world, round_2026):
    UnitSynonym.objects.create(label="Prozent", unit="PT")
    preview = _preview(
        sheet_world, round_2026, [("indicator_8-5-2.csv", "Year,Units,Value\n2000,prozent,4\n")]
    )
    assert preview.ok and preview.warnings == {}


def test_a_known_other_unit_is_still_refused(sheet_world, round_2026):
    preview = _preview(
        sheet_world, round_2026, [("indicator_8-5-2.csv", "Year,Units,Value\n2000,Number,4\n")]
    )
    assert _reasons(preview) == {
        ("indicator_8-5-2.csv", 2, "unit"): "8.5.2 is measured in PT, not in this unit"
    }


def test_sdmx_unit_synonym(sheet_world, round_2026):
    from tests.imports.helpers import ss_message

    dims = dict(series="SL_TLF_UEM", area="kz", sex="f", unit="PERCENT")
    data = ss_message([(dims, ['TIME_PERIOD="2020" OBS_VALUE="5"'])]).decode()
    preview = _preview(sheet_world, round_2026, [("m.xml", data)])
    assert preview.ok, _reasons(preview)
    [candidate] = preview.candidates
    assert (candidate.unit, candidate.area_id, candidate.disaggregation) == ("PT", None, "SEX=F")


def test_area_codes_in_any_case_and_any_scheme(sheet_world):
    mapper = RowMapper(country=Country.objects.get(iso3="KAZ"))
    text = "Year,REF_AREA,Value\n2015,kz,1\n2016,KAZ,2\n2017,398,3\n2018,kaz,4\n2019,kzakm,5\n"
    rows = parse_upload("indicator_8-5-2.csv", text.encode()).rows
    result = mapper.map_rows(rows)
    assert result.problems == []
    assert [c.area_id is None for c in result.candidates] == [True, True, True, True, False]


def test_a_key_longer_than_the_column_is_refused_before_storing(sheet_world, round_2026):
    limit = Observation._meta.get_field("disaggregation").max_length
    columns = [f"BREAKDOWN_{i:02d}" for i in range(12)]
    text = "Year," + ",".join(columns) + ",Value\n2015," + ",".join(["LONGCODE_X"] * 12) + ",1\n"
    preview = _preview(sheet_world, round_2026, [("indicator_8-5-2.csv", text)])
    [problem] = preview.problems
    assert problem.column == "disaggregation" and len(problem.value) > limit
    assert f"at most {limit}" in str(problem.reason)


def test_a_period_is_stored_as_published(sheet_world, round_2026):
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(
        sheet=sheet, user=fp, files=[("indicator_8-5-2.csv", b"Year,Value\n2014-15,7\n")]
    )
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    stored = Observation.objects.get(sheet=sheet)
    assert (stored.year, stored.period) == (2015, "2014-15")


def test_an_untracked_indicator_file_is_listed_not_refused(sheet_world, round_2026):
    # indicator 11.3.1 is not followed by the portal; its duplicates are no reason to refuse
    text = "Year,UNIT_MEASURE,REF_AREA,Value\n2022,SQ_METER,KZAKM,21.2\n2022,SQ_METER,KZAKM,17.6\n"
    preview = _preview(sheet_world, round_2026, [("indicator_11-3-1.csv", text)])
    assert preview.problems == []
    assert preview.not_tracked == {"11.3.1": 1}


def test_several_national_series_of_one_indicator_are_not_tracked(sheet_world, round_2026):
    text = (
        "Year,SERIES,Value\n"
        "2011,_L_KZ_010101_1A,0.1\n2011,_L_KZ_010101_1B,1.2\n"
        "2012,_L_KZ_010101_1A,0.1\n2012,_L_KZ_010101_1A,0.3\n"  # a duplicate in one of them
    )
    preview = _preview(sheet_world, round_2026, [("indicator_1-1-1.csv", text)])
    assert preview.problems == []
    assert preview.not_tracked == {"1.1.1 _L_KZ_010101_1A": 2, "1.1.1 _L_KZ_010101_1B": 1}


def test_the_mapped_series_is_kept_beside_a_national_one(sheet_world, round_2026):
    text = "Year,SERIES,Value\n2011,SI_POV_DAY1,0.1\n2011,_L_KZ_010101_1B,1.2\n"
    preview = _preview(sheet_world, round_2026, [("indicator_1-1-1.csv", text)])
    assert preview.ok, _reasons(preview)
    assert [str(c.value) for c in preview.candidates] == ["0.1000000000"]
    assert preview.not_tracked == {"1.1.1 _L_KZ_010101_1B": 1}


def test_a_national_age_band_is_kept_with_a_warning(sheet_world, round_2026):
    text = "Year,AGE,Value\n2010,M25T28,8.4\n2010,Y15T24,9.0\n2011,OLD,1\n"
    preview = _preview(sheet_world, round_2026, [("indicator_8-5-2.csv", text)])
    assert _reasons(preview) == {
        ("indicator_8-5-2.csv", 4, "AGE"): "unknown code in the AGE code list"
    }
    assert preview.warnings == {
        "age band M25T28 is not in the global AGE code list: kept as written": ["2"]
    }


def test_codes_repeated_on_every_year_are_judged_on_every_row(sheet_world, round_2026):
    # The mapper checks a series' codes once when they pass silently; a code that is refused
    # or kept with a warning is still named on each row that carries it.
    text = (
        "Year,AGE,Value\n2010,M25T28,8.4\n2011,M25T28,8.5\n2012,OLD,1\n2013,OLD,2\n"
        "2014,Y15T24,9.0\n2015,Y15T24,9.1\n"
    )
    preview = _preview(sheet_world, round_2026, [("indicator_8-5-2.csv", text)])
    assert _reasons(preview) == {
        ("indicator_8-5-2.csv", 4, "AGE"): "unknown code in the AGE code list",
        ("indicator_8-5-2.csv", 5, "AGE"): "unknown code in the AGE code list",
    }
    assert preview.warnings == {
        "age band M25T28 is not in the global AGE code list: kept as written": ["2", "3"]
    }
    mapper = RowMapper(country=Country.objects.get(iso3="KAZ"))
    rows = parse_upload(
        "indicator_8-5-2.csv", b"Year,SEX,NATURE,Value\n2015,F,C,1\n2016,F,XX,2\n2017,f,,3\n"
    ).rows
    result = mapper.map_rows(rows)
    assert [(p.row, p.column) for p in result.problems] == [(3, "nature")]
    assert [c.disaggregation for c in result.candidates] == ["SEX=F", "SEX=F"]


REPORTING = (
    "Year,Reporting type,SEX,Value\n"
    "2015,N,,5.1\n2015,G,,5.4\n"  # distinct by the reporting type: the national one is kept
    "2016,G,,5.0\n"  # a global value alone is the value of that year
)


def test_a_true_duplicate_shows_both_values(sheet_world, round_2026):
    text = REPORTING + "2017,N,F,4.0\n2017,N,F,4.2\n"
    preview = _preview(sheet_world, round_2026, [("indicator_8-5-2.csv", text)])
    assert [str(p.reason) for p in preview.problems] == [
        "Rows 5 and 6 give two values for the same observation: 4 and 4.2."
    ]


def test_a_global_value_beside_the_national_one_is_not_a_duplicate(sheet_world, round_2026):
    text = REPORTING
    preview = _preview(sheet_world, round_2026, [("indicator_8-5-2.csv", text)])
    assert preview.ok, _reasons(preview)
    assert [(c.year, str(c.value.normalize())) for c in preview.candidates] == [
        (2015, "5.1"),
        (2016, "5"),
    ]
    assert preview.not_tracked == {"8.5.2 REPORTING_TYPE=G": 1}
