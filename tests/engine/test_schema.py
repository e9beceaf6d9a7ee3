"""schema: every input problem is named with its file, line, column and what is wrong."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from indicators.engine import EngineInputError, assess
from indicators.engine.schema import Problem, prepare_inputs

from .builders import indicator, indicators, observations


def _problems(obs: pd.DataFrame, ind: pd.DataFrame, **more: Any) -> list[Problem]:
    with pytest.raises(EngineInputError) as caught:
        prepare_inputs(observations=obs, indicators=ind, **more)
    return caught.value.problems


GOOD = observations([(1990, 1.0), (2000, 2.0)])


@pytest.mark.parametrize(
    ("change", "line", "column", "words"),
    [
        ({"indicator": "NOPE"}, 3, "indicator", "unknown indicator 'NOPE'"),
        ({"value": "abc"}, 3, "value", "'abc' is not a number"),
        ({"year": "2000.5"}, 3, "year", "not an integer"),
        ({"year": "twenty"}, 3, "year", "not an integer"),
        ({"year": ""}, 3, "year", "missing"),
        ({"source": "agency"}, 3, "source", "unknown source 'agency'"),
        ({"country": ""}, 3, "country", "blank"),
    ],
)
def test_observation_cell_problems(
    change: dict[str, Any], line: int, column: str, words: str
) -> None:
    obs = GOOD.astype(object)
    for key, value in change.items():
        obs.loc[1, key] = value
    [problem] = _problems(obs, indicators(indicator()))
    assert (problem.source, problem.line, problem.column) == ("observations", line, column)
    assert words in problem.message
    assert str(problem).startswith(f"observations:{line}: column '{column}': ")


def test_blank_value_is_not_a_problem() -> None:
    obs = GOOD.astype(object)
    obs.loc[1, "value"] = ""
    inputs = prepare_inputs(observations=obs, indicators=indicators(indicator()))
    assert inputs.observations["value"].isna().tolist() == [False, True]


def test_duplicate_series_year_names_series_and_year() -> None:
    obs = observations([(1990, 1.0), (2000, 2.0), (1990, 3.0)], series="SEX=F")
    [problem] = _problems(obs, indicators(indicator()))
    assert (problem.line, problem.column) == (4, "year")
    assert "series=SEX=F" in problem.message and "year 1990" in problem.message
    assert "line 2" in problem.message


def test_missing_required_columns_are_all_named() -> None:
    obs = GOOD.drop(columns=["value", "source"])
    problems = _problems(obs, indicators(indicator()))
    assert {(p.line, p.column) for p in problems} == {(1, "value"), (1, "source")}


@pytest.mark.parametrize(
    ("options", "column", "words"),
    [
        ({"kind": "halve"}, "target_kind", "unknown target_kind 'halve'"),
        ({"kind": "relative", "value": None}, "target_value", "required for a 'relative'"),
        ({"kind": "absolute", "value": None}, "target_value", "required for a 'absolute'"),
        ({"direction": "down"}, "desired_direction", "unknown desired_direction 'down'"),
        ({"min_span_years": 0}, "min_span_years", "below 1"),
        ({"cutoff": "five"}, "cutoff", "'five' is not a number"),
    ],
)
def test_indicator_problems(options: dict[str, Any], column: str, words: str) -> None:
    problems = _problems(GOOD, indicators(indicator(**options)))
    assert [(p.source, p.line, p.column) for p in problems] == [("indicators", 2, column)]
    assert words in problems[0].message


def test_every_problem_of_every_input_is_collected() -> None:
    obs = GOOD.astype(object)
    obs.loc[0, "source"] = "agency"
    obs.loc[1, "value"] = "n/a"
    countries = pd.DataFrame({"country": ["AAA"], "cis": ["maybe"]})
    problems = _problems(obs, indicators(indicator(direction="sideways")), countries=countries)
    assert {(p.source, p.line, p.column) for p in problems} == {
        ("observations", 2, "source"),
        ("observations", 3, "value"),
        ("indicators", 2, "desired_direction"),
        ("countries", 2, "cis"),
    }


def test_assess_raises_engine_input_error() -> None:
    with pytest.raises(EngineInputError, match="unknown indicator"):
        assess(observations([(1990, 1.0)], indicator="Q"), indicators(indicator()))


def test_population_problems() -> None:
    population = pd.DataFrame(
        {"country": ["A", "A"], "year": [1990, 1991], "population": ["-1", "x"]}
    )
    problems = _problems(GOOD, indicators(indicator()), population=population)
    assert [(p.line, p.column) for p in problems] == [(3, "population"), (2, "population")]
