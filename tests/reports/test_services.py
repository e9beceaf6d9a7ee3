import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied

from indicators.models import (
    AggregateResult,
    DiscrepancyCase,
    DiscrepancyResult,
    EngineRun,
    SeriesResult,
)
from indicators.reports import selectors, services
from tests.reports.conftest import INTERNATIONAL, NATIONAL, make_release, make_sheet, run_inline

FIELDS = [
    "country__iso3",
    "indicator__code",
    "source",
    "series",
    "n_obs",
    "first_year",
    "first_value",
    "latest_year",
    "latest_value",
    "baseline_value",
    "target",
    "model",
    "rate",
    "t_star",
    "t_star_never",
    "category",
    "cis_rule_applied",
    "is_headline",
]


def stored(model=SeriesResult, fields=FIELDS):
    return sorted(model.objects.filter(is_current=True).values_list(*fields), key=repr)


# Worked out by hand from tests/reports/conftest.py's NATIONAL and INTERNATIONAL and the
# rules of docs/engine.md, never by calling the engine: 3.2.1 has an absolute target of 25,
# 3.2.2 of 12 (indicators/fixtures/indicators.csv), both "decrease", baseline year 2015,
# target year 2030, minimum span 3; both countries are CIS, but in no series here do the
# signs of YL - Y1 and YL - Y2 differ (rule 3), so the trend always starts at the first row.
# Fields: n_obs, first_year, first_value, latest_year, latest_value, baseline_value, target,
# model, rate, t_star, category.
EXPECTED_SERIES = {
    # 12.04 → 10.69 over 2015-2019: falls, geometric (rule 6); 10.69 ≤ 25 (8a)
    ("KAZ", "3.2.1", "national", ""): (
        5,
        2015,
        12.04,
        2019,
        10.69,
        12.04,
        25.0,
        "geometric",
        (10.69 / 12.04) ** (1 / 4) - 1,
        None,
        "early_achiever",
    ),
    # 5.6 → 4.8 over 2015-2019; 4.8 ≤ 12 (8a)
    ("KAZ", "3.2.2", "national", ""): (
        5,
        2015,
        5.6,
        2019,
        4.8,
        5.6,
        12.0,
        "geometric",
        (4.8 / 5.6) ** (1 / 4) - 1,
        None,
        "early_achiever",
    ),
    # 21.5 → 17.9 over 2015-2021; 17.9 ≤ 25 (8a)
    ("KGZ", "3.2.1", "national", ""): (
        4,
        2015,
        21.5,
        2021,
        17.9,
        21.5,
        25.0,
        "geometric",
        (17.9 / 21.5) ** (1 / 6) - 1,
        None,
        "early_achiever",
    ),
    # two rows (too few for the CIS rule), 19 → 16 over 2015-2019; 16 ≤ 25 (8a)
    ("KGZ", "3.2.1", "national", "SEX=F"): (
        2,
        2015,
        19.0,
        2019,
        16.0,
        19.0,
        25.0,
        "geometric",
        (16.0 / 19.0) ** (1 / 4) - 1,
        None,
        "early_achiever",
    ),
    # 2015-2017: a span of 2 < 3 (rule 2); the absolute target is still filled (D2)
    ("KAZ", "3.2.1", "international", ""): (
        3,
        2015,
        12.1,
        2017,
        10.3,
        12.1,
        25.0,
        "",
        None,
        None,
        "insufficient_data",
    ),
    # 6.5 → 5.1 over 2015-2020; 5.1 ≤ 12 (8a)
    ("KAZ", "3.2.2", "international", ""): (
        4,
        2015,
        6.5,
        2020,
        5.1,
        6.5,
        12.0,
        "geometric",
        (5.1 / 6.5) ** (1 / 5) - 1,
        None,
        "early_achiever",
    ),
    # 29.1 → 25.9 over 2015-2021: r = (25.9 / 29.1)^(1/6) - 1 = -0.0192286 and 25.9 > 25, so
    # t* = 2021 + ln(25 / 25.9) / ln(1 + r) = 2021 + (-0.035368) / (-0.019416) = 2022.8216
    # ≤ 2030 (8c)
    ("KGZ", "3.2.1", "international", ""): (
        4,
        2015,
        29.1,
        2021,
        25.9,
        29.1,
        25.0,
        "geometric",
        (25.9 / 29.1) ** (1 / 6) - 1,
        2022.8216,
        "on_track",
    ),
}
# Section 4, relative tolerance 0.05 (the default):
# KAZ 3.2.1: 2015 0.06 / 12.04 = 0.005, 2016 0.11 / 10.79 = 0.010, 2017 0.06 / 10.24 = 0.006
#   → consistent; KAZ 3.2.2: 2015 0.9 / 5.6 = 0.161 → discrepant;
# KGZ 3.2.1: 2015 7.6 / 21.5 = 0.353, 2017 9.4 / 18.5 = 0.508, 2019 9.3 / 17.5 = 0.531,
#   2021 8.0 / 17.9 = 0.447 → discrepant, the largest 0.531; KGZ 3.2.1 SEX=F: no UNICEF value.
EXPECTED_STATUSES = {
    ("KAZ", "3.2.1", ""): "consistent",
    ("KAZ", "3.2.2", ""): "discrepant",
    ("KGZ", "3.2.1", ""): "discrepant",
    ("KGZ", "3.2.1", "SEX=F"): "national_only",
}


