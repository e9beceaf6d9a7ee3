"""Helpers on the engine's outputs that the portal stores beside them.

Pure functions on pandas DataFrames, like the rest of the engine; they do not change
what ``assess``, ``discrepancies`` or ``aggregate`` return (docs/engine.md).

- ``headline``: which row of an ``assess`` table is the series the tables show;
- ``fingerprints``: a hash of the compared values of a (indicator, country, series),
  so that a discrepancy case can tell when its figures changed.
"""

from __future__ import annotations

import hashlib
from typing import cast

import numpy as np
import pandas as pd

KEY = ["indicator", "country", "series"]


def headline(assessed: pd.DataFrame) -> np.ndarray:
    """Per (indicator, country, source): the blank key, else the fewest dimensions, then first.

    Out: a boolean array aligned with the rows of ``assessed`` (true for its headline rows).
    """
    if assessed.empty:
        return np.zeros(0, dtype=bool)
    series = assessed["series"].astype(str)
    parts = np.where(series == "", 0, series.str.count(";") + 1)
    order = pd.DataFrame(
        {
            "indicator": assessed["indicator"].astype(str),
            "country": assessed["country"],
            "source": assessed["source"],
            "parts": parts,
            "s": series,
        }
    ).sort_values(["indicator", "country", "source", "parts", "s"])
    first = ~order.duplicated(["indicator", "country", "source"])
    return first.reindex(assessed.index).to_numpy()


def fingerprints(frame: pd.DataFrame, keys: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    """A hash of the compared values (both sources) per (indicator, country, series) in ``keys``.

    ``frame`` holds observations (``indicator, country, series, source, year, value``). The
    hash is the SHA-1 of ``"<s><year>=<repr(value)>"`` items joined by ``;``, sorted by source
    then year, where ``<s>`` is the first letter of the source.
    """
    if keys.empty:
        return {}
    rows = frame.merge(keys[KEY], on=KEY)
    rows = rows.sort_values([*KEY, "source", "year"])
    rows = rows.assign(
        text=rows["source"].str[0] + rows["year"].astype(str) + "=" + rows["value"].map(repr)
    )
    joined = rows.groupby(KEY, sort=False)["text"].agg(";".join)
    out: dict[tuple[str, str, str], str] = {}
    for key, text in joined.items():
        parts = cast(tuple[object, object, object], key)
        digest = hashlib.sha1(str(text).encode(), usedforsecurity=False).hexdigest()
        out[(str(parts[0]), str(parts[1]), str(parts[2]))] = digest
    return out
