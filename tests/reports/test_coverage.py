"""Aggregates never overstate coverage: a member without a population figure makes it unknown."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from django.urls import reverse

from indicators import engine
from indicators.models import AggregateResult, Population
from indicators.reports import services
from tests.engine.builders import indicator, indicators, observations
from tests.reports.conftest import run_inline

COUNTRIES = pd.DataFrame({"country": ["A", "B"], "region": ["R", "R"], "cis": [False, False]})
POINTS = [(2015, 10.0), (2018, 8.0), (2020, 6.0)]
B_POINTS = [(2015, 20.0), (2018, 18.0), (2020, 16.0)]


def _aggregate(population: list[tuple[str, int, float]], b_points=B_POINTS):
    obs = pd.concat(
        [observations(POINTS, country="A"), observations(b_points, country="B")],
        ignore_index=True,
    )
    pop = pd.DataFrame(population, columns=["country", "year", "population"])
    pop["indicator"] = ""
    table = indicators(indicator(baseline_year=2015, target_year=2030))
    raw = engine.aggregate(obs, table, COUNTRIES, pop)
    return raw, services.unknown_coverage(raw, COUNTRIES, pop)


def test_member_without_population_makes_coverage_unknown() -> None:
    # B has no figure for 2020: the engine counts it 0 and reports A's 100 / 100 = 100 %.
    raw, out = _aggregate([("A", 2015, 100.0), ("A", 2020, 100.0), ("B", 2015, 300.0)])
    assert raw.loc[0, "coverage"] == 1.0
    row = out.iloc[0]
    assert row["without_population"] == ["B"]
    assert math.isnan(row["coverage"])
    assert math.isnan(row["value0"]) and math.isnan(row["value1"]) and math.isnan(row["t_star"])
    assert row["category"] == "insufficient_coverage"


def test_missing_baseline_population_is_also_unknown() -> None:
    _, out = _aggregate([("A", 2015, 100.0), ("A", 2020, 100.0), ("B", 2020, 300.0)])
    assert out.loc[0, "without_population"] == ["B"]
    assert math.isnan(out.loc[0, "coverage"])


def test_every_population_known_keeps_the_engine_result() -> None:
    full = [("A", 2015, 100.0), ("A", 2020, 100.0), ("B", 2015, 300.0), ("B", 2020, 300.0)]
    raw, out = _aggregate(full)
    row = out.iloc[0]
    assert row["without_population"] == []
    assert row["coverage"] == 1.0
    # by hand: (100 × 6 + 300 × 16) / 400 = 13.5 and (100 × 10 + 300 × 20) / 400 = 17.5
    assert row["value1"] == pytest.approx(13.5) and row["value0"] == pytest.approx(17.5)
    assert row["category"] == raw.loc[0, "category"]
    # B with two rows only: covered 100 of 400 = 25 %, known and insufficient.
    _, short = _aggregate(full, b_points=[(2015, 20.0), (2020, 16.0)])
    assert short.loc[0, "coverage"] == pytest.approx(0.25)
    assert short.loc[0, "without_population"] == []
    assert short.loc[0, "category"] == "insufficient_coverage"


def test_run_stores_and_shows_unknown_coverage(world, client):
    Population.objects.filter(country__iso3="KGZ", year=2021).delete()
    run = run_inline()
    assert run.status == "succeeded", run.problems
    region = AggregateResult.objects.get(
        is_current=True, region__code="CIS", indicator__code="3.2.1", source="national"
    )
    assert region.year1 == 2021
    assert region.coverage is None and region.value1 is None
    assert region.without_population == ["KGZ"]
    assert region.category == "insufficient_coverage"
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("indicators:reports:progress"), {"region": "CIS"})
    assert page.status_code == 200
    assert "coverage unknown: no population for KGZ" in page.content.decode()
