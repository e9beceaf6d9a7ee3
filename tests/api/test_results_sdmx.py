"""Results as SDMX-CSV: the SDG dimensions, the latest value, the engine's figures as
attributes; every current series with an SDG code, value for value."""

from __future__ import annotations

import csv
import io

from indicators.data_exports import DIMENSIONS, RESULT_ATTRIBUTES
from indicators.models import SeriesResult
from tests.api import test_results_api as results_api

computed = results_api.computed


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.sdmx.data+csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_every_series_value_for_value(computed):
    client = results_api._client(computed.users["observer"])
    rows = _rows(client.get("/api/v1/exports/results.sdmx-csv"))
    assert list(rows[0]) == [
        "DATAFLOW",
        *DIMENSIONS,
        "TIME_PERIOD",
        "OBS_VALUE",
        *RESULT_ATTRIBUTES,
    ]
    stored = SeriesResult.objects.filter(is_current=True).select_related("country", "indicator")
    # Only 3.2.1 and 3.2.2 carry data in this world; both have an SDG series code.
    assert len(rows) == stored.count() > 0
    by_key = {
        (r["REF_AREA"], r["SERIES"], r["REPORTING_TYPE"], r["SEX"], r["AGE"]): r for r in rows
    }
    series = {"3.2.1": "SH_DYN_MORT", "3.2.2": "SH_DYN_NMRT"}
    for result in stored:
        sex = dict(p.split("=") for p in result.series.split(";") if p).get("SEX", "_T")
        reporting = "N" if result.source == "national" else "G"
        row = by_key[(result.country.m49, series[result.indicator.code], reporting, sex, "_T")]
        assert row["DATAFLOW"] == "KG_NSC:SDG(1.8)" and row["FREQ"] == "A"
        assert int(row["TIME_PERIOD"]) == result.latest_year
        assert float(row["OBS_VALUE"]) == result.latest_value
        assert row["PROGRESS_CATEGORY"] == result.category
        assert row["TREND_MODEL"] == result.model
        assert row["UNIT_MEASURE"] == result.indicator.unit
        for column, value in (
            ("ANNUAL_RATE", result.rate),
            ("TARGET_VALUE", result.target),
            ("BASELINE_VALUE", result.baseline_value),
            ("FIRST_VALUE", result.first_value),
        ):
            assert (float(row[column]) if row[column] else None) == value, column
        expected_t = "inf" if result.t_star_never else result.t_star
        got_t = row["T_STAR"] if row["T_STAR"] in ("", "inf") else float(row["T_STAR"])
        assert got_t == (expected_t if expected_t is not None else "")


def test_filters_and_unknown_format(computed):
    client = results_api._client(computed.users["observer"])
    kgz = _rows(client.get("/api/v1/exports/results.sdmx-csv?country=KGZ&source=national"))
    assert kgz and {(r["REF_AREA"], r["REPORTING_TYPE"]) for r in kgz} == {("417", "N")}
    assert {r["SEX"] for r in kgz} == {"_T", "F"}
    bad = client.get("/api/v1/exports/results.sdmx-csv?colour=red")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "colour"
    assert client.get("/api/v1/exports/results.sdmx-ml").status_code == 404


def test_anonymous_gets_no_results(computed):
    assert results_api._client().get("/api/v1/exports/results.sdmx-csv").status_code in (401, 403)
