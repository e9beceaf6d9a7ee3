"""The fast paths of the engine give what the plain pandas/numpy way gives, byte for byte.

- ``csvfile.write_csv`` writes the same bytes as pandas' ``to_csv`` (the reference
  ``write_csv_pandas``), for the engine's outputs and for awkward cells;
- ``assess.order_by`` is ``np.lexsort((year, ids))``;
- ``schema._no_duplicates`` agrees with ``DataFrame.duplicated`` on the keys;
- aggregates do not depend on the order of the category codes or of the rows.

No timings here: bench/engine.py measures.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.engine import aggregate, assess, discrepancies, discrepancy_summary
from indicators.engine.assess import order_by
from indicators.engine.csvfile import write_csv, write_csv_pandas
from indicators.engine.schema import OBSERVATION_KEYS, _no_duplicates, _text

from .builders import indicator, indicators
from .realdata import SDG_INDICATORS, kazakhstan


def _same_bytes(frame: pd.DataFrame, tmp_path: Path) -> bytes:
    fast, reference = tmp_path / "fast.csv", tmp_path / "reference.csv"
    write_csv(frame, str(fast))
    write_csv_pandas(frame, str(reference))
    assert fast.read_bytes() == reference.read_bytes()
    return fast.read_bytes()


def _random_observations(seed: int, countries: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(countries):
        for code in ("A", "B", "C"):
            for source in ("national", "international"):
                for series in ("", "SEX=F"):
                    for year in range(1988, 2016):
                        if rng.random() < 0.4:
                            continue
                        value = float(rng.choice([0.0, -3.5, rng.uniform(0.001, 200)]))
                        blank = rng.random() < 0.05
                        rows.append(
                            (f"K{c}", code, source, series, year, math.nan if blank else value)
                        )
    frame = pd.DataFrame(
        rows, columns=["country", "indicator", "source", "series", "year", "value"]
    )
    frame["nature"] = np.where(rng.random(len(frame)) < 0.3, "E", "C")
    return frame


TABLE = indicators(
    indicator("A", kind="relative", value=0.5),
    indicator("B", kind="absolute", value=0.0, direction="decrease", cutoff=5.0),
    indicator("C", kind="none", value=None, direction="increase", min_span_years=2),
)


def _groups(countries: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    members = pd.DataFrame(
        {
            "country": [f"K{c}" for c in range(countries)] * 2,
            "cis": ["true" if c % 3 == 0 else "false" for c in range(countries)] * 2,
            "region": [f"R{c % 3}" for c in range(countries)] + ["WORLD"] * countries,
        }
    )
    population = pd.DataFrame(
        [
            (f"K{c}", code, year, float(1000 + 37 * c + year % 7))
            for c in range(countries)
            for code in ("", "A")
            for year in range(1988, 2016)
            if (c + year) % 11
        ],
        columns=["country", "indicator", "year", "population"],
    )
    return members, population


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_outputs_written_as_pandas_writes_them(seed: int, tmp_path: Path) -> None:
    obs = _random_observations(seed)
    countries, population = _groups(12)
    assessed = assess(obs, TABLE, countries)
    compared = discrepancies(obs, TABLE, countries)
    aggregated = aggregate(obs, TABLE, countries, population)
    for frame in (assessed, compared, discrepancy_summary(compared), aggregated):
        assert len(frame) > 0
        _same_bytes(frame, tmp_path)
    text = _same_bytes(assessed, tmp_path).decode()
    assert text.startswith("country,indicator,source,series,n_obs,")
    assert ",true\n" in text or ",false\n" in text


def test_real_data_written_as_pandas_writes_it(tmp_path: Path) -> None:
    obs = pd.concat([kazakhstan("3.2.1"), kazakhstan("3.2.2")], ignore_index=True)
    assessed = assess(obs, SDG_INDICATORS)
    assert len(assessed) > 10
    _same_bytes(assessed, tmp_path)
    _same_bytes(discrepancies(obs, SDG_INDICATORS), tmp_path)


def test_awkward_cells_written_as_pandas_writes_them(tmp_path: Path) -> None:
    floats = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e16, 1e15, 1e-5, 1e-4, 0.1 + 0.2]
    floats += [5e-324, 1.7976931348623157e308, -0.028358342136926447, 2014.0942, 123456789.0]
    size = len(floats)
    frame = pd.DataFrame(
        {
            "value": floats,
            "year": pd.array([1990 + i if i % 4 else None for i in range(size)], dtype="Int64"),
            "count": np.arange(size, dtype=np.int64) - 3,
            "flag": [i % 2 == 0 for i in range(size)],
            "text": ["plain", "Kazajistán", "", None, math.nan, "a,b", 'say "x"', "two\nlines"]
            + ["cr\r", " spaced ", "SEX=F;URBANISATION=U", "ü", "1.0", "-", "ok"],
        }
    )
    text = _same_bytes(frame, tmp_path).decode()
    assert '"a,b"' in text and '"say ""x"""' in text and "inf" in text
    _same_bytes(frame.drop(columns="text"), tmp_path)  # nothing to quote: the joined path
    _same_bytes(frame.iloc[:0], tmp_path)  # header only
    _same_bytes(pd.DataFrame({"only": ["", "x", ""]}), tmp_path)  # one column: "" quoted
    _same_bytes(frame.assign(text=frame["text"].astype("category")), tmp_path)  # fallback
    _same_bytes(frame.assign(flag=pd.array([True, None] * 7 + [False], dtype="boolean")), tmp_path)


