"""Regional and country-group aggregates (technical note; docs/engine.md, *aggregate*).

Only the total series (blank ``series``) of each member are aggregated. A member's
missing value at t0 or t1 is imputed from its rows in [baseline_year, t1]; the OLS
fits are closed-form from group-wise sums of t, y, t^2 and t*y, with t counted from
t0 so that the sums stay small and exact.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.engine.assess import Points, Rules, classify
from indicators.engine.schema import Inputs, prepare_inputs

FloatArray = npt.NDArray[np.float64]

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


def _member_rows(inputs: Inputs, latest_year: int | None) -> pd.DataFrame:
    """Total-series rows with a value of region members, in [baseline_year, t1]."""
    obs = inputs.observations
    keep = (obs["series"] == "").to_numpy() & ~np.isnan(obs["value"].to_numpy(np.float64))
    rows = obs.loc[keep, ["country", "indicator", "source", "year", "value"]]
    rows = rows.astype({"country": str, "indicator": str, "source": str})
    rows = rows.merge(inputs.regions, on="country", how="inner")
    rows["year0"] = inputs.indicators["baseline_year"].reindex(rows["indicator"]).to_numpy()
    rows = rows[rows["year"] >= rows["year0"]]
    if latest_year is None:
        rows["year1"] = rows.groupby(GROUP)["year"].transform("max")
    else:
        rows["year1"] = latest_year
        rows = rows[rows["year"] <= latest_year]
    return rows.reset_index(drop=True)


def _ols_at(
    n: pd.Series, st: pd.Series, sy: pd.Series, stt: pd.Series, sty: pd.Series, t: pd.Series
) -> pd.Series:
    """Fitted value at ``t`` of the least-squares line through each member's points."""
    slope = (n * sty - st * sy) / (n * stt - st * st)
    intercept = (sy - slope * st) / n
    return intercept + slope * t


def _member_fits(rows: pd.DataFrame) -> pd.DataFrame:
    """Each member's values at t0 and t1: observed, else imputed (rule 1)."""
    rows = rows.sort_values([*MEMBER, "year"])
    t = (rows["year"] - rows["year0"]).astype(np.float64)
    y = rows["value"]
    log_y = np.log(y.where(y > 0))
    work = rows.assign(
        t=t,
        tt=t * t,
        ty=t * y,
        ly=log_y,
        tly=t * log_y,
        at0=y.where(rows["year"] == rows["year0"]),
        at1=y.where(rows["year"] == rows["year1"]),
    )
    members = work.groupby(MEMBER, sort=False).agg(
        n=("value", "size"),
        st=("t", "sum"),
        sy=("value", "sum"),
        stt=("tt", "sum"),
        sty=("ty", "sum"),
        sly=("ly", "sum"),
        stly=("tly", "sum"),
        y_min=("value", "min"),
        y_first=("value", "first"),
        y_latest=("value", "last"),
        at0=("at0", "max"),
        at1=("at1", "max"),
        year0=("year0", "first"),
        year1=("year1", "first"),
    )
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
    rows = _member_rows(inputs, latest_year)
    if rows.empty:
        return pd.DataFrame({c: [] for c in AGGREGATE_COLUMNS})
    members = _member_fits(rows)
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
