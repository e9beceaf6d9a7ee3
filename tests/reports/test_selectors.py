import pandas as pd

from indicators.models import DataSheet
from indicators.reports import selectors
from tests.reports.conftest import make_sheet


def test_national_frame_reads_only_current_accepted_national_totals(world):
    from portal.models import SubnationalArea

    area = SubnationalArea.objects.create(country=world.country_a, code="KZAKM", name_en="Akmola")
    draft = DataSheet.objects.create(country=world.country_a, round=world.round, version=2)
    draft.observations.create(
        indicator=world.kaz.observations.first().indicator,
        year=2030,
        value=1,
        unit="X",
        entered_at=world.kaz.created_at,
    )
    world.kaz.observations.create(
        indicator=world.kaz.observations.first().indicator,
        area=area,
        year=2016,
        value=99,
        unit="X",
        entered_at=world.kaz.created_at,
    )
    snapshot = selectors.inputs_snapshot()
    assert {s["id"] for s in snapshot["sheets"]} == {world.kaz.pk, world.kgz.pk}
    frame = selectors.national_frame(snapshot=snapshot, indicator_codes=["3.2.1", "3.2.2"])
    assert list(frame.columns[:7]) == selectors.OBS_COLUMNS
    assert 2030 not in frame["year"].tolist() and 99.0 not in frame["value"].tolist()
    kaz = frame[(frame.country == "KAZ") & (frame.indicator == "3.2.1")].sort_values("year")
    assert kaz["value"].tolist() == [12.04, 10.79, 10.24, 10.11, 10.69]
    assert set(frame["sheet_id"]) == {world.kaz.pk, world.kgz.pk}
    assert (frame["source"] == "national").all()


def test_newest_round_wins_per_country_and_indicator(world):
    import datetime

    from indicators.models import ReportingRound

    later = ReportingRound.objects.create(
        code="2027",
        name_en="2027",
        name_es="2027",
        opens_on=datetime.date(2027, 3, 1),
        closes_on=datetime.date(2027, 12, 1),
    )
    newer = make_sheet(world.country_a, later, {("KAZ", "3.2.1", ""): {2020: 9.0, 2024: 8.0}})
    frame = selectors.national_frame(
        snapshot=selectors.inputs_snapshot(), indicator_codes=["3.2.1", "3.2.2"]
    )
    kaz321 = frame[(frame.country == "KAZ") & (frame.indicator == "3.2.1")]
    assert set(kaz321["sheet_id"]) == {newer.pk} and sorted(kaz321["year"]) == [2020, 2024]
    kaz322 = frame[(frame.country == "KAZ") & (frame.indicator == "3.2.2")]
    assert set(kaz322["sheet_id"]) == {world.kaz.pk}


def test_international_and_countries_frames(world):
    snapshot = selectors.inputs_snapshot()
    assert snapshot["releases"] == [{"id": world.release.pk, "agency": "UNICEF", "version": 1}]
    frame = selectors.international_frame(snapshot=snapshot, indicator_codes=["3.2.1"])
    assert set(frame["agency"]) == {"UNICEF"} and (frame["source"] == "international").all()
    assert len(frame) == 7
    countries = selectors.countries_frame(with_regions=True)
    cis = countries.drop_duplicates("country").set_index("country")["cis"]
    assert bool(cis["KAZ"]) and bool(cis["KGZ"])
    members = countries[countries.region == "CIS"]["country"].tolist()
    assert sorted(members) == ["KAZ", "KGZ"]
    assert sorted(countries[countries.region == selectors.GROUP_CODE]["country"]) == ["KAZ", "KGZ"]
    pop = selectors.population_frame()
    assert isinstance(pop, pd.DataFrame) and set(pop["indicator"]) == {""}
