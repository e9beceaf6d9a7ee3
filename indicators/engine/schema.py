"""Input validation of the indicator engine, in one place.

Every check collects its problems instead of stopping at the first one, so a
focal point sees everything that is wrong with a file in one go. A problem
names the file (or frame), the CSV line (data row position + 2, because of the
header line), the column and what is wrong. ``prepare_inputs`` runs every
check and raises one :class:`EngineInputError` listing all problems; it returns
cleaned frames with fixed dtypes that the computations rely on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

SOURCES = ("national", "international")
TARGET_KINDS = ("relative", "absolute", "none")
DIRECTIONS = ("decrease", "increase")
TRUE_WORDS = frozenset({"true", "1", "yes", "t", "y"})
FALSE_WORDS = frozenset({"false", "0", "no", "f", "n", ""})

OBSERVATION_KEYS = ("country", "indicator", "source", "series")
OBSERVATION_REQUIRED = ("country", "indicator", "source", "year", "value")
INDICATOR_INT_DEFAULTS = {"baseline_year": 1990, "target_year": 2015, "min_span_years": 3}
INDICATOR_FLOAT_DEFAULTS = {"rel_tolerance": 0.05, "abs_tolerance": 0.0}
DEFAULT_NAMES = {
    "observations": "observations",
    "indicators": "indicators",
    "countries": "countries",
    "population": "population",
}

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: file or frame name, CSV line, column, message."""

    source: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: column '{self.column}': {self.message}"


class EngineInputError(ValueError):
    """Raised when an input breaks the contract; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclasses.dataclass
class Inputs:
    """Validated inputs. Key columns of ``observations`` are categoricals, blanks are ''."""

    observations: pd.DataFrame
    indicators: pd.DataFrame  # indexed by indicator code, defaults filled in
    cis: pd.Series  # bool by country code
    regions: pd.DataFrame  # country, region (one row per membership)
    population: pd.DataFrame | None


class _Collector:
    """Collects the problems of one input."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.source, line, column, message))

    def rows(self, mask: BoolArray, column: str, raw: pd.Series, message: str) -> None:
        """Adds one problem per flagged row; ``{value}`` in ``message`` is the raw cell."""
        for pos in np.flatnonzero(mask):
            self.add(int(pos) + 2, column, message.format(value=raw.iloc[pos]))

    def require(self, frame: pd.DataFrame, columns: Iterable[str]) -> bool:
        missing = [c for c in columns if c not in frame.columns]
        for column in missing:
            self.add(1, column, "required column is missing from the header")
        return not missing


def _text(column: pd.Series) -> pd.Series:
    """A categorical with blanks (missing or empty) as ''."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype("category")
    categories = column.cat.categories
    if categories.dtype != object or any(not isinstance(c, str) for c in categories):
        column = column.astype(str).where(column.notna(), "").astype("category")
    if column.isna().any():
        if "" not in column.cat.categories:
            column = column.cat.add_categories([""])
        column = column.fillna("")
    return column


def _in_set(column: pd.Series, allowed: Iterable[str]) -> BoolArray:
    """Row mask of values of a categorical that are not in ``allowed``."""
    bad_category = ~column.cat.categories.isin(list(allowed))
    codes = column.cat.codes.to_numpy()
    return np.asarray(bad_category[codes], dtype=bool)


def _blank(column: pd.Series) -> BoolArray:
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return np.asarray(column.isna(), dtype=bool)
    text = column.astype(str).str.strip()
    return np.asarray(column.isna() | (text == ""), dtype=bool)


def _numbers(
    column: pd.Series, name: str, collector: _Collector, *, integer: bool, required: bool
) -> FloatArray:
    """Parses a numeric column; returns floats (NaN for blank) and records problems."""
    dtype = column.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        if integer and pd.api.types.is_integer_dtype(dtype):
            return values
        blank = np.isnan(values)
        bad = ~np.isfinite(values) & ~blank
    else:
        blank = _blank(column)
        parsed = pd.to_numeric(column.where(~blank), errors="coerce")
        values = parsed.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~blank & ~np.isfinite(values)
    kind = "an integer" if integer else "a number"
    collector.rows(bad, name, column, "'{value}' is not " + kind)
    if integer:
        fractional = ~bad & ~blank & (values != np.floor(values))
        collector.rows(fractional, name, column, "'{value}' is not an integer")
        bad |= fractional
    if required:
        collector.rows(blank, name, column, "value is missing")
    values[bad] = np.nan
    return values


def check_observations(
    frame: pd.DataFrame, name: str, known_indicators: pd.Index | None
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Checks observations; returns the cleaned frame (None if columns are missing)."""
    collector = _Collector(name)
    if not collector.require(frame, OBSERVATION_REQUIRED):
        return None, collector.problems
    clean = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for column in (*OBSERVATION_KEYS, "nature"):
        source = frame[column] if column in frame.columns else pd.Series([""] * len(frame))
        clean[column] = _text(source.reset_index(drop=True))
    for column in ("country", "indicator"):
        collector.rows(~_in_set(clean[column], [""]), column, clean[column], "is blank")
    collector.rows(
        _in_set(clean["source"], SOURCES),
        "source",
        clean["source"],
        "unknown source '{value}' (expected national or international)",
    )
    if known_indicators is not None:
        unknown = _in_set(clean["indicator"], known_indicators) & _in_set(clean["indicator"], [""])
        msg = "unknown indicator '{value}' (not in the indicators table)"
        collector.rows(unknown, "indicator", clean["indicator"], msg)
    year = _numbers(frame["year"], "year", collector, integer=True, required=True)
    value = _numbers(frame["value"], "value", collector, integer=False, required=False)
    clean["value"] = value
    valid_year = ~np.isnan(year)
    clean["year"] = np.where(valid_year, year, 0).astype(np.int64)
    _duplicates(clean, valid_year, collector)
    return clean, collector.problems


