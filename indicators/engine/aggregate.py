"""Regional and country-group aggregates (technical note; docs/engine.md, *aggregate*).

Only the total series (blank ``series``) of each member are aggregated. A member's
missing value at t0 or t1 is imputed from its rows in [baseline_year, t1]; the OLS
fits are closed-form from group-wise sums of t, y, t^2 and t*y, with t counted from
t0 so that the sums stay small and exact.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.engine.assess import Points, Rules, classify, order_by
from indicators.engine.schema import Inputs, prepare_inputs

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

GROUP = ["region", "indicator", "source"]
MEMBER = [*GROUP, "country"]
AGGREGATE_COLUMNS = [
    "region",
    "indicator",
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
]


def _text_codes(column: pd.Series) -> tuple[IntArray, npt.NDArray[np.object_]]:
    """Codes of a categorical numbered in text order (as sorting the text would), and the texts."""
    categories = np.asarray(column.cat.categories, dtype=object)
    codes = column.cat.codes.to_numpy(np.int64)
    order = np.argsort(categories, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], categories[order]


@dataclasses.dataclass
class SeriesRows:
    """Total-series rows with a value of region members, in [baseline_year, t1].

    Sorted by series (country, indicator, source) and year. Which rows count does not
    depend on the region: t1 is either ``--latest-year`` (later rows are dropped for
    every region) or the latest year of the region's members, which no member's row
    passes. So each series is summed once, over its rows in year order, and only t1
    and the value observed at t1 differ from one region to another.
    """

    series: IntArray  # per row: series number (country, indicator, source)
    year: IntArray
    value: FloatArray
    year0: IntArray
    sizes: tuple[int, int, int]  # number of countries, indicators, sources
    keys: list[npt.NDArray[np.object_]]  # texts of regions, indicators, sources, countries
    member_country: IntArray  # memberships, by country code
    member_region: IntArray


def _memberships(
    inputs: Inputs, countries: npt.NDArray[np.object_]
) -> tuple[IntArray, IntArray, npt.NDArray[np.object_]]:
    """Memberships sorted by country code: country code, region code, and the region texts."""
    regions = inputs.regions
    country = pd.Index(countries).get_indexer(pd.Index(regions["country"].astype(str)))
    names = np.asarray(sorted(set(regions["region"].astype(str))), dtype=object)
    region = pd.Index(names).get_indexer(pd.Index(regions["region"].astype(str)))
    known = country >= 0  # a member without observations has no rows
    order = np.argsort(country[known], kind="stable")
    return country[known][order], region[known][order], names


def _series_rows(inputs: Inputs, latest_year: int | None) -> SeriesRows:
    """The rows aggregated (docs/engine.md, aggregate, D13), sorted by series and year."""
    obs = inputs.observations
    value = obs["value"].to_numpy(np.float64)
    country, countries = _text_codes(obs["country"])
    indicator, indicators = _text_codes(obs["indicator"])
    source, sources = _text_codes(obs["source"])
    member_country, member_region, regions = _memberships(inputs, countries)
    is_member = np.bincount(member_country, minlength=len(countries)) > 0
    baseline = inputs.indicators["baseline_year"].reindex(indicators).to_numpy(np.int64)
    year = obs["year"].to_numpy(np.int64)
    keep = (obs["series"] == "").to_numpy() & ~np.isnan(value) & is_member[country]
    keep &= year >= baseline[indicator]
    if latest_year is not None:
        keep &= year <= latest_year
    rows = np.flatnonzero(keep)
    series = (country[rows] * len(indicators) + indicator[rows]) * len(sources) + source[rows]
    order = order_by(series, year[rows])
    rows = rows[order]
    return SeriesRows(
        series=series[order],
        year=year[rows],
        value=value[rows],
        year0=baseline[indicator[rows]],
        sizes=(len(countries), len(indicators), len(sources)),
        keys=[regions, indicators, sources, countries],
        member_country=member_country,
        member_region=member_region,
    )


def _member_keys(
    member: IntArray, keys: list[npt.NDArray[np.object_]]
) -> list[npt.NDArray[np.object_]]:
    """The texts of (region, indicator, source, country) of each member number."""
    columns = {}
    rest = member
    for name, texts in zip(reversed(MEMBER), reversed(keys), strict=True):
        columns[name] = texts[rest % len(texts)]
        rest = rest // len(texts)
    return [columns[name] for name in MEMBER]


def _ols_at(
    n: pd.Series, st: pd.Series, sy: pd.Series, stt: pd.Series, sty: pd.Series, t: pd.Series
) -> pd.Series:
    """Fitted value at ``t`` of the least-squares line through each member's points."""
    slope = (n * sty - st * sy) / (n * stt - st * st)
    intercept = (sy - slope * st) / n
    return intercept + slope * t


SUMS = ("st", "sy", "stt", "sty", "sly", "stly")