def test_run_stores_what_the_rules_give(computed):
    rows = {(r[0], r[1], r[2], r[3]): r for r in stored()}
    assert rows.keys() == EXPECTED_SERIES.keys()
    for key, want in EXPECTED_SERIES.items():
        row = rows[key]
        got = (*row[4:13], row[13], row[15])  # n_obs ... rate, t_star, category
        assert got[:7] == pytest.approx(want[:7]), key
        assert got[7] == want[7], key
        for value, expected in ((got[8], want[8]), (got[9], want[9])):
            if expected is None:
                assert value is None, key
            else:
                assert value == pytest.approx(expected, abs=1e-4), key
        assert got[10] == want[10], key
        assert row[16] is False and row[14] is False, key  # no CIS rule, t* not "never"
    national = SeriesResult.objects.get(
        is_current=True, country__iso3="KAZ", indicator__code="3.2.1", source="national"
    )
    assert national.sheet_id == computed.kaz.pk and national.sheet_version == 1
    international = SeriesResult.objects.get(
        is_current=True, country__iso3="KAZ", indicator__code="3.2.1", source="international"
    )
    assert international.release_id == computed.release.pk and international.agency.code == "UNICEF"
    statuses = {
        (c, i, s): st
        for c, i, s, st in DiscrepancyResult.objects.filter(is_current=True).values_list(
            "country__iso3", "indicator__code", "series", "status"
        )
    }
    assert statuses == EXPECTED_STATUSES
    kgz = DiscrepancyResult.objects.get(is_current=True, country__iso3="KGZ", series="")
    # early_achiever against on_track, both computed (section 4)
    assert kgz.classification_differs and kgz.max_abs_rel_diff == pytest.approx(9.3 / 17.5)
    run = computed.run
    assert (
        run.inputs["sheets"][0]["version"] == 1 and run.inputs["releases"][0]["agency"] == "UNICEF"
    )
    assert run.counts["national"] and run.started_at and run.finished_at
    region = AggregateResult.objects.get(
        is_current=True, region__code="CIS", indicator__code="3.2.1", source="national"
    )
    # Section 3: t0 = 2015, t1 = 2021 (KGZ's latest); both members have more than two rows,
    # so the coverage is 1. Weights are the default populations, KAZ 19e6 and KGZ 7e6.
    # value0 = (19 × 12.04 + 7 × 21.5) / 26 = 379.26 / 26 = 14.586923 (both observed).
    # KAZ has no 2021 value and falls (10.69 < 12.04): log-linear OLS on x = year - 2015 over
    # x = 0..4, ln y = 2.488234, 2.378620, 2.326302, 2.313525, 2.369309; mean x 2, mean ln y
    # 2.375198; slope = Σ(x - 2)(ln y - 2.375198) / 10 = -0.0302946; at x = 6:
    # exp(2.375198 + 4 × -0.0302946) = 9.525948. value1 = (19 × 9.525948 + 7 × 17.9) / 26
    # = 11.780500; 11.78 ≤ 25 → early_achiever.
    assert (region.year0, region.year1) == (2015, 2021)
    assert region.coverage == pytest.approx(1.0)
    assert region.value0 == pytest.approx(14.586923, abs=1e-6)
    assert region.value1 == pytest.approx(11.780500, abs=1e-6)
    assert (region.n_members, region.n_imputed) == (2, 1)
    assert region.category == "early_achiever"


