"""Incremental runs store exactly what a full run stores, the regional aggregates included.

A sheet or a release recomputes one country's indicators and only the aggregates of the
regions holding that country; the test world has a region without it, so that the
aggregates left untouched are checked as well as the recomputed ones.
"""

from __future__ import annotations

import pytest

from indicators.models import (
    AggregateResult,
    DiscrepancyResult,
    EngineRun,
    Indicator,
    Population,
    SeriesResult,
)
from indicators.reports import selectors, services
from tests.reports.conftest import INTERNATIONAL, NATIONAL, make_release, make_sheet, run_inline

SERIES = [
    "country_id",
    "indicator_id",
    "source",
    "series",
    "is_headline",
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
    "sheet_id",
    "sheet_version",
    "release_id",
    "agency_id",
]
DISCREPANCIES = [
    "country_id",
    "indicator_id",
    "series",
    "status",
    "common_years",
    "discrepant_years",
    "max_abs_rel_diff",
    "national_latest_year",
    "international_latest_year",
    "latest_year_differs",
    "international_estimated",
    "national_category",
    "international_category",
    "classification_differs",
    "fingerprint",
]
AGGREGATES = [
    "region_id",
    "indicator_id",
    "source",
    "year0",
    "value0",
    "year1",
    "value1",
    "coverage",
    "n_members",
    "n_imputed",
    "category",
    "t_star",
    "t_star_never",
]


def current() -> dict[str, list[tuple[object, ...]]]:
    """Every current result, without the run that wrote it; floats compared exactly."""

    def rows(model, fields):
        return sorted(model.objects.filter(is_current=True).values_list(*fields), key=repr)

    return {
        "series": rows(SeriesResult, SERIES),
        "discrepancies": rows(DiscrepancyResult, DISCREPANCIES),
        "aggregates": rows(AggregateResult, AGGREGATES),
    }


def _values(start: float, rate: float, years: range, skip: int = 0) -> dict[int, float]:
    return {
        year: round(start * (1 + rate) ** (year - years.start), 2)
        for n, year in enumerate(years)
        if not skip or n % skip
    }


# Uzbekistan and Tajikistan join the two CIS countries of the report world; Kazakhstan is in
# CIS and Central Asia, not in SOUTH, so a Kazakh sheet leaves SOUTH's aggregates as they were.
MORE_NATIONAL = {
    ("UZB", "3.2.1", ""): _values(30.0, -0.04, range(2016, 2022)),
    ("UZB", "3.2.2", ""): _values(14.0, -0.02, range(2015, 2021), skip=3),
    ("TJK", "3.2.1", ""): _values(40.0, 0.01, range(2017, 2020)),
    ("TJK", "3.2.2", ""): _values(20.0, -0.05, range(2015, 2023)),
    ("TJK", "3.2.2", "SEX=M"): _values(22.0, -0.05, range(2015, 2020)),
}
MORE_INTERNATIONAL = {
    **INTERNATIONAL,
    ("UZB", "3.2.1", ""): _values(31.0, -0.03, range(2015, 2021)),
    ("TJK", "3.2.2", ""): _values(21.0, -0.04, range(2016, 2022)),
}


@pytest.fixture
def wide(computed):
    from portal.models import Region
    from tests.factories import CountryFactory

    world = computed
    uzb = CountryFactory(iso3="UZB", iso2="UZ", m49="860", name_en="Uzbekistan")
    tjk = CountryFactory(iso3="TJK", iso2="TJ", m49="762", name_en="Tajikistan", cis=True)
    central = Region.objects.create(code="CA", name_en="Central Asia", name_es="CA", kind="m49")
    central.members.add(world.country_a, uzb)
    south = Region.objects.create(code="SOUTH", name_en="South", name_es="Sur", kind="group")
    south.members.add(world.country_b, tjk)
    make_sheet(uzb, world.round, MORE_NATIONAL)
    make_sheet(tjk, world.round, MORE_NATIONAL)
    world.release = make_release(world.agency, MORE_INTERNATIONAL, version=2)
    births = Indicator.objects.get(code="3.2.1")
    for country, pop in ((uzb, 35e6), (tjk, 10e6)):
        for year in range(2015, 2024):
            Population.objects.create(country=country, year=year, value=pop * (1 + year % 3 / 50))
    for country, pop in ((world.country_a, 4e5), (uzb, 7e5)):
        for year in range(2015, 2024):
            Population.objects.create(country=country, indicator=births, year=year, value=pop)
    world.uzb, world.tjk, world.central, world.south = uzb, tjk, central, south
    world.run = run_inline()
    assert world.run.status == "succeeded", world.run.problems
    return world


