"""Reads for the engine and the report pages: the ORM in, DataFrames (or plain rows) out.

What feeds the engine (docs/performance.md and docs/methodology.md, *Reports*):
- national: observations of the *current accepted* sheet of each country and round,
  national totals only (``area`` blank); subnational areas stay on the sheet pages.
  When a country has current sheets in several rounds, each (country, indicator) is
  taken from the newest round whose sheet reports it, so a series comes from one sheet;
- international: observations of each agency's current release; when two agencies
  publish the same (country, indicator, series), the indicator's custodian wins, else
  the agency with the first code;
- countries: every country with its ``cis`` flag and its region memberships, plus the
  pseudo-region ``GROUP_CODE`` holding every member country of the working group.

The summaries and lookups of the report pages are in ``selectors.pages``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import FloatField, Q, QuerySet
from django.db.models.functions import Cast

from indicators.engine.assess import ASSESS_COLUMNS
from indicators.models import (
    DataSheet,
    Indicator,
    InternationalObservation,
    InternationalRelease,
    Observation,
    Population,
)
from portal.models import Country, Region

GROUP_CODE = "__group__"
OBS_COLUMNS = ["country", "indicator", "source", "series", "year", "value", "nature"]
INDICATOR_COLUMNS = [
    "indicator",
    "target_kind",
    "target_value",
    "desired_direction",
    "cutoff",
    "baseline_year",
    "target_year",
    "min_span_years",
    "rel_tolerance",
    "abs_tolerance",
]


def inputs_snapshot() -> dict[str, list[dict[str, Any]]]:
    """The versions a run reads: every current accepted sheet and every current release.

    Out: ``{"sheets": [{id, country, round, version, rank}], "releases": [{id, agency,
    version}]}``; ``rank`` orders rounds (newest highest). Never reads unpublished sheets.
    """
    sheets = (
        DataSheet.objects.filter(is_current=True, status=DataSheet.Status.ACCEPTED)
        .order_by("round__opens_on", "round_id", "country__iso3")
        .values_list("pk", "country__iso3", "round__code", "round_id", "version")
    )
    ranks: dict[int, int] = {}
    rows = []
    for pk, iso3, round_code, round_id, version in sheets:
        rank = ranks.setdefault(round_id, len(ranks))
        rows.append(
            {"id": pk, "country": iso3, "round": round_code, "version": version, "rank": rank}
        )
    releases = (
        InternationalRelease.objects.filter(is_current=True)
        .order_by("agency__code")
        .values_list("pk", "agency__code", "version")
    )
    return {
        "sheets": rows,
        "releases": [{"id": pk, "agency": code, "version": v} for pk, code, v in releases],
    }


def indicators_frame(codes: Iterable[str] | None = None) -> pd.DataFrame:
    """The indicator table of the engine (docs/engine.md, *Inputs*), by code."""
    rows = Indicator.objects.all()
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    fields = ["code", *INDICATOR_COLUMNS[1:]]
    frame = pd.DataFrame(list(rows.values_list(*fields)), columns=INDICATOR_COLUMNS)
    return frame.sort_values("indicator").reset_index(drop=True)


def countries_frame(*, with_regions: bool = False) -> pd.DataFrame:
    """Every country with its CIS flag; with regions, one row per membership as well.

    Regions are those with at least one working-group member, plus ``GROUP_CODE``
    (every member country).
    """
    countries = list(Country.objects.values_list("iso3", "cis", "is_member"))
    frame = pd.DataFrame(
        {"country": [c[0] for c in countries], "cis": [c[1] for c in countries], "region": ""}
    )
    if not with_regions:
        return frame[["country", "cis"]]
    cis = dict((c[0], c[1]) for c in countries)
    members = [(iso3, GROUP_CODE) for iso3, _, member in countries if member]
    through = Region.members.through
    relevant = set(
        through.objects.filter(country__is_member=True).values_list("region_id", flat=True)
    )
    members += list(
        through.objects.filter(region_id__in=relevant).values_list("country__iso3", "region__code")
    )
    extra = pd.DataFrame(members, columns=["country", "region"])
    extra["cis"] = extra["country"].map(cis).fillna(False).astype(bool)
    return pd.concat([frame, extra[["country", "cis", "region"]]], ignore_index=True)


def regions_of(countries: pd.DataFrame, country_codes: Collection[str]) -> list[str]:
    """Codes of the regions (``GROUP_CODE`` included) holding any of ``country_codes``, from
    a ``countries_frame(with_regions=True)``: the aggregates that their figures enter."""
    memberships = countries[countries["region"] != ""]
    return sorted(set(memberships.loc[memberships["country"].isin(country_codes), "region"]))


def countries_in_regions(countries: pd.DataFrame, region_codes: Collection[str]) -> pd.DataFrame:
    """``countries`` (a ``countries_frame(with_regions=True)``) keeping every country's own
    row but only the memberships of ``region_codes``: the engine then aggregates only those
    regions, each exactly as with the whole table (a region's aggregate reads its members)."""
    keep = (countries["region"] == "") | countries["region"].isin(region_codes)
    return countries[keep].reset_index(drop=True)


def population_frame() -> pd.DataFrame:
    """Weights for the aggregates: country, year, population, indicator ('' = default)."""
    rows = Population.objects.values_list("country__iso3", "year", "value", "indicator__code")
    frame = pd.DataFrame(list(rows), columns=["country", "year", "population", "indicator"])
    frame["indicator"] = frame["indicator"].fillna("")
    return frame


def _empty_observations() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in OBS_COLUMNS})
    frame["year"] = frame["year"].astype(np.int64)
    frame["value"] = frame["value"].astype(np.float64)
    return frame