def test_rerun_is_idempotent(computed):
    before = (
        stored(),
        stored(
            DiscrepancyResult, ["country_id", "indicator_id", "series", "status", "fingerprint"]
        ),
    )
    cases = list(DiscrepancyCase.objects.values_list("pk", "status", "fingerprint"))
    run = run_inline()
    assert run.status == "succeeded"
    assert (
        stored(),
        stored(
            DiscrepancyResult, ["country_id", "indicator_id", "series", "status", "fingerprint"]
        ),
    ) == before
    assert list(DiscrepancyCase.objects.values_list("pk", "status", "fingerprint")) == cases
    assert SeriesResult.objects.count() == SeriesResult.objects.filter(is_current=True).count()
    # finishing the same run twice changes nothing
    again = services.engine_run_finish(run_id=run.pk, outcomes=[])
    assert again.status == "succeeded" and stored() == before[0]


def test_accepting_a_sheet_recomputes_only_what_changed(
    computed, django_capture_on_commit_callbacks
):
    from indicators.services.sheets import datasheet_accept

    changed = {**NATIONAL, ("KAZ", "3.2.1", ""): {2015: 12.0, 2019: 11.9}}
    correction = make_sheet(
        computed.country_a,
        computed.round,
        changed,
        version=2,
        supersedes=computed.kaz,
        status="submitted",
    )
    before = {
        (r.country.iso3, r.indicator.code, r.source, r.series): r.run_id
        for r in SeriesResult.objects.filter(is_current=True).select_related("country", "indicator")
    }
    with django_capture_on_commit_callbacks(execute=True):
        datasheet_accept(sheet=correction, user=computed.users["coordinator"])
    run = EngineRun.objects.order_by("-pk").first()
    assert run.trigger == "sheet_accepted" and run.status == "succeeded"
    assert run.indicator_codes == ["3.2.1"] and run.country_codes == ["KAZ"]
    after = {
        (r.country.iso3, r.indicator.code, r.source, r.series): r.run_id
        for r in SeriesResult.objects.filter(is_current=True).select_related("country", "indicator")
    }
    assert after.keys() == before.keys()
    for key, run_id in after.items():
        touched = key[0] == "KAZ" and key[1] == "3.2.1"
        assert (run_id == run.pk) is touched, key
    kaz = SeriesResult.objects.get(
        is_current=True, country__iso3="KAZ", indicator__code="3.2.1", source="national"
    )
    assert kaz.sheet_id == correction.pk and kaz.latest_value == 11.9


def test_loading_a_release_queues_its_pairs(computed, django_capture_on_commit_callbacks):
    from indicators.international.services import international_import

    csv = (
        b"SeriesCode,GeoAreaCode,TimePeriod,Value,Sex,Location,Age,Nature,Units\n"
        b"SH_DYN_NMRT,KAZ,2015,5.6,BOTHSEX,ALLAREA,ALLAGE,C,X\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        international_import(
            agency=computed.other_agency,
            user=computed.users["coordinator"],
            files=[("who.csv", csv)],
            fmt="sdg-csv",
        )
    run = EngineRun.objects.order_by("-pk").first()
    assert run.trigger == "international_loaded" and run.status == "succeeded"
    assert run.indicator_codes == ["3.2.2"] and run.country_codes == ["KAZ"]