def _full_run_agrees(state: dict[str, list[tuple[object, ...]]]) -> None:
    run = run_inline()
    assert run.status == "succeeded", run.problems
    assert current() == state


def test_world_has_real_aggregates(wide):
    rows = AggregateResult.objects.filter(is_current=True)
    regions = set(rows.values_list("region__code", flat=True))
    assert regions == {"CIS", "CA", "SOUTH", None}
    categories = set(rows.values_list("category", flat=True))
    assert categories - {"insufficient_coverage", "insufficient_data"}, categories
    assert rows.filter(n_imputed__gt=0).exists()


def test_accepted_sheet_stores_what_a_full_run_stores(wide, django_capture_on_commit_callbacks):
    from indicators.services.sheets import datasheet_accept

    # A later year too: t1 moves for every region holding Kazakhstan.
    changed = {
        **NATIONAL,
        ("KAZ", "3.2.1", ""): {2015: 12.5, 2017: 11.0, 2019: 10.4, 2022: 9.8},
    }
    correction = make_sheet(
        wide.country_a, wide.round, changed, version=2, supersedes=wide.kaz, status="submitted"
    )
    untouched = dict(
        AggregateResult.objects.filter(is_current=True, region=wide.south).values_list(
            "pk", "run_id"
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        datasheet_accept(sheet=correction, user=wide.users["coordinator"])
    run = EngineRun.objects.order_by("-pk").first()
    assert run.status == "succeeded" and run.country_codes == ["KAZ"]
    assert run.region_codes == sorted(["CA", "CIS", selectors.GROUP_CODE])
    recomputed = AggregateResult.objects.filter(is_current=True, run=run)
    assert set(recomputed.values_list("region__code", flat=True)) == {"CA", "CIS", None}
    assert recomputed.filter(year1=2022).exists()
    assert (
        dict(
            AggregateResult.objects.filter(is_current=True, region=wide.south).values_list(
                "pk", "run_id"
            )
        )
        == untouched
    )
    _full_run_agrees(current())


def test_release_stores_what_a_full_run_stores(wide, django_capture_on_commit_callbacks):
    from indicators.international.services import international_import

    csv = (
        b"SeriesCode,GeoAreaCode,TimePeriod,Value,Sex,Location,Age,Nature,Units\n"
        b"SH_DYN_MORT,TJK,2016,39.5,BOTHSEX,ALLAREA,ALLAGE,E,X\n"
        b"SH_DYN_MORT,TJK,2019,36.0,BOTHSEX,ALLAREA,ALLAGE,E,X\n"
        b"SH_DYN_MORT,TJK,2021,33.1,BOTHSEX,ALLAREA,ALLAGE,E,X\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        international_import(
            agency=wide.other_agency,
            user=wide.users["coordinator"],
            files=[("who.csv", csv)],
            fmt="sdg-csv",
        )
    run = EngineRun.objects.order_by("-pk").first()
    assert run.trigger == "international_loaded" and run.status == "succeeded"
    assert run.country_codes == ["TJK"] and run.region_codes == ["SOUTH", selectors.GROUP_CODE]
    _full_run_agrees(current())


def test_incremental_run_reads_only_its_regions_members(wide, monkeypatch):
    from portal.models import Country

    Country.objects.filter(iso3__in=["KGZ", "TJK"]).update(is_member=False)  # out of the group
    assert run_inline().status == "succeeded"  # memberships changed: a full run
    make_sheet(
        wide.uzb,
        wide.round,
        {("UZB", "3.2.1", ""): {2015: 29.0, 2018: 27.5, 2021: 24.0}},
        version=2,
        supersedes=wide.uzb.sheets.get(is_current=True),
    )
    seen: list[set[str] | None] = []
    real = selectors.observations_frame

    def spy(**kwargs):
        codes = kwargs.get("country_codes")
        seen.append(None if codes is None else set(codes))
        return real(**kwargs)

    monkeypatch.setattr(selectors, "observations_frame", spy)
    run = run_inline(country_codes=["UZB"])
    assert run.status == "succeeded" and run.region_codes == ["CA", selectors.GROUP_CODE]
    assert seen == [{"UZB", "KAZ"}]
    state = current()
    monkeypatch.undo()
    _full_run_agrees(state)


def _staged(run: EngineRun) -> tuple[EngineRun, list[object]]:
    """``run`` dispatched and computed, not finished: its chord body still to come."""
    codes = services.engine_run_dispatch(run_id=run.pk)
    outcomes: list[object] = [
        services.engine_run_indicators(run_id=run.pk, indicator_codes=chunk)
        for chunk in services.chunks(codes)
    ]
    return run, outcomes


def _accept(world, country, values, capture, *, execute):
    """A corrected sheet of ``country`` accepted; its run executed or only queued."""
    from indicators.models import DataSheet
    from indicators.services.sheets import datasheet_accept

    previous = DataSheet.objects.get(country=country, is_current=True)
    sheet = make_sheet(
        country,
        world.round,
        values,
        version=previous.version + 1,
        supersedes=previous,
        status="submitted",
    )
    with capture(execute=execute):
        datasheet_accept(sheet=sheet, user=world.users["coordinator"])
    return sheet, EngineRun.objects.order_by("-pk").first()


def test_older_run_finishing_last_keeps_the_newer_aggregates(
    wide, django_capture_on_commit_callbacks
):
    kaz = {**NATIONAL, ("KAZ", "3.2.1", ""): {2015: 13.0, 2018: 11.0, 2020: 9.0}}
    kaz_sheet, older = _accept(
        wide, wide.country_a, kaz, django_capture_on_commit_callbacks, execute=False
    )
    assert older.status == "queued" and older.indicator_codes == ["3.2.1"]
    older, outcomes = _staged(older)
    kgz = {**NATIONAL, ("KGZ", "3.2.1", ""): {2015: 22.0, 2018: 19.0, 2021: 16.5}}
    _, newer = _accept(wide, wide.country_b, kgz, django_capture_on_commit_callbacks, execute=True)
    assert newer.status == "succeeded" and newer.pk > older.pk
    older = services.engine_run_finish(run_id=older.pk, outcomes=outcomes)
    assert older.status == "succeeded"
    # Both hold Kazakhstan and Kyrgyzstan: the newer run, which read both sheets, wrote them.
    for region in ("CIS", None):
        row = AggregateResult.objects.get(
            is_current=True, region__code=region, indicator__code="3.2.1", source="national"
        )
        assert row.run_id == newer.pk
    central = AggregateResult.objects.get(
        is_current=True, region__code="CA", indicator__code="3.2.1", source="national"
    )
    assert central.run_id == older.pk
    kaz_result = SeriesResult.objects.get(
        is_current=True, country__iso3="KAZ", indicator__code="3.2.1", source="national"
    )
    assert kaz_result.run_id == older.pk and kaz_result.sheet_id == kaz_sheet.pk
    _full_run_agrees(current())


def test_full_run_finishing_after_an_incremental_one_keeps_its_rows(
    wide, django_capture_on_commit_callbacks
):
    full, outcomes = _staged(services.engine_run_create(trigger="command"))
    kaz = {**NATIONAL, ("KAZ", "3.2.2", ""): {2015: 5.0, 2017: 4.1, 2019: 3.0}}
    kaz_sheet, incremental = _accept(
        wide, wide.country_a, kaz, django_capture_on_commit_callbacks, execute=True
    )
    assert incremental.status == "succeeded" and incremental.indicator_codes == ["3.2.2"]
    full = services.engine_run_finish(run_id=full.pk, outcomes=outcomes)
    assert full.status == "succeeded"
    kaz_rows = SeriesResult.objects.filter(is_current=True, country__iso3="KAZ", source="national")
    assert kaz_rows.get(indicator__code="3.2.2").run_id == incremental.pk
    # Computed by the full run from the replaced sheet, whose 3.2.1 figures are the same.
    assert kaz_rows.get(indicator__code="3.2.1").run_id == full.pk
    assert set(kaz_rows.values_list("sheet_id", flat=True)) == {kaz_sheet.pk}
    assert not SeriesResult.objects.filter(is_current=False).exists()
    _full_run_agrees(current())


def test_run_covered_by_a_newer_run_is_superseded(wide, django_capture_on_commit_callbacks):
    kaz = {**NATIONAL, ("KAZ", "3.2.1", ""): {2015: 13.0, 2018: 11.0, 2020: 9.0}}
    _, incremental = _accept(
        wide, wide.country_a, kaz, django_capture_on_commit_callbacks, execute=False
    )
    incremental, outcomes = _staged(incremental)
    assert run_inline().status == "succeeded"
    state = current()
    incremental = services.engine_run_finish(run_id=incremental.pk, outcomes=outcomes)
    assert incremental.status == "superseded"
    assert not SeriesResult.objects.filter(run=incremental).exists()
    assert current() == state


@pytest.fixture
def chunk_calls(monkeypatch) -> list[list[str]]:
    """The indicator codes of each `engine_run_indicators` call, in order."""
    calls: list[list[str]] = []
    real = services.engine_run_indicators

    def spy(**kwargs):
        calls.append(list(kwargs["indicator_codes"]))
        return real(**kwargs)

    monkeypatch.setattr(services, "engine_run_indicators", spy)
    return calls


def test_inline_run_computes_in_the_chunks_of_the_chord(world, monkeypatch, chunk_calls):
    calls = chunk_calls
    run = run_inline()
    assert run.status == "succeeded" and calls == [["3.2.1", "3.2.2"]]
    monkeypatch.setattr(services, "CHUNK", 1)
    calls.clear()
    assert run_inline().status == "succeeded" and calls == [["3.2.1"], ["3.2.2"]]


def test_chord_chunks_are_larger_only_for_a_scoped_run(world, monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 1)
    monkeypatch.setattr(services, "SCOPED_CHUNK", 2)
    codes = ["3.2.1", "3.2.2", "3.3.1"]
    scoped = services.engine_run_create(trigger="command", country_codes=["KAZ"])
    full = services.engine_run_create(trigger="command")
    assert services.chord_chunks(run_id=scoped.pk, codes=codes) == [
        ["3.2.1", "3.2.2"],
        ["3.3.1"],
    ]
    assert services.chord_chunks(run_id=full.pk, codes=codes) == [[code] for code in codes]
    assert services.chord_chunks(run_id=scoped.pk, codes=codes[:1]) == [["3.2.1"]]


def test_scoped_run_in_larger_chunks_stores_what_a_full_run_in_chunks_stores(
    wide, monkeypatch, chunk_calls
):
    """Eager tasks: the run of one country computes its indicators in one engine call; a
    full run in chunks of one indicator then stores the very same rows."""
    from indicators.reports import tasks

    monkeypatch.setattr(services, "CHUNK", 1)
    calls = chunk_calls
    run = services.engine_run_create(trigger="command", country_codes=["KAZ"])
    tasks.engine_run_start.delay(run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded", run.problems
    assert calls == [["3.2.1", "3.2.2"]]
    assert SeriesResult.objects.filter(run=run, is_current=True).exists()
    assert AggregateResult.objects.filter(run=run, is_current=True).exists()
    state = current()
    calls.clear()
    assert run_inline().status == "succeeded" and calls == [["3.2.1"], ["3.2.2"]]
    assert current() == state


def test_dispatch_lists_the_indicators_with_data_in_the_run_scope(world):
    from indicators.models import InternationalObservation

    other = Indicator.objects.exclude(code__in=["3.2.1", "3.2.2"]).order_by("code").first()
    assert other is not None
    full = services.engine_run_create(trigger="command")
    assert services.engine_run_dispatch(run_id=full.pk) == ["3.2.1", "3.2.2"]
    InternationalObservation.objects.create(
        release=world.release,
        country=world.country_b,
        indicator=other,
        year=2016,
        value=3,
        unit="PT",
    )
    codes = ["3.2.2", other.code, "9.9.9"]
    scoped = services.engine_run_create(trigger="command", indicator_codes=codes)
    assert services.engine_run_dispatch(run_id=scoped.pk) == sorted(["3.2.2", other.code])
    none = services.engine_run_create(trigger="command", indicator_codes=[])
    assert services.engine_run_dispatch(run_id=none.pk) == []