def _group_sums(rows: SeriesRows, starts: IntArray) -> FloatArray:
    """Sums of t, y, t^2, t*y, log y and t*log y over each series' rows (t = year - t0).

    pandas' group sum (compensated, NaN skipped) adds each series' rows in year order;
    the six columns are one float block so that no frame of separate columns is copied.
    """
    block = np.empty((len(rows.value), len(SUMS)), dtype=np.float64)
    t = (rows.year - rows.year0).astype(np.float64)
    y = rows.value
    with np.errstate(all="ignore"):
        log_y = np.log(np.where(y > 0, y, np.nan))
    block[:, 0] = t
    block[:, 1] = y
    np.multiply(t, t, out=block[:, 2])
    np.multiply(t, y, out=block[:, 3])
    block[:, 4] = log_y
    np.multiply(t, log_y, out=block[:, 5])
    labels = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(y))))
    frame = pd.DataFrame(block, columns=list(SUMS), copy=False)
    return np.asarray(frame.groupby(labels, sort=False).sum().to_numpy(), dtype=np.float64)


def _series_facts(rows: SeriesRows) -> tuple[IntArray, dict[str, npt.NDArray[np.generic]]]:
    """Per series: its number, and row count, sums, smallest, first and latest value and year."""
    starts = np.flatnonzero(np.diff(rows.series, prepend=-1) != 0)
    ends = np.append(starts[1:], len(rows.series)) - 1
    sums = _group_sums(rows, starts)
    facts: dict[str, npt.NDArray[np.generic]] = {"n": (ends - starts + 1).astype(np.int64)}
    facts.update({name: sums[:, i] for i, name in enumerate(SUMS)})
    facts["y_min"] = np.minimum.reduceat(rows.value, starts)
    facts["y_first"] = rows.value[starts]
    facts["y_latest"] = rows.value[ends]
    facts["first_year"] = rows.year[starts]
    facts["latest_year"] = rows.year[ends]
    facts["year0"] = rows.year0[starts]
    return rows.series[starts], facts


def _member_fits(rows: SeriesRows, latest_year: int | None) -> pd.DataFrame:
    """Each member's values at t0 and t1: observed, else imputed (rule 1).

    One row per (region, indicator, source, country) with rows, sorted by those texts.
    """
    series, facts = _series_facts(rows)
    n_countries, n_indicators, n_sources = rows.sizes
    country = series // (n_indicators * n_sources)
    # every series once per region of its country (series are sorted by country)
    per_country = np.bincount(country, minlength=n_countries)
    first = np.cumsum(per_country) - per_country
    times = per_country[rows.member_country]
    within = np.arange(int(times.sum())) - np.repeat(np.cumsum(times) - times, times)
    taken = np.repeat(first[rows.member_country], times) + within
    group = np.repeat(rows.member_region, times) * (n_indicators * n_sources) + series[taken] % (
        n_indicators * n_sources
    )
    member = group * n_countries + country[taken]
    order = np.argsort(member, kind="stable")
    taken, group, member = taken[order], group[order], member[order]
    members = pd.DataFrame({name: values[taken] for name, values in facts.items()})
    members.index = pd.MultiIndex.from_arrays(_member_keys(member, rows.keys), names=MEMBER)
    if latest_year is None:
        year1 = pd.Series(members["latest_year"].to_numpy()).groupby(group).transform("max")
        members["year1"] = year1.to_numpy(np.int64)
    else:
        members["year1"] = np.int64(latest_year)
    y_first, y_latest = members["y_first"], members["y_latest"]
    members["at0"] = y_first.where(members["first_year"] == members["year0"])
    members["at1"] = y_latest.where(members["latest_year"] == members["year1"])
    log_linear = (members["y_latest"] < members["y_first"]) & (members["y_min"] > 0)
    n = members["n"]
    for point, t_point in (("0", 0 * n), ("1", members["year1"] - members["year0"])):
        line = _ols_at(n, members["st"], members["sy"], members["stt"], members["sty"], t_point)
        curve = np.exp(
            _ols_at(n, members["st"], members["sly"], members["stt"], members["stly"], t_point)
        )
        fitted = curve.where(log_linear, line).where(n >= 2, members["y_first"])
        observed = members["at" + point]
        members["imputed" + point] = observed.isna()
        members["value" + point] = observed.fillna(fitted)
    return members.reset_index()


def _weights(frame: pd.DataFrame, year_column: str, population: pd.DataFrame) -> pd.Series:
    """Reference population at ``year_column``: indicator-specific row, else the default row."""
    keyed = population.set_index(["country", "indicator", "year"])["population"]
    specific = keyed.reindex(
        pd.MultiIndex.from_arrays([frame["country"], frame["indicator"], frame[year_column]])
    )
    default = keyed.reindex(
        pd.MultiIndex.from_arrays(
            [frame["country"], pd.Series([""] * len(frame)), frame[year_column]]
        )
    )
    values = np.where(np.isnan(specific.to_numpy()), default.to_numpy(), specific.to_numpy())
    return pd.Series(values, index=frame.index, dtype=np.float64)