def _fetch(rows: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` query as the driver returns them: plain ids, numbers
    and strings need none of the ORM's per-row converters (a third of the read time)."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # an empty ``__in`` list: nothing to read
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _wanted_indicators(codes: Sequence[str]) -> dict[int, str]:
    return dict(Indicator.objects.filter(code__in=list(codes)).values_list("pk", "code"))


def national_frame(
    *,
    snapshot: dict[str, list[dict[str, Any]]],
    indicator_codes: Sequence[str],
    country_codes: Collection[str] | None = None,
) -> pd.DataFrame:
    """National totals of the snapshot's sheets for ``indicator_codes`` (and, when given,
    only the sheets of ``country_codes``).

    Out: OBS_COLUMNS plus ``sheet_id`` and ``sheet_version``; one sheet per (country,
    indicator): the newest round's. Rows in no particular order (the engine sorts).
    """
    sheets = {
        s["id"]: s
        for s in snapshot["sheets"]
        if country_codes is None or s["country"] in country_codes
    }
    codes = _wanted_indicators(indicator_codes) if sheets and indicator_codes else {}
    if not codes:
        return _empty_observations().assign(sheet_id=pd.Series(dtype=np.int64))
    # Ids, no joins and no ordering (the model's ordering joins the areas and sorts
    # every row): this read is most of an incremental run's database time.
    rows = (
        Observation.objects.filter(
            sheet_id__in=list(sheets), indicator_id__in=list(codes), area__isnull=True
        )
        .order_by()
        .annotate(v=Cast("value", FloatField()))
        .values_list("sheet_id", "indicator_id", "disaggregation", "year", "v", "nature")
    )
    frame = pd.DataFrame(
        _fetch(rows), columns=["sheet_id", "indicator", "series", "year", "value", "nature"]
    )
    if frame.empty:
        return _empty_observations().assign(sheet_id=pd.Series(dtype=np.int64))
    frame["indicator"] = frame["indicator"].map(codes)
    frame["country"] = frame["sheet_id"].map({k: s["country"] for k, s in sheets.items()})
    frame["rank"] = frame["sheet_id"].map({k: s["rank"] for k, s in sheets.items()})
    newest = frame.groupby(["country", "indicator"])["rank"].transform("max")
    frame = frame[frame["rank"] == newest].drop(columns="rank")
    frame["sheet_version"] = frame["sheet_id"].map({k: s["version"] for k, s in sheets.items()})
    frame["source"] = "national"
    frame["value"] = frame["value"].astype(np.float64)
    frame["year"] = frame["year"].astype(np.int64)
    return frame[[*OBS_COLUMNS, "sheet_id", "sheet_version"]].reset_index(drop=True)


def international_frame(
    *,
    snapshot: dict[str, list[dict[str, Any]]],
    indicator_codes: Sequence[str],
    country_codes: Collection[str] | None = None,
) -> pd.DataFrame:
    """International figures of the snapshot's releases for ``indicator_codes`` (and, when
    given, only of ``country_codes``).

    Out: OBS_COLUMNS plus ``release_id`` and ``agency``; one agency per series: the
    indicator's custodian if it publishes the series, else the first agency code.
    """
    releases = {r["id"]: r for r in snapshot["releases"]}
    codes = _wanted_indicators(indicator_codes) if releases and indicator_codes else {}
    if not codes:
        return _empty_observations().assign(release_id=pd.Series(dtype=np.int64))
    iso3 = dict(Country.objects.values_list("pk", "iso3"))
    found = InternationalObservation.objects.filter(
        release_id__in=list(releases), indicator_id__in=list(codes)
    )
    if country_codes is not None:
        wanted = set(country_codes)
        found = found.filter(country_id__in=[pk for pk, code in iso3.items() if code in wanted])
    rows = (
        found.order_by()
        .annotate(v=Cast("value", FloatField()))
        .values_list(
            "release_id", "country_id", "indicator_id", "disaggregation", "year", "v", "nature"
        )
    )
    columns = ["release_id", "country", "indicator", "series", "year", "value", "nature"]
    frame = pd.DataFrame(_fetch(rows), columns=columns)
    if frame.empty:
        return _empty_observations().assign(release_id=pd.Series(dtype=np.int64))
    frame["country"] = frame["country"].map(iso3)
    frame["indicator"] = frame["indicator"].map(codes)
    frame["agency"] = frame["release_id"].map({k: r["agency"] for k, r in releases.items()})
    if len(set(frame["agency"])) > 1:
        custodians = dict(
            Indicator.objects.filter(code__in=list(indicator_codes)).values_list(
                "code", "custodian__code"
            )
        )
        is_custodian = frame["agency"] == frame["indicator"].map(custodians)
        frame["priority"] = np.where(is_custodian, "0", "1") + frame["agency"]
        keys = ["country", "indicator", "series"]
        best = frame.groupby(keys)["priority"].transform("min")
        frame = frame[frame["priority"] == best].drop(columns="priority")
    frame["source"] = "international"
    frame["value"] = frame["value"].astype(np.float64)
    frame["year"] = frame["year"].astype(np.int64)
    return frame[[*OBS_COLUMNS, "release_id", "agency"]].reset_index(drop=True)


def observations_frame(
    *,
    snapshot: dict[str, list[dict[str, Any]]],
    indicator_codes: Sequence[str],
    country_codes: Collection[str] | None = None,
) -> pd.DataFrame:
    """Both sources for the engine, with ``sheet_id``/``release_id`` to explain each row;
    only of ``country_codes`` when given (every country otherwise)."""
    wanted = None if country_codes is None else set(country_codes)
    national = national_frame(
        snapshot=snapshot, indicator_codes=indicator_codes, country_codes=wanted
    )
    international = international_frame(
        snapshot=snapshot, indicator_codes=indicator_codes, country_codes=wanted
    )
    frame = pd.concat([national, international], ignore_index=True)
    for column in ("sheet_id", "sheet_version", "release_id"):
        if column not in frame.columns:
            frame[column] = np.nan
    if "agency" not in frame.columns:
        frame["agency"] = None
    return frame


# --- pages --------------------------------------------------------------------------

# A stored series result as the pages read it: the engine's columns (foreign keys by id),
# then what the database adds.
SERIES_FIELDS = [
    "pk",
    "run_id",
    *(
        f"{column}_id" if column in ("country", "indicator") else column
        for column in ASSESS_COLUMNS
    ),
    "is_headline",
    "t_star_never",
    "sheet_id",
    "sheet_version",
    "release_id",
    "agency__code",
    "release__note",
]


# What the progress table (page and exports) reads of each result: no joins.
PROGRESS_FIELDS = [
    "run_id",
    "country_id",
    "indicator_id",
    "source",
    "first_year",
    "first_value",
    "latest_year",
    "latest_value",
    "target",
    "category",
]


def report_regions() -> list[Region]:
    """Regions with at least one working-group member, for the filters."""
    return list(Region.objects.filter(members__is_member=True).distinct().order_by("kind", "code"))


def report_countries(region: Region | None) -> list[Country]:
    countries = Country.objects.filter(is_member=True)
    if region is not None:
        countries = Country.objects.filter(regions=region)
    return list(countries.order_by("name_en").only("pk", "iso3", "name_en", "name_es"))


def report_indicators(goal: str | None = None) -> list[Indicator]:
    indicators = Indicator.objects.order_by("framework", "code")
    if goal:
        indicators = indicators.filter(goal=goal)
    return list(indicators)


def goals() -> list[str]:
    values = set(Indicator.objects.values_list("goal", flat=True))
    return sorted(values, key=lambda g: (len(g), g))


def headline_results(
    *,
    country_ids: Sequence[int] | None = None,
    indicator_ids: Sequence[int] | None = None,
    fields: Sequence[str] = SERIES_FIELDS,
) -> dict[tuple[int, int, str], dict[str, Any]]:
    """Current headline series results by (country id, indicator id, source), as dicts
    of ``fields`` (which must include the three keys)."""
    from indicators.models import SeriesResult

    rows = SeriesResult.objects.filter(is_current=True, is_headline=True)
    if country_ids is not None:
        rows = rows.filter(country_id__in=list(country_ids))
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=list(indicator_ids))
    return {(r["country_id"], r["indicator_id"], r["source"]): r for r in rows.values(*fields)}


def aggregate_results(
    *, region: Region | None, indicator_ids: Sequence[int]
) -> dict[tuple[int, str], dict[str, Any]]:
    from indicators.models import AggregateResult

    rows = AggregateResult.objects.filter(
        is_current=True, indicator_id__in=list(indicator_ids), region=region
    )
    return {(r["indicator_id"], r["source"]): dict(r) for r in rows.values()}


def population_status() -> dict[str, int]:
    from django.db.models import Count

    return Population.objects.aggregate(rows=Count("pk"), demo=Count("pk", filter=Q(is_demo=True)))


def chart_points(
    results: Iterable[dict[str, Any]],
) -> dict[tuple[int, int, str, str], list[tuple[int, float, str]]]:
    """The values behind results: from exactly the sheet or release each result names.

    Out: (country id, indicator id, source, series) -> [(year, value, nature)], sorted.
    Two queries whatever the number of results.
    """
    results = list(results)
    sheets = {r["sheet_id"] for r in results if r.get("sheet_id")}
    releases = {r["release_id"] for r in results if r.get("release_id")}
    indicator_ids = {r["indicator_id"] for r in results}
    wanted = {(r["country_id"], r["indicator_id"], r["source"], r["series"]) for r in results}
    out: dict[tuple[int, int, str, str], list[tuple[int, float, str]]] = {}
    national = (
        Observation.objects.filter(
            sheet_id__in=sheets, indicator_id__in=indicator_ids, area__isnull=True
        )
        .annotate(v=Cast("value", FloatField()))
        .values_list("sheet__country_id", "indicator_id", "disaggregation", "year", "v", "nature")
    )
    international = (
        InternationalObservation.objects.filter(
            release_id__in=releases, indicator_id__in=indicator_ids
        )
        .annotate(v=Cast("value", FloatField()))
        .values_list("country_id", "indicator_id", "disaggregation", "year", "v", "nature")
    )
    for source, rows in (
        ("national", national if sheets else []),
        ("international", international if releases else []),
    ):
        for country_id, indicator_id, series, year, value, nature in rows:
            key = (country_id, indicator_id, source, series)
            if key in wanted:
                out.setdefault(key, []).append((year, value, nature))
    for points in out.values():
        points.sort()
    return out
