"""National against international values of the same series (docs/engine.md, *discrepancies*).

Rows with a value are sorted once by (country, indicator, series, year, source);
because a series has at most one row per year and source, a common year is a
pair of neighbouring rows with the same key and year (national first).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from indicators.engine.assess import assess_inputs, order_by, series_ids
from indicators.engine.schema import Inputs, prepare_inputs

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PAIR_KEYS = ("country", "indicator", "series")
ESTIMATED_NATURES = ("E", "M", "G")
STATUSES = ("national_only", "international_only", "no_common_year", "discrepant", "consistent")
DISCREPANCY_COLUMNS = [
    "country",
    "indicator",
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
]
SUMMARY_COLUMNS = ["country", "series", *STATUSES, "discrepant_share"]


def _per_pair_max(ids: IntArray, values: FloatArray, size: int) -> FloatArray:
    """Group-wise maximum of ``values`` (NaN ignored; NaN where a group has none)."""
    out = np.full(size, -np.inf)
    valid = ~np.isnan(values)
    np.maximum.at(out, ids[valid], values[valid])
    return np.where(np.isneginf(out), np.nan, out)


def _common_years(
    pair: IntArray,
    year: IntArray,
    international: BoolArray,
    value: FloatArray,
    inputs: Inputs,
    indicator_of_pair: pd.Series,
    size: int,
) -> pd.DataFrame:
    """Counts common and discrepant years and the largest |rel_diff| of every pair."""
    # np.lexsort((international, year, pair)), as one key (national before international)
    order = order_by(pair, year.astype(np.int64) * 2 + international.astype(np.int64))
    p, y, v = pair[order], year[order], value[order]
    both = np.flatnonzero((p[:-1] == p[1:]) & (y[:-1] == y[1:]))
    national, other = v[both], v[both + 1]
    diff = other - national
    with np.errstate(all="ignore"):
        rel_diff = np.where(national != 0, diff / np.abs(national), np.nan)
    tolerances = inputs.indicators.reindex(pd.Index(indicator_of_pair))
    rel_tol = tolerances["rel_tolerance"].to_numpy(np.float64)[p[both]]
    abs_tol = tolerances["abs_tolerance"].to_numpy(np.float64)[p[both]]
    # A blank rel_diff (national value 0) never exceeds the tolerance: such a year is
    # common but not discrepant (docs/engine.md, discrepancies, D8).
    relative_exceeded = ~np.isnan(rel_diff) & (np.abs(rel_diff) > rel_tol)
    discrepant = relative_exceeded & (np.abs(diff) > abs_tol)
    return pd.DataFrame(
        {
            "common_years": np.bincount(p[both], minlength=size),
            "discrepant_years": np.bincount(p[both], weights=discrepant, minlength=size),
            "max_abs_rel_diff": _per_pair_max(p[both], np.abs(rel_diff), size),
        }
    ).astype({"discrepant_years": np.int64})


def _source_facts(
    pair: IntArray, year: IntArray, international: BoolArray, estimated: BoolArray, size: int
) -> pd.DataFrame:
    years = year.astype(np.float64)
    national_latest = _per_pair_max(pair[~international], years[~international], size)
    international_latest = _per_pair_max(pair[international], years[international], size)
    estimated_count = np.bincount(pair[international & estimated], minlength=size)
    both = ~np.isnan(national_latest) & ~np.isnan(international_latest)
    return pd.DataFrame(
        {
            "national_latest_year": pd.Series(national_latest).astype("Int64"),
            "international_latest_year": pd.Series(international_latest).astype("Int64"),
            "latest_year_differs": both & (national_latest != international_latest),
            "international_estimated": estimated_count > 0,
        }
    )


def _status(facts: pd.DataFrame) -> npt.NDArray[np.object_]:
    has_national = facts["national_latest_year"].notna().to_numpy()
    has_international = facts["international_latest_year"].notna().to_numpy()
    common = facts["common_years"].to_numpy() > 0
    discrepant = facts["discrepant_years"].to_numpy() > 0
    status = np.select(
        [~has_international, ~has_national, ~common, discrepant],
        ["national_only", "international_only", "no_common_year", "discrepant"],
        default="consistent",
    )
    return np.asarray(status, dtype=object)


def _categories(table: pd.DataFrame, assessed: pd.DataFrame) -> pd.DataFrame:
    wide = assessed.pivot_table(
        index=list(PAIR_KEYS), columns="source", values="category", aggfunc="first"
    )
    wide = wide.reindex(columns=["national", "international"])
    wide.columns = ["national_category", "international_category"]
    merged = table.merge(wide.reset_index(), on=list(PAIR_KEYS), how="left")
    national = merged["national_category"].fillna("")
    international = merged["international_category"].fillna("")
    computed = (national != "") & (international != "")
    computed &= (national != "insufficient_data") & (international != "insufficient_data")
    merged["national_category"] = national
    merged["international_category"] = international
    merged["classification_differs"] = computed & (national != international)
    return merged


def discrepancies_inputs(inputs: Inputs) -> pd.DataFrame:
    """``discrepancies`` on inputs already validated by ``schema.prepare_inputs``."""
    obs = inputs.observations
    with_value = obs[~np.isnan(obs["value"].to_numpy(np.float64))]
    pair, table = series_ids(with_value, PAIR_KEYS)
    size = len(table)
    year = with_value["year"].to_numpy(np.int64)
    international = (with_value["source"] == "international").to_numpy(dtype=bool)
    estimated = with_value["nature"].isin(list(ESTIMATED_NATURES)).to_numpy(dtype=bool)
    value = with_value["value"].to_numpy(np.float64)
    counts = _common_years(pair, year, international, value, inputs, table["indicator"], size)
    facts = pd.concat(
        [table, counts, _source_facts(pair, year, international, estimated, size)], axis=1
    )
    facts["status"] = _status(facts)
    merged = _categories(facts, assess_inputs(inputs))
    merged = merged.sort_values(list(PAIR_KEYS), kind="stable").reset_index(drop=True)
    return merged[DISCREPANCY_COLUMNS]


def discrepancies(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    countries: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compares national and international values of every (country, indicator, series).

    In: observations, the indicator table (optional ``rel_tolerance``/``abs_tolerance``
    columns) and optionally the country table (``cis``, used by the categories).
    Out: one row per (country, indicator, series) with at least one value, sorted by
    those keys, columns ``DISCREPANCY_COLUMNS``; flags are bool, blanks NaN/<NA>/''.
    Raises: ``EngineInputError`` listing every problem of the inputs.
    """
    inputs = prepare_inputs(observations=observations, indicators=indicators, countries=countries)
    return discrepancies_inputs(inputs)


def discrepancy_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per country: the number of series in each status and the share of discrepant ones.

    In: the output of ``discrepancies``. Out: columns ``SUMMARY_COLUMNS``: ``series``
    (rows of the country), one count per status, and ``discrepant_share`` =
    discrepant / (discrepant + consistent), NaN when the country has no common year.
    Raises: KeyError when ``country`` or ``status`` is missing.
    """
    counts = pd.crosstab(table["country"], table["status"])
    counts = counts.reindex(columns=list(STATUSES), fill_value=0)
    counts.columns.name = None
    counts.insert(0, "series", counts.sum(axis=1))
    compared = counts["discrepant"] + counts["consistent"]
    counts["discrepant_share"] = (counts["discrepant"] / compared).where(compared > 0)
    counts = counts.reset_index().astype({c: np.int64 for c in ["series", *STATUSES]})
    return counts[SUMMARY_COLUMNS]