def test_order_by_is_lexsort() -> None:
    rng = np.random.default_rng(7)
    for size in (0, 1, 2, 50, 5000):
        ids = rng.integers(0, max(1, size // 10), size)
        year = rng.integers(-5, 3000, size)  # ties and negative years too
        assert np.array_equal(order_by(ids, year), np.lexsort((year, ids)))
    huge = np.array([2**40, 0, 2**40]), np.array([-(2**40), 2**40, 5])
    assert np.array_equal(order_by(*huge), np.lexsort((huge[1], huge[0])))


def _clean(rows: list[tuple[str, str, str, str, int]]) -> pd.DataFrame:
    raw = pd.DataFrame(rows, columns=[*OBSERVATION_KEYS, "year"])
    clean = pd.DataFrame({key: _text(raw[key]) for key in OBSERVATION_KEYS})
    clean["year"] = raw["year"].to_numpy(np.int64)
    return clean


def test_duplicate_check_agrees_with_pandas() -> None:
    rng = np.random.default_rng(11)
    for size in (0, 1, 2, 20, 300, 3000):
        rows = [
            (
                f"C{rng.integers(4)}",
                f"I{rng.integers(3)}",
                ("national", "international")[rng.integers(2)],
                ("", "SEX=F")[rng.integers(2)],
                int(rng.integers(1990, 1990 + max(1, size // 2))),
            )
            for _ in range(size)
        ]
        clean = _clean(rows)
        valid = rng.random(size) < 0.9
        expected = not (clean.duplicated(keep=False).to_numpy() & valid).any()
        assert _no_duplicates(clean, valid) == expected
    wide = 4 * 10**18
    spread = _clean([("A", "X", "national", "", -wide), ("A", "X", "national", "", wide)])
    assert _no_duplicates(spread, np.ones(2, dtype=bool)) is False  # too wide: look row by row


def test_aggregate_ignores_code_and_row_order() -> None:
    obs = _random_observations(5)
    countries, population = _groups(12)
    expected = aggregate(obs, TABLE, countries, population)
    shuffled = obs.sample(frac=1.0, random_state=3).reset_index(drop=True)
    for column in ("country", "indicator", "source"):
        values = sorted(shuffled[column].unique(), reverse=True)
        shuffled[column] = pd.Categorical(shuffled[column], categories=values)
    got = aggregate(shuffled, TABLE, countries.iloc[::-1], population.iloc[::-1])
    pd.testing.assert_frame_equal(got, expected)
    assert expected["n_imputed"].sum() > 0
    assert (expected["category"] != "insufficient_coverage").any()