def test_failing_run_keeps_previous_results_and_names_the_problem(computed, monkeypatch):
    before = stored()
    real = selectors.observations_frame

    def broken(**kwargs):
        frame = real(**kwargs)
        return pd.concat([frame, frame.iloc[:1]], ignore_index=True)  # a duplicate year

    monkeypatch.setattr(selectors, "observations_frame", broken)
    run = run_inline()
    assert run.status == "failed"
    assert run.problems and "duplicate row" in run.problems[0]["text"]
    assert run.problems[0]["country"] in ("KAZ", "KGZ") and run.problems[0]["sheet"]
    assert stored() == before
    assert not SeriesResult.objects.filter(run=run).exists()


def test_run_that_crashes_is_failed_and_leaves_nothing_staged(computed, monkeypatch):
    before = stored()
    calls = {"n": 0}
    real = services.engine_run_indicators

    def crash(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker died")
        return real(**kwargs)

    monkeypatch.setattr(services, "CHUNK", 1)  # two chunks: the second one crashes
    monkeypatch.setattr(services, "engine_run_indicators", crash)
    with pytest.raises(RuntimeError):
        run_inline()
    run = EngineRun.objects.order_by("-pk").first()
    assert run.status == "failed" and "worker died" in run.error
    assert stored() == before and not SeriesResult.objects.filter(run=run).exists()


def test_staging_an_indicator_twice_replaces_its_rows(world):
    run = services.engine_run_create(trigger="command")
    services.engine_run_dispatch(run_id=run.pk)
    services.engine_run_indicator(run_id=run.pk, indicator_code="3.2.1")
    first = SeriesResult.objects.filter(run=run).count()
    services.engine_run_indicator(run_id=run.pk, indicator_code="3.2.1")  # a redelivered task
    assert SeriesResult.objects.filter(run=run).count() == first
    assert not SeriesResult.objects.filter(is_current=True).exists()


def test_cases_open_close_and_reopen_when_figures_change(computed):
    case = DiscrepancyCase.objects.get(country__iso3="KAZ", indicator__code="3.2.2", series="")
    assert case.status == "open" and case.kind.startswith("discrepant")
    kgz = DiscrepancyCase.objects.get(country__iso3="KGZ", indicator__code="3.2.1", series="")
    assert "classification_differs" in kgz.kind
    services.case_answer(
        case=case,
        user=computed.users["focal_point"],
        text="Different source",
        status="explained",
        reason="source",
    )
    case.refresh_from_db()
    assert case.status == "explained" and case.closed_at and case.comments.get().side == "country"
    run_inline()  # same figures: stays closed
    case.refresh_from_db()
    assert case.status == "explained"
    make_release(
        computed.agency,
        {**INTERNATIONAL, ("KAZ", "3.2.2", ""): {2015: 7.5, 2016: 6.0, 2017: 5.5, 2020: 5.1}},
        version=2,
    )
    run_inline()
    case.refresh_from_db()
    assert case.status == "open" and case.times_reopened == 1 and case.closed_at is None
    assert case.comments.filter(side="engine").exists()


def test_case_permissions(computed):
    case = DiscrepancyCase.objects.get(country__iso3="KAZ", indicator__code="3.2.2")
    for role in ("member", "focal_point_b", "observer"):
        with pytest.raises(PermissionDenied):
            services.case_answer(case=case, user=computed.users[role], text="x")
    services.case_answer(case=case, user=computed.users["agency_focal_point"], text="Modelled")
    assert case.comments.get().side == "agency"


def test_only_the_coordinator_requests_a_run(world, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        services.engine_run_request(user=world.users["focal_point"])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.engine_run_request(user=world.users["coordinator"])
    run.refresh_from_db()
    assert run.status == "succeeded" and run.trigger == "manual"


def test_population_load(world):
    from django.core.exceptions import ValidationError

    from indicators.models import Population

    count = services.population_load(
        text="# demo\ncountry,year,population\nKAZ,2030,1\n", is_demo=True
    )
    assert count == 1 and Population.objects.get(year=2030).is_demo
    with pytest.raises(ValidationError):
        services.population_load(text="country,year,population\nXXX,2030,1\nKAZ,x,1\n")


def test_run_engine_command(world):
    from django.core.management import call_command

    call_command("run_engine")
    assert EngineRun.objects.get().status == "succeeded"
