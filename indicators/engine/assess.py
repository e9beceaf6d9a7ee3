"""Progress classification of each series (technical note, MDG progress classification).

The rules and decisions are those of docs/engine.md, section *assess* (the engine's
contract; docs/methodology.md explains them). Everything is vectorised: the
observations are sorted once by (series, year) and the first, second and latest
kept rows of every series are read off the sorted arrays by position.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.engine.schema import OBSERVATION_KEYS, Inputs, prepare_inputs

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The series result columns, in order: the one definition used by the CLI, the stored
# results, the API and every export (docs/engine.md, *assess*, output).
ASSESS_COLUMNS = [
    "country",
    "indicator",
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
    "category",
    "cis_rule_applied",
]
# How a t* that the trend never reaches (D5) is written in every CSV file and workbook.
NEVER_REACHED = "inf"
CATEGORIES = (
    "early_achiever",
    "on_track",
    "off_track_slow",
    "off_track_regressing",
    "insufficient_data",
)


@dataclasses.dataclass
class Rules:
    """Indicator parameters aligned with a set of series (one entry per series)."""

    kind: npt.NDArray[np.object_]
    target_value: FloatArray
    decrease: BoolArray
    cutoff: FloatArray
    target_year: FloatArray
    min_span: FloatArray

    @classmethod
    def for_indicators(cls, indicators: pd.DataFrame, codes: pd.Series | pd.Index) -> Rules:
        """Looks up the parameters of ``codes`` in the validated indicator table."""
        rows = indicators.reindex(pd.Index(np.asarray(codes, dtype=object)))
        return cls(
            kind=rows["target_kind"].to_numpy(dtype=object),
            target_value=rows["target_value"].to_numpy(dtype=np.float64),
            decrease=(rows["desired_direction"] == "decrease").to_numpy(dtype=bool),
            cutoff=rows["cutoff"].to_numpy(dtype=np.float64),
            target_year=rows["target_year"].to_numpy(dtype=np.float64),
            min_span=rows["min_span_years"].to_numpy(dtype=np.float64),
        )


@dataclasses.dataclass
class Points:
    """Trend start (tF, YF), latest point (tL, YL), baseline value and row count per series."""

    n: IntArray
    t_first: FloatArray
    y_first: FloatArray
    t_latest: FloatArray
    y_latest: FloatArray
    baseline: FloatArray


@dataclasses.dataclass
class Verdict:
    """What ``classify`` returns, one entry per series."""

    target: FloatArray
    model: npt.NDArray[np.object_]
    rate: FloatArray
    t_star: FloatArray
    category: npt.NDArray[np.object_]


def effective_target(points: Points, rules: Rules) -> FloatArray:
    """Rule 5: the target (relative x baseline, or absolute), made easier by the cut-off."""
    target = np.where(
        rules.kind == "relative",
        points.baseline * rules.target_value,
        np.where(rules.kind == "absolute", rules.target_value, np.nan),
    )
    easier = np.where(
        rules.decrease, np.maximum(target, rules.cutoff), np.minimum(target, rules.cutoff)
    )
    return np.asarray(np.where(np.isnan(rules.cutoff), target, easier), dtype=np.float64)


def _trend(points: Points, enough: BoolArray) -> tuple[npt.NDArray[np.object_], FloatArray]:
    """Rule 6: geometric when falling between positive values, linear otherwise, zero."""
    span = points.t_latest - points.t_first
    change = points.y_latest - points.y_first
    geometric = enough & (change < 0) & (points.y_first > 0) & (points.y_latest > 0)
    linear = enough & (change != 0) & ~geometric
    with np.errstate(all="ignore"):
        r = np.power(points.y_latest / points.y_first, 1.0 / span) - 1.0
        q = change / span
    rate = np.where(geometric, r, np.where(linear, q, 0.0))
    rate = np.where(enough, rate, np.nan)
    model = np.where(geometric, "geometric", np.where(linear, "linear", "")).astype(object)
    return model, rate


def _t_star(
    points: Points, target: FloatArray, model: npt.NDArray[np.object_], rate: FloatArray
) -> FloatArray:
    """Rule 8c: the year the trend reaches the target (+inf if a geometric trend never does)."""
    with np.errstate(all="ignore"):
        geometric = points.t_latest + np.log(target / points.y_latest) / np.log(1.0 + rate)
        linear = points.t_latest + (target - points.y_latest) / rate
    geometric = np.where(target <= 0, np.inf, geometric)
    return np.asarray(np.where(model == "geometric", geometric, linear), dtype=np.float64)


def classify(points: Points, rules: Rules) -> Verdict:
    """Rules 2 and 5 to 8 on the trend points of each series (CIS rule already applied).

    In: the points of each series and the aligned indicator rules. Out: the effective
    target, model, rate, t* and category of each series. Raises nothing.
    """
    enough = (points.n >= 2) & (points.t_latest - points.t_first >= rules.min_span)
    target = effective_target(points, rules)
    model, rate = _trend(points, enough)
    change = points.y_latest - points.y_first
    right_way = np.where(rules.decrease, change < 0, change > 0)
    wrong_way = np.where(rules.decrease, change > 0, change < 0)
    category = np.full(len(points.n), "insufficient_data", dtype=object)
    no_target = enough & (rules.kind == "none")
    category[no_target & right_way] = "early_achiever"
    category[no_target & (change == 0)] = "on_track"
    category[no_target & wrong_way] = "off_track_regressing"
    with_target = enough & (rules.kind != "none")
    met = np.where(rules.decrease, points.y_latest <= target, points.y_latest >= target)
    category[with_target & met] = "early_achiever"
    category[with_target & ~met & ~right_way] = "off_track_regressing"
    projected = with_target & ~met & right_way
    t_star = _t_star(points, target, model, rate)
    category[projected & (t_star <= rules.target_year)] = "on_track"
    category[projected & ~(t_star <= rules.target_year)] = "off_track_slow"
    return Verdict(
        target=np.where(rules.kind == "none", np.nan, target),
        model=model,
        rate=rate,
        t_star=np.where(projected, t_star, np.nan),
        category=category,
    )


def series_ids(observations: pd.DataFrame, keys: tuple[str, ...]) -> tuple[IntArray, pd.DataFrame]:
    """Numbers the distinct ``keys`` groups of the observations.

    Returns the group number of every row and a frame of the distinct keys (as str)
    whose position is the group number.
    """
    combined = np.zeros(len(observations), dtype=np.int64)
    for key in keys:
        column = observations[key]
        combined = combined * len(column.cat.categories) + column.cat.codes.to_numpy(np.int64)
    ids, uniques = pd.factorize(combined)
    table = pd.DataFrame(index=pd.RangeIndex(len(uniques)))
    for key in reversed(keys):
        categories = observations[key].cat.categories
        size = len(categories)
        table[key] = np.asarray(categories, dtype=object)[np.asarray(uniques) % size]
        uniques = np.asarray(uniques) // size
    return np.asarray(ids, dtype=np.int64), table[list(keys)]


@dataclasses.dataclass
class SortedSeries:
    """Kept rows sorted by (series, year) with where each series starts and how long it is."""

    year: FloatArray
    value: FloatArray
    start: IntArray
    count: IntArray

    def at(self, offset: IntArray, array: FloatArray) -> FloatArray:
        """``array`` at position ``offset`` inside each series (NaN where the series is shorter)."""
        valid = (offset >= 0) & (offset < self.count)
        index = np.where(valid, self.start + offset, 0)
        if len(array) == 0:
            return np.full(len(self.count), np.nan)
        return np.where(valid, array[index], np.nan)


def order_by(ids: IntArray, year: IntArray) -> IntArray:
    """The order of rows by (id, year), ties kept in row order: ``np.lexsort((year, ids))``.

    One stable argsort of the single key id x (year range) + year is the same order and
    several times faster than sorting on two keys; keys too large for int64 use lexsort.
    """
    if len(year) == 0:
        return np.zeros(0, dtype=np.int64)
    low, high = int(year.min()), int(year.max())
    span = high - low + 1
    if int(ids.max()) + 1 > (2**62) // span:
        return np.asarray(np.lexsort((year, ids)), dtype=np.int64)
    key = ids.astype(np.int64) * span + (year.astype(np.int64) - low)
    return np.asarray(np.argsort(key, kind="stable"), dtype=np.int64)


def sort_series(ids: IntArray, year: IntArray, value: FloatArray, n_series: int) -> SortedSeries:
    """Sorts kept rows once by (series id, year) and records each series' slice."""
    order = order_by(ids, year)
    count = np.bincount(ids, minlength=n_series).astype(np.int64)
    start = np.cumsum(count) - count
    return SortedSeries(
        year=year[order].astype(np.float64), value=value[order], start=start, count=count
    )


