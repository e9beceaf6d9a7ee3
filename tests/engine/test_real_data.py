"""The engine on real national data of Kazakhstan (Open SDG CSV) and Kyrgyzstan (SDMX-ML).

Data: Bureau of National Statistics of Kazakhstan / National Statistical Committee of
the Kyrgyz Republic, MIT licence. Facts asserted below were read by hand from
data/kazakhstan-open-sdg/data/indicator_3-2-1.csv and data/kyrgyzstan-sdmx/data/3.2.1.xml.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from indicators.engine import assess, discrepancies
from indicators.engine.assess import CATEGORIES

from .realdata import RELATIVE_INDICATORS, SDG_INDICATORS, kyrgyz_structure, real_observations

pytest.importorskip("sdmx")


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    return real_observations(kyrgyz_structure())


def _total(result: pd.DataFrame, country: str, indicator: str) -> Any:
    rows = result[
        (result["country"] == country)
        & (result["indicator"] == indicator)
        & (result["series"] == "")
    ]
    assert len(rows) == 1
    return rows.iloc[0]


def test_conversion(observations: pd.DataFrame) -> None:
    counts = observations.groupby(["country", "indicator"]).size().to_dict()
    assert counts == {
        ("KAZ", "3.2.1"): 1482,
        ("KAZ", "3.2.2"): 1482,
        ("KGZ", "3.2.1"): 540,
        ("KGZ", "3.2.2"): 480,
    }
    assert "REF_AREA=KZAKM;SEX=F;URBANISATION=U" in set(observations["series"]) or (
        "REF_AREA=KZAKM;URBANISATION=U" in set(observations["series"])
    )
    assert {"SEX=F", "SEX=M", "REF_AREA=KG02"} <= set(observations["series"])


def test_every_series_classified(observations: pd.DataFrame) -> None:
    result = assess(observations, SDG_INDICATORS)
    keys = observations[["country", "indicator", "source", "series"]].drop_duplicates()
    assert len(result) == len(keys)
    assert set(result["category"]) <= set(CATEGORIES)
    enough = result[result["category"] != "insufficient_data"]
    assert enough["model"].isin(["geometric", "linear", ""]).all()
    assert enough["rate"].notna().all()


def test_known_facts_sdg_targets(observations: pd.DataFrame) -> None:
    result = assess(observations, SDG_INDICATORS)
    kaz = _total(result, "KAZ", "3.2.1")  # 2015: 12.04 ... 2019: 10.69 per 1,000
    assert (kaz["first_year"], kaz["latest_year"], kaz["n_obs"]) == (2015, 2019, 5)
    assert (kaz["first_value"], kaz["latest_value"]) == (12.04, 10.69)
    assert kaz["category"] == "early_achiever"  # already below 25
    assert math.isclose(kaz["rate"], (10.69 / 12.04) ** (1 / 4) - 1, rel_tol=1e-12)
    kgz = _total(result, "KGZ", "3.2.1")  # 2015: 21.5 ... 2024: 15.72
    assert (kgz["first_value"], kgz["latest_value"], kgz["latest_year"]) == (21.5, 15.72, 2024)
    assert kgz["category"] == "early_achiever"


def test_known_facts_of_areas(observations: pd.DataFrame) -> None:
    result = {
        (row["country"], row["indicator"], row["series"]): row
        for row in assess(observations, SDG_INDICATORS).to_dict("records")
    }
    kzont = result[("KAZ", "3.2.1", "REF_AREA=KZONT")]  # 2015-2017 only
    assert (kzont["n_obs"], kzont["category"]) == (3, "insufficient_data")
    kg11 = result[("KGZ", "3.2.1", "REF_AREA=KG11")]  # 26.6 (2015) -> 34.52 (2024)
    assert (kg11["first_value"], kg11["latest_value"]) == (26.6, 34.52)
    assert (kg11["model"], kg11["category"]) == ("linear", "off_track_regressing")
    kg21 = result[("KGZ", "3.2.1", "REF_AREA=KG21")]  # 70.3 -> 47.51, target 25
    rate = (47.51 / 70.3) ** (1 / 9) - 1
    assert math.isclose(kg21["t_star"], 2024 + math.log(25 / 47.51) / math.log(1 + rate))
    assert kg21["category"] == "off_track_slow"


def test_known_facts_relative_target(observations: pd.DataFrame) -> None:
    result = assess(observations, RELATIVE_INDICATORS)
    kgz = _total(result, "KGZ", "3.2.1")
    rate = (15.72 / 21.5) ** (1 / 9) - 1
    t_star = 2024 + math.log(21.5 / 3 / 15.72) / math.log(1 + rate)
    assert math.isclose(kgz["t_star"], t_star, rel_tol=1e-12)
    assert kgz["category"] == "off_track_slow"  # ~2047, after 2030


def test_discrepancies_on_national_only_data(observations: pd.DataFrame) -> None:
    result = discrepancies(observations, SDG_INDICATORS)
    assert set(result["status"]) == {"national_only"}
