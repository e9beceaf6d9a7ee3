"""Converts the real Kazakhstan (Open SDG CSV) and Kyrgyzstan (SDMX-ML) data to observations.

Data: Bureau of National Statistics of Kazakhstan / National Statistical Committee of
the Kyrgyz Republic, MIT licence (see data/*/LICENSE).

National totals (blank REF_AREA, or REF_AREA equal to the country code) get the
country code; subnational areas and other disaggregations become the ``series``
key ``DIM=CODE;DIM=CODE`` in sorted dimension order. Total codes (``_T``, blank)
and dimensions with a single value in the file (unit, age band, frequency...) are
left out of the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[2]
KAZ_DIR = REPO_ROOT / "data" / "kazakhstan-open-sdg" / "data"
KGZ_DIR = REPO_ROOT / "data" / "kyrgyzstan-sdmx"
COLUMNS = ["country", "indicator", "source", "series", "year", "value", "nature"]

# SDG-style indicator table used with the real data (SDG 3.2.1 and 3.2.2 targets)
SDG_INDICATORS = pd.DataFrame(
    {
        "indicator": ["3.2.1", "3.2.2"],
        "target_kind": ["absolute", "absolute"],
        "target_value": [25.0, 12.0],
        "desired_direction": ["decrease", "decrease"],
        "baseline_year": [2015, 2015],
        "target_year": [2030, 2030],
        "min_span_years": [3, 3],
    }
)
# The same with the MDG-style relative target (reduce by two thirds), to see all categories
RELATIVE_INDICATORS = SDG_INDICATORS.assign(target_kind="relative", target_value=1 / 3)


def _series_key(frame: pd.DataFrame, dimensions: list[str]) -> pd.Series:
    varying = [d for d in sorted(dimensions) if len(frame[d].astype(str).drop_duplicates()) > 1]
    parts = pd.DataFrame(index=frame.index)
    for dim in varying:
        code = frame[dim].fillna("").astype(str)
        parts[dim] = (dim + "=" + code).where(~code.isin(["", "_T"]), "")
    if not varying:
        return pd.Series("", index=frame.index)
    return parts.apply(lambda row: ";".join(p for p in row if p), axis=1)


def _observations(
    frame: pd.DataFrame, country: str, indicator: str, dimensions: list[str], national: set[str]
) -> pd.DataFrame:
    frame = frame.copy()
    frame["REF_AREA"] = (
        frame["REF_AREA"].fillna("").astype(str).replace(dict.fromkeys(national, ""))
    )
    out = pd.DataFrame(
        {
            "country": country,
            "indicator": indicator,
            "source": "national",
            "series": _series_key(frame, dimensions),
            "year": frame["year"].astype(int),
            "value": pd.to_numeric(frame["value"], errors="coerce"),
            "nature": frame.get("NATURE", pd.Series("", index=frame.index)).fillna(""),
        }
    )
    return out[COLUMNS].reset_index(drop=True)


def kazakhstan(indicator: str) -> pd.DataFrame:
    """Observations of ``indicator`` (e.g. '3.2.1') from the Open SDG CSV of Kazakhstan."""
    path = KAZ_DIR / f"indicator_{indicator.replace('.', '-')}.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw.rename(columns={"Year": "year", "Value": "value"})
    dimensions = [c for c in raw.columns if c not in ("year", "value")]
    raw = raw[raw["value"] != ""]
    return _observations(raw, "KAZ", indicator, dimensions, {"", "KZ"})


def kyrgyz_structure() -> Any:
    """The data structure definition of the Kyrgyz SDMX messages (slow: 1.7 MB)."""
    import sdmx

    message = sdmx.read_sdmx(KGZ_DIR / "SDG_DSD.KG_1.8.xml")
    assert isinstance(message, sdmx.message.StructureMessage)
    return message.structure["SDG"]


def kyrgyzstan(indicator: str, structure: Any) -> pd.DataFrame:
    """Observations of ``indicator`` from the SDMX-ML message of Kyrgyzstan."""
    import sdmx

    message = sdmx.read_sdmx(KGZ_DIR / "data" / f"{indicator}.xml", structure=structure)
    raw = sdmx.to_pandas(message, attributes="o").reset_index()
    raw = raw.rename(columns={"TIME_PERIOD": "year"})
    skip = {"year", "value", "FREQ", "REPORTING_TYPE", "SERIES"}
    dimensions = [d.id for d in structure.dimensions.components if d.id not in skip]
    dimensions = [d for d in dimensions if d in raw.columns]
    return _observations(raw, "KGZ", indicator, dimensions, {"", "KG"})


def real_observations(structure: Any) -> pd.DataFrame:
    """Both countries, both indicators, in the engine's observation format."""
    frames = [kazakhstan(code) for code in ("3.2.1", "3.2.2")]
    frames += [kyrgyzstan(code, structure) for code in ("3.2.1", "3.2.2")]
    return pd.concat(frames, ignore_index=True)