def _cis_switch(rows: SortedSeries, cis: BoolArray, min_span: FloatArray) -> BoolArray:
    """Rule 3: start the trend at the second row when the directions from rows 1 and 2 differ."""
    zero = np.zeros(len(rows.count), dtype=np.int64)
    last = rows.count - 1
    t1, y1 = rows.at(zero, rows.year), rows.at(zero, rows.value)
    t2, y2 = rows.at(zero + 1, rows.year), rows.at(zero + 1, rows.value)
    t_latest, y_latest = rows.at(last, rows.year), rows.at(last, rows.value)
    enough = (rows.count >= 3) & (t_latest - t1 >= min_span)
    signs_differ = np.sign(y_latest - y1) != np.sign(y_latest - y2)
    return np.asarray(cis & enough & signs_differ & (t_latest - t2 >= min_span), dtype=bool)


def series_points(
    rows: SortedSeries, cis: BoolArray, min_span: FloatArray
) -> tuple[Points, BoolArray]:
    """First (or, under the CIS rule, second), latest and baseline values of every series."""
    switched = _cis_switch(rows, cis, min_span)
    start = switched.astype(np.int64)
    last = rows.count - 1
    first_offset = np.zeros(len(rows.count), dtype=np.int64)
    points = Points(
        n=rows.count,
        t_first=rows.at(start, rows.year),
        y_first=rows.at(start, rows.value),
        t_latest=rows.at(last, rows.year),
        y_latest=rows.at(last, rows.value),
        baseline=rows.at(first_offset, rows.value),
    )
    return points, switched