def _no_duplicates(clean: pd.DataFrame, valid_year: BoolArray) -> bool:
    """Whether no two rows with a valid year share series and year (a sort of one int key).

    The key numbers every (series, year) from the category codes and the year; when it
    would not fit in 63 bits the answer is False and the caller looks row by row. Only
    the answer "no duplicates" is taken from here; the problems themselves are always
    found by ``_duplicates`` as before.
    """
    year = clean["year"].to_numpy(np.int64)[valid_year]
    if len(year) < 2:
        return True
    low, high = int(year.min()), int(year.max())
    key = year - low
    size = high - low + 1
    for column in OBSERVATION_KEYS:
        categories = len(clean[column].cat.categories)
        size *= max(categories, 1)
        if size >= 2**62:
            return False
        codes = clean[column].cat.codes.to_numpy(np.int64)[valid_year]
        key = key + codes * (size // max(categories, 1))
    if size <= 4 * len(key) + 1024:
        # few possible keys: count them instead of sorting
        return int(np.bincount(key, minlength=size).max()) <= 1
    key.sort()
    return not bool((key[1:] == key[:-1]).any())


def _duplicates(clean: pd.DataFrame, valid_year: BoolArray, collector: _Collector) -> None:
    keys = [*OBSERVATION_KEYS, "year"]
    if _no_duplicates(clean, valid_year):
        return
    dup = np.asarray(clean.duplicated(subset=keys, keep=False), dtype=bool) & valid_year
    if not dup.any():
        return
    rows = clean.loc[dup, keys].copy()
    rows["line"] = np.flatnonzero(dup) + 2
    for key, group in rows.groupby(keys, observed=True, sort=False):
        country, indicator, source, series, year = key
        lines = group["line"].tolist()
        label = series if series else "total"
        for line in lines[1:]:
            collector.add(
                line,
                "year",
                f"duplicate row for series (country={country}, indicator={indicator}, "
                f"source={source}, series={label}) and year {year}: "
                f"line {lines[0]} has the same series and year",
            )


def check_indicators(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Checks the indicator table; returns it indexed by code with defaults filled in."""
    collector = _Collector(name)
    required = ("indicator", "target_kind", "desired_direction")
    if not collector.require(frame, required):
        return None, collector.problems
    frame = frame.reset_index(drop=True)
    clean = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for column in required:
        clean[column] = _text(frame[column]).astype(str)
    _check_indicator_codes(clean, collector)
    _check_words(clean, "target_kind", TARGET_KINDS, collector)
    _check_words(clean, "desired_direction", DIRECTIONS, collector)
    for column in ("target_value", "cutoff"):
        raw = frame[column] if column in frame.columns else pd.Series([np.nan] * len(frame))
        clean[column] = _numbers(raw, column, collector, integer=False, required=False)
    needs_value = clean["target_kind"].isin(["relative", "absolute"]).to_numpy()
    collector.rows(
        needs_value & np.isnan(clean["target_value"].to_numpy()),
        "target_value",
        clean["target_kind"],
        "target_value is required for a '{value}' target",
    )
    _indicator_numbers(frame, clean, collector)
    return clean.set_index("indicator"), collector.problems


def _check_indicator_codes(clean: pd.DataFrame, collector: _Collector) -> None:
    codes = clean["indicator"]
    collector.rows((codes == "").to_numpy(), "indicator", codes, "is blank")
    duplicated = codes.duplicated(keep="first").to_numpy() & (codes != "").to_numpy()
    collector.rows(duplicated, "indicator", codes, "indicator '{value}' is listed twice")


def _check_words(
    clean: pd.DataFrame, column: str, allowed: Sequence[str], collector: _Collector
) -> None:
    bad = ~clean[column].isin(list(allowed)).to_numpy()
    expected = ", ".join(allowed)
    collector.rows(
        bad, column, clean[column], f"unknown {column} '{{value}}' (expected {expected})"
    )


def _indicator_numbers(frame: pd.DataFrame, clean: pd.DataFrame, collector: _Collector) -> None:
    defaults: dict[str, float] = {**INDICATOR_INT_DEFAULTS, **INDICATOR_FLOAT_DEFAULTS}
    for column, default in defaults.items():
        integer = column in INDICATOR_INT_DEFAULTS
        if column not in frame.columns:
            clean[column] = default
            continue
        values = _numbers(frame[column], column, collector, integer=integer, required=False)
        blank = _blank(frame[column])
        values = np.where(blank, default, values)
        minimum = 1 if column == "min_span_years" else 0
        if column != "baseline_year" and column != "target_year":
            too_small = ~np.isnan(values) & (values < minimum)
            collector.rows(too_small, column, frame[column], f"'{{value}}' is below {minimum}")
        clean[column] = values
    for column in INDICATOR_INT_DEFAULTS:
        clean[column] = np.nan_to_num(clean[column].to_numpy(dtype=np.float64)).astype(np.int64)


def _truth(column: pd.Series, collector: _Collector) -> BoolArray:
    words = column.astype(str).str.strip().str.lower().where(column.notna(), "")
    truthy = words.isin(list(TRUE_WORDS)).to_numpy()
    bad = ~truthy & ~words.isin(list(FALSE_WORDS)).to_numpy()
    collector.rows(bad, "cis", column, "'{value}' is not true/false (or 1/0, yes/no)")
    return np.asarray(truthy, dtype=bool)


def check_countries(
    frame: pd.DataFrame, name: str, need_region: bool
) -> tuple[pd.Series, pd.DataFrame, list[Problem]]:
    """Checks the country table; returns the CIS flag by country and the memberships."""
    collector = _Collector(name)
    required = ("country", "region") if need_region else ("country",)
    empty_regions = pd.DataFrame({"country": [], "region": []}, dtype=str)
    if not collector.require(frame, required):
        return pd.Series(dtype=bool), empty_regions, collector.problems
    frame = frame.reset_index(drop=True)
    country = _text(frame["country"]).astype(str)
    collector.rows((country == "").to_numpy(), "country", country, "is blank")
    cis = _truth(frame["cis"], collector) if "cis" in frame.columns else np.zeros(len(frame), bool)
    flags = pd.DataFrame({"country": country, "cis": cis})
    conflict = flags.groupby("country")["cis"].transform("nunique").to_numpy() > 1
    conflict &= flags.duplicated("country", keep="first").to_numpy()
    collector.rows(conflict, "cis", country, "country '{value}' has conflicting cis flags")
    by_country = flags.groupby("country")["cis"].any()
    regions = empty_regions
    if "region" in frame.columns:
        region = _text(frame["region"]).astype(str)
        regions = pd.DataFrame({"country": country, "region": region})
        regions = regions[(regions["region"] != "") & (regions["country"] != "")]
        regions = regions.drop_duplicates().reset_index(drop=True)
    return by_country, regions, collector.problems


def check_population(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Checks the population table; blank ``indicator`` marks the default weights."""
    collector = _Collector(name)
    if not collector.require(frame, ("country", "year", "population")):
        return None, collector.problems
    frame = frame.reset_index(drop=True)
    indicator = frame["indicator"] if "indicator" in frame.columns else pd.Series([""] * len(frame))
    clean = pd.DataFrame(
        {
            "country": _text(frame["country"]).astype(str),
            "indicator": _text(indicator).astype(str),
        }
    )
    year = _numbers(frame["year"], "year", collector, integer=True, required=True)
    population = _numbers(
        frame["population"], "population", collector, integer=False, required=True
    )
    negative = ~np.isnan(population) & (population < 0)
    collector.rows(negative, "population", frame["population"], "'{value}' is negative")
    clean["year"] = year
    clean["population"] = np.where(negative, np.nan, population)
    keys = ["country", "indicator", "year"]
    dup = clean.duplicated(subset=keys, keep="first").to_numpy() & ~np.isnan(year)
    collector.rows(dup, "year", clean["country"], "duplicate population row for '{value}'")
    clean = clean.dropna(subset=["year", "population"])
    clean["year"] = clean["year"].astype(np.int64)
    return clean, collector.problems


def prepare_inputs(
    *,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    countries: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    need_region: bool = False,
    names: Mapping[str, str] | None = None,
) -> Inputs:
    """Runs every check on every input and raises one EngineInputError listing all problems.

    ``names`` maps 'observations', 'indicators', 'countries', 'population' to the file
    names used in messages. Returns the cleaned :class:`Inputs`.
    """
    label = {**DEFAULT_NAMES, **(names or {})}
    problems: list[Problem] = []
    ind, found = check_indicators(indicators, label["indicators"])
    problems += found
    known = None if ind is None else ind.index
    obs, found = check_observations(observations, label["observations"], known)
    problems += found
    cis: pd.Series = pd.Series(dtype=bool)
    regions = pd.DataFrame({"country": [], "region": []}, dtype=str)
    if countries is not None:
        cis, regions, found = check_countries(countries, label["countries"], need_region)
        problems += found
    pop = None
    if population is not None:
        pop, found = check_population(population, label["population"])
        problems += found
    if problems or obs is None or ind is None:
        raise EngineInputError(problems)
    return Inputs(observations=obs, indicators=ind, cis=cis, regions=regions, population=pop)
