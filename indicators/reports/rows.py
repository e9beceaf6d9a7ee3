"""Result rows: the engine's output tables turned into result rows to store.

Each row is a dict of the result model's column values by attribute name (``run_id``,
``indicator_id``, ...), not a model instance: building 40,000 instances field by field cost
as much as writing them. ``store.stage`` writes them (``services.engine_run_indicators``);
nothing here touches the database except through the given reference ids."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicators import engine
from indicators.engine.series import fingerprints, headline
from indicators.models import EngineRun, Indicator
from indicators.reports import selectors
from portal.models import Agency, Country, Region


def _none(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _t_star(value: Any) -> tuple[float | None, bool]:
    value = _none(value)
    if value is not None and math.isinf(value):
        return None, True
    return value, False


@dataclass
class _Refs:
    countries: dict[str, int]
    regions: dict[str, int | None]
    agencies: dict[str, int]
    indicators: dict[str, int]


def _column(table: pd.DataFrame, name: str) -> list[Any]:
    """A column as plain Python values, blanks (NaN, NA) as None."""
    return [_none(v) for v in table[name].astype(object).tolist()]


def _series_rows(
    run: EngineRun, assessed: pd.DataFrame, frame: pd.DataFrame, refs: _Refs
) -> list[dict[str, Any]]:
    keys = ["indicator", "country", "source", "series"]
    origin_frame = frame.drop_duplicates(keys)
    origin = dict(
        zip(
            zip(*(origin_frame[k].astype(str).tolist() for k in keys), strict=True),
            zip(
                _column(origin_frame, "sheet_id"),
                _column(origin_frame, "sheet_version"),
                _column(origin_frame, "release_id"),
                origin_frame["agency"].tolist(),
                strict=True,
            ),
            strict=True,
        )
    )
    headline_rows = headline(assessed).tolist()
    names = list(engine.ASSESS_COLUMNS)
    columns = [_column(assessed, name) for name in names]
    rows = []
    for index, values in enumerate(zip(*columns, strict=True)):
        record = dict(zip(names, values, strict=True))
        code, country, source, series = (str(record[k]) for k in keys)
        found = origin.get((code, country, source, series))
        t_star, never = _t_star(record["t_star"])
        national = source == "national"
        sheet_id = sheet_version = release_id = agency_id = None
        if found is not None:
            if national:
                sheet_id, sheet_version = found[0], found[1]
            else:
                release_id, agency_id = found[2], refs.agencies.get(found[3])
        rows.append(
            dict(
                run_id=run.pk,
                indicator_id=refs.indicators[code],
                country_id=refs.countries[country],
                source=source,
                series=series,
                is_headline=bool(headline_rows[index]),
                n_obs=int(record["n_obs"]),
                first_year=record["first_year"],
                first_value=record["first_value"],
                latest_year=record["latest_year"],
                latest_value=record["latest_value"],
                baseline_value=record["baseline_value"],
                target=record["target"],
                model=record["model"] or "",
                rate=record["rate"],
                t_star=t_star,
                t_star_never=never,
                category=record["category"],
                cis_rule_applied=bool(record["cis_rule_applied"]),
                sheet_id=sheet_id,
                sheet_version=sheet_version,
                release_id=release_id,
                agency_id=agency_id,
            )
        )
    return rows


def _discrepancy_rows(
    run: EngineRun, table: pd.DataFrame, frame: pd.DataFrame, refs: _Refs
) -> list[dict[str, Any]]:
    opens = (table["status"] == "discrepant") | table["classification_differs"].astype(bool)
    prints = fingerprints(frame, table.loc[opens, ["indicator", "country", "series"]])
    rows = []
    for record in table.to_dict("records"):
        code = str(record["indicator"])
        rows.append(
            dict(
                run_id=run.pk,
                indicator_id=refs.indicators[code],
                country_id=refs.countries[record["country"]],
                series=record["series"],
                status=record["status"],
                common_years=int(record["common_years"]),
                discrepant_years=int(record["discrepant_years"]),
                max_abs_rel_diff=_none(record["max_abs_rel_diff"]),
                national_latest_year=_none(record["national_latest_year"]),
                international_latest_year=_none(record["international_latest_year"]),
                latest_year_differs=bool(record["latest_year_differs"]),
                international_estimated=bool(record["international_estimated"]),
                national_category=_none(record["national_category"]) or "",
                international_category=_none(record["international_category"]) or "",
                classification_differs=bool(record["classification_differs"]),
                fingerprint=prints.get((code, record["country"], record["series"]), ""),
            )
        )
    return rows


def _aggregate_rows(run: EngineRun, table: pd.DataFrame, refs: _Refs) -> list[dict[str, Any]]:
    rows = []
    for record in table.to_dict("records"):
        if record["region"] not in refs.regions:
            continue
        t_star, never = _t_star(record["t_star"])
        rows.append(
            dict(
                run_id=run.pk,
                indicator_id=refs.indicators[str(record["indicator"])],
                region_id=refs.regions[record["region"]],
                source=record["source"],
                year0=_none(record["year0"]),
                value0=_none(record["value0"]),
                year1=_none(record["year1"]),
                value1=_none(record["value1"]),
                coverage=_none(record["coverage"]),
                without_population=list(record.get("without_population", [])),
                n_members=int(record["n_members"]),
                n_imputed=int(record["n_imputed"]),
                category=record["category"],
                t_star=t_star,
                t_star_never=never,
            )
        )
    return rows


def _problem_dicts(
    error: engine.EngineInputError, frame: pd.DataFrame, code: str
) -> list[dict[str, Any]]:
    """The engine's problems, each with the country and sheet (or release) of its row."""
    out = []
    for problem in error.problems:
        item: dict[str, Any] = {"indicator": code, "text": str(problem), "message": problem.message}
        index = problem.line - 2
        if problem.source == "observations" and 0 <= index < len(frame):
            row = frame.iloc[index]
            item.update(
                indicator=str(row["indicator"]),
                country=row["country"],
                series=row["series"],
                year=_none(row["year"]),
                sheet=_none(row.get("sheet_id")),
                release=_none(row.get("release_id")),
            )
        out.append(item)
    return out


def _refs() -> _Refs:
    regions: dict[str, int | None] = dict(Region.objects.values_list("code", "pk"))
    regions[selectors.GROUP_CODE] = None
    return _Refs(
        countries=dict(Country.objects.values_list("iso3", "pk")),
        regions=regions,
        agencies=dict(Agency.objects.values_list("code", "pk")),
        indicators=dict(Indicator.objects.values_list("code", "pk")),
    )