def assess_inputs(inputs: Inputs) -> pd.DataFrame:
    """``assess`` on inputs already validated by ``schema.prepare_inputs``."""
    obs = inputs.observations
    ids, table = series_ids(obs, OBSERVATION_KEYS)
    rules = Rules.for_indicators(inputs.indicators, table["indicator"])
    baseline_year = inputs.indicators["baseline_year"].reindex(obs["indicator"].cat.categories)
    row_baseline = baseline_year.to_numpy(np.float64)[obs["indicator"].cat.codes.to_numpy()]
    year = obs["year"].to_numpy(np.int64)
    value = obs["value"].to_numpy(np.float64)
    kept = (year >= row_baseline) & ~np.isnan(value)
    rows = sort_series(ids[kept], year[kept], value[kept], len(table))
    cis = inputs.cis.reindex(pd.Index(table["country"]), fill_value=False).to_numpy(dtype=bool)
    points, switched = series_points(rows, cis, rules.min_span)
    verdict = classify(points, rules)
    return _assess_frame(table, points, verdict, switched)


def _years(values: FloatArray) -> pd.Series:
    return pd.Series(values).astype("Int64")


def _assess_frame(
    table: pd.DataFrame, points: Points, verdict: Verdict, switched: BoolArray
) -> pd.DataFrame:
    result = table.copy()
    result["n_obs"] = points.n
    result["first_year"] = _years(points.t_first)
    result["first_value"] = points.y_first
    result["latest_year"] = _years(points.t_latest)
    result["latest_value"] = points.y_latest
    result["baseline_value"] = points.baseline
    result["target"] = verdict.target
    result["model"] = verdict.model
    result["rate"] = verdict.rate
    result["t_star"] = verdict.t_star
    result["category"] = verdict.category
    result["cis_rule_applied"] = switched
    result = result.sort_values(list(OBSERVATION_KEYS), kind="stable")
    return result.reset_index(drop=True)[ASSESS_COLUMNS]


def assess(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    countries: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Classifies every series of ``observations`` (docs/engine.md, *assess*).

    In: observations (country, indicator, source, [series], year, value, [nature]),
    the indicator table and, optionally, the country table (``cis`` flags).
    Out: one row per (country, indicator, source, series), sorted by those keys, with
    the columns of ``ASSESS_COLUMNS``; blanks are NaN / <NA> / '' (model).
    Raises: ``EngineInputError`` listing every problem of the inputs.
    """
    inputs = prepare_inputs(observations=observations, indicators=indicators, countries=countries)
    return assess_inputs(inputs)