def _weighted(members: pd.DataFrame, point: str) -> pd.Series:
    w = members["w" + point]
    y = members["value" + point]
    usable = w.notna() & y.notna()
    parts = pd.DataFrame(
        {
            "wy": (w * y).where(usable, 0.0),
            "w": w.where(usable, 0.0),
            **{k: members[k] for k in GROUP},
        }
    )
    sums = parts.groupby(GROUP).sum()
    return (sums["wy"] / sums["w"]).where(sums["w"] > 0)


def _coverage(
    groups: pd.DataFrame, members: pd.DataFrame, inputs: Inputs, population: pd.DataFrame
) -> pd.Series:
    """Share of the region's reference population at t1 held by members with > 2 rows."""
    everyone = groups.merge(inputs.regions, on="region", how="inner")
    everyone = everyone.merge(members[[*MEMBER, "n"]], on=MEMBER, how="left")
    everyone["w"] = _weights(everyone, "year1", population).fillna(0.0)
    everyone["covered"] = everyone["w"].where(everyone["n"].fillna(0) > 2, 0.0)
    sums = everyone.groupby(GROUP)[["w", "covered"]].sum()
    return (sums["covered"] / sums["w"]).where(sums["w"] > 0, 0.0)


def aggregate_inputs(inputs: Inputs, latest_year: int | None = None) -> pd.DataFrame:
    """``aggregate`` on inputs already validated by ``schema.prepare_inputs``."""
    population = (
        inputs.population
        if inputs.population is not None
        else pd.DataFrame({"country": [], "indicator": [], "year": [], "population": []})
    )
    rows = _series_rows(inputs, latest_year)
    if len(rows.series) == 0:
        return pd.DataFrame({c: [] for c in AGGREGATE_COLUMNS})
    members = _member_fits(rows, latest_year)
    members["w0"] = _weights(members, "year0", population)
    members["w1"] = _weights(members, "year1", population)
    members["any_imputed"] = members["imputed0"] | members["imputed1"]
    result = members.groupby(GROUP).agg(
        year0=("year0", "first"),
        year1=("year1", "first"),
        n_members=("country", "size"),
        n_imputed=("any_imputed", "sum"),
    )
    result["value0"] = _weighted(members, "0")
    result["value1"] = _weighted(members, "1")
    result["coverage"] = _coverage(
        result.reset_index()[[*GROUP, "year1"]], members, inputs, population
    )
    return _classified(result.reset_index(), inputs)


def _classified(result: pd.DataFrame, inputs: Inputs) -> pd.DataFrame:
    """Rule 4: the two aggregate points classified like a series (no CIS rule)."""
    v0 = result["value0"].to_numpy(np.float64)
    v1 = result["value1"].to_numpy(np.float64)
    points = Points(
        n=(~np.isnan(v0)).astype(np.int64) + (~np.isnan(v1)).astype(np.int64),
        t_first=result["year0"].to_numpy(np.float64),
        y_first=v0,
        t_latest=result["year1"].to_numpy(np.float64),
        y_latest=v1,
        baseline=v0,
    )
    verdict = classify(points, Rules.for_indicators(inputs.indicators, result["indicator"]))
    covered = (result["coverage"] > 0.5).to_numpy()
    result["category"] = np.where(covered, verdict.category, "insufficient_coverage")
    result["t_star"] = np.where(covered, verdict.t_star, np.nan)
    result["value0"] = result["value0"].where(covered)
    result["value1"] = result["value1"].where(covered)
    result = result.astype(
        {"year0": np.int64, "year1": np.int64, "n_members": np.int64, "n_imputed": np.int64}
    )
    return result.sort_values(GROUP, kind="stable").reset_index(drop=True)[AGGREGATE_COLUMNS]


def aggregate(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    countries: pd.DataFrame,
    population: pd.DataFrame,
    latest_year: int | None = None,
) -> pd.DataFrame:
    """Population-weighted aggregates of regions at t0 = baseline_year and t1, classified.

    In: observations, the indicator table, the country table (``country``, ``region``,
    one row per membership), the population table (``country``, ``year``,
    ``population``, optional ``indicator``) and optionally t1 (``latest_year``).
    Out: one row per (region, indicator, source) with member data, columns
    ``AGGREGATE_COLUMNS``; ``value0``/``value1``/``t_star`` are NaN when coverage is
    insufficient. Raises: ``EngineInputError`` listing every problem of the inputs.
    """
    inputs = prepare_inputs(
        observations=observations,
        indicators=indicators,
        countries=countries,
        population=population,
        need_region=True,
    )
    return aggregate_inputs(inputs, latest_year)
