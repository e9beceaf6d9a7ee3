"""Runs of the indicator engine: what to recompute, computing one indicator, swapping results in.

A run goes through three steps, each a service the Celery tasks call (tasks.py):

1. ``engine_run_dispatch``: fixes the run's inputs (the current accepted sheets and
   current releases, with their versions), the regions whose aggregates it recomputes
   (those holding its countries; every region for a run of every country) and lists its
   indicators;
2. ``engine_run_indicators`` (one per chunk of ``CHUNK`` indicators, fanned out as a
   Celery group): reads those indicators' observations of exactly those inputs (only of
   the run's countries and of the members of its regions), runs the engine once on them
   and writes *staged* rows (``is_current`` false) in one transaction, replacing any
   staged rows a killed attempt left;
3. ``engine_run_finish`` (the chord's body): in one transaction, replaces the current
   rows of the run's scope with its staged rows (except where a newer run already wrote),
   opens or reopens discrepancy cases, records the counts; or, if any indicator failed,
   deletes the staged rows, keeps the previous results current and records every problem.

A run scoped to some countries therefore stores exactly what a run of every country
would store for them: series and discrepancies are per country, and a region's aggregate
reads only its own members. Every step is idempotent, so a retried task (acks_late)
never duplicates anything."""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import engine
from indicators.models import (
    AggregateResult,
    CaseComment,
    DataSheet,
    DiscrepancyCase,
    DiscrepancyResult,
    EngineRun,
    Indicator,
    InternationalObservation,
    InternationalRelease,
    Observation,
    Population,
    SeriesResult,
)
from indicators.reports import selectors
from portal import permissions as base
from portal.models import Agency, Country, Region, User

BATCH = 5000
Outcome = dict[str, Any]
RESULT_MODELS = (SeriesResult, DiscrepancyResult, AggregateResult)


# --- starting runs -----------------------------------------------------------------


def engine_run_create(
    *,
    trigger: str,
    user: User | None = None,
    indicator_codes: Sequence[str] | None = None,
    country_codes: Sequence[str] | None = None,
    parameters: dict[str, Any] | None = None,
) -> EngineRun:
    """Records a queued run. ``None`` scopes mean every indicator / every country."""
    return EngineRun.objects.create(
        trigger=trigger,
        started_by=user,
        indicator_codes=sorted(set(indicator_codes)) if indicator_codes is not None else None,
        country_codes=sorted(set(country_codes)) if country_codes is not None else None,
        parameters=parameters or {},
    )


def engine_run_queue(
    *,
    trigger: str,
    user: User | None = None,
    indicator_codes: Sequence[str] | None = None,
    country_codes: Sequence[str] | None = None,
) -> EngineRun:
    """Creates a run and queues it once the surrounding transaction commits."""
    from portal.outbox import enqueue

    with transaction.atomic():
        run = engine_run_create(
            trigger=trigger, user=user, indicator_codes=indicator_codes, country_codes=country_codes
        )
        enqueue("indicators.reports.tasks.engine_run_start", run.pk, key=f"run:{run.pk}")
    return run


def engine_run_request(*, user: User) -> EngineRun:
    """The coordinator's button: a full recompute. Raises PermissionDenied for anyone else."""
    if not base.can_run_engine(user):
        raise PermissionDenied(_("Only the coordinator can run the indicator engine."))
    return engine_run_queue(trigger=EngineRun.Trigger.MANUAL, user=user)


def _sheet_values(sheet_id: int) -> set[tuple[str, str, int, str]]:
    rows = (
        Observation.objects.filter(sheet_id=sheet_id, area__isnull=True)
        .order_by()
        .values_list("indicator__code", "disaggregation", "year", "value")
    )
    return {(code, series, year, str(value)) for code, series, year, value in rows}


def _repoint(
    rows: QuerySet[SeriesResult],
    *,
    old: dict[str, int],
    new: dict[str, int],
    changed: set[tuple[str, str, str]],
) -> int:
    """Results read from an older version (``old``: its ``sheet_id`` or ``release_id``) now
    name the current one (``new``) where their series has the same values in both (not in
    ``changed``: (country, indicator, series) keys): what a full run would name.
    Out: how many results were updated."""
    stale = rows.filter(**old).values_list("pk", "country__iso3", "indicator__code", "series")
    ids = [pk for pk, *key in stale if tuple(key) not in changed]
    for start in range(0, len(ids), 500):
        SeriesResult.objects.filter(pk__in=ids[start : start + 500]).update(**new)
    return len(ids)


def affected_by_sheet(sheet: DataSheet) -> list[str]:
    """Indicators whose national totals changed with ``sheet`` against the version it replaces.

    With no earlier version (or one of another round), every indicator of either sheet.
    The current results of the unchanged series of the replaced version are made to name
    ``sheet`` (their figures are the same).
    """
    new = _sheet_values(sheet.pk)
    previous = sheet.supersedes_id
    old = _sheet_values(previous) if previous else set()
    changed = {key[0] for key in new ^ old}
    current = SeriesResult.objects.filter(
        is_current=True, country_id=sheet.country_id, source="national"
    )
    held = set(current.values_list("indicator__code", flat=True))
    if previous is None:
        changed |= held & {key[0] for key in new}
    else:
        _repoint(
            current,
            old={"sheet_id": previous},
            new={"sheet_id": sheet.pk, "sheet_version": sheet.version},
            changed={(sheet.country.iso3, key[0], key[1]) for key in new ^ old},
        )
    return sorted(changed)


def engine_queue_for_sheet(*, sheet_id: int) -> EngineRun | None:
    """After a sheet is accepted: recompute its country for the indicators that changed."""
    sheet = DataSheet.objects.select_related("country").get(pk=sheet_id)
    if not sheet.is_current:
        return None
    codes = affected_by_sheet(sheet)
    if not codes:
        return None
    return engine_run_queue(
        trigger=EngineRun.Trigger.SHEET_ACCEPTED,
        user=sheet.reviewed_by,
        indicator_codes=codes,
        country_codes=[sheet.country.iso3],
    )


def _release_keys(
    release_id: int, indicator_ids: Collection[int] | None = None
) -> set[tuple[str, str, str, int, str]]:
    rows = InternationalObservation.objects.filter(release_id=release_id)
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=list(indicator_ids))
    values = rows.order_by().values_list(
        "country__iso3", "indicator__code", "disaggregation", "year", "value"
    )
    return {(c, i, s, y, str(v)) for c, i, s, y, v in values}


def engine_queue_for_release(*, release_id: int) -> EngineRun | None:
    """After an agency's release is loaded: recompute the (indicator, country) pairs it changed.

    The current results of the unchanged series of the agency's previous release are made to
    name this one (their figures are the same)."""
    release = InternationalRelease.objects.get(pk=release_id)
    previous = (
        InternationalRelease.objects.filter(
            agency_id=release.agency_id, version__lt=release.version
        )
        .order_by("-version")
        .first()
    )
    changed = _release_keys(release.pk) ^ (_release_keys(previous.pk) if previous else set())
    if previous is not None and release.is_current:
        _repoint(
            SeriesResult.objects.filter(is_current=True, source="international"),
            old={"release_id": previous.pk},
            new={"release_id": release.pk},
            changed={key[:3] for key in changed},
        )
    if not changed:
        return None
    return engine_run_queue(
        trigger=EngineRun.Trigger.INTERNATIONAL_LOADED,
        user=release.loaded_by,
        indicator_codes=sorted({key[1] for key in changed}),
        country_codes=sorted({key[0] for key in changed}),
    )


def _follow_versions(rows: QuerySet[SeriesResult]) -> None:
    """``_repoint`` for results of a run that read a sheet or release replaced while it ran
    (a run finishing after a newer one): they name the current version where their series
    did not change, as if the replacement had come before the run."""
    sheets = DataSheet.objects.filter(
        pk__in=rows.filter(source="national", sheet__is_current=False).values("sheet_id")
    )
    for old in sheets.select_related("country"):
        new = DataSheet.objects.filter(
            country_id=old.country_id,
            round_id=old.round_id,
            is_current=True,
            status=DataSheet.Status.ACCEPTED,
        ).first()
        if new is not None:
            changed = _sheet_values(old.pk) ^ _sheet_values(new.pk)
            _repoint(
                rows,
                old={"sheet_id": old.pk},
                new={"sheet_id": new.pk, "sheet_version": new.version},
                changed={(old.country.iso3, key[0], key[1]) for key in changed},
            )
    stale = rows.filter(source="international", release__is_current=False)
    releases = InternationalRelease.objects.filter(pk__in=stale.values("release_id"))
    for old_release in releases:
        current = InternationalRelease.objects.filter(
            agency_id=old_release.agency_id, is_current=True
        ).first()
        if current is not None:
            indicators = set(
                stale.filter(release=old_release).values_list("indicator_id", flat=True)
            )
            changed_keys = _release_keys(old_release.pk, indicators) ^ _release_keys(
                current.pk, indicators
            )
            _repoint(
                rows,
                old={"release_id": old_release.pk},
                new={"release_id": current.pk},
                changed={key[:3] for key in changed_keys},
            )


# --- step 1: dispatch --------------------------------------------------------------


def engine_run_dispatch(*, run_id: int) -> list[str]:
    """Fixes the run's inputs and returns the indicator codes to compute (none if finished)."""
    with transaction.atomic():
        run = EngineRun.objects.select_for_update().get(pk=run_id)
        if run.status not in (EngineRun.Status.QUEUED, EngineRun.Status.RUNNING):
            return []
        if run.status == EngineRun.Status.QUEUED:
            run.inputs = selectors.inputs_snapshot()
            run.parameters = {
                **run.parameters,
                "national": "current accepted sheets, national totals (area blank)",
                "international": "current release of each agency; custodian first",
                "engine": "indicators.engine assess, discrepancies, aggregate",
            }
            run.status, run.started_at = EngineRun.Status.RUNNING, timezone.now()
            # Only the aggregates of the regions holding the run's countries can change.
            if run.country_codes is not None:
                run.region_codes = selectors.regions_of(_shared(run).countries, run.country_codes)
            run.save(update_fields=["inputs", "parameters", "status", "started_at", "region_codes"])
    sheets = [s["id"] for s in run.inputs.get("sheets", [])]
    releases = [r["id"] for r in run.inputs.get("releases", [])]
    # Distinct indicator ids (no ordering: the model's ordering would make DISTINCT
    # return every row), only among the run's indicators when it has a scope.
    national = Observation.objects.filter(sheet_id__in=sheets, area__isnull=True)
    international = InternationalObservation.objects.filter(release_id__in=releases)
    if run.indicator_codes is not None:
        wanted = list(
            Indicator.objects.filter(code__in=run.indicator_codes).values_list("pk", flat=True)
        )
        national = national.filter(indicator_id__in=wanted)
        international = international.filter(indicator_id__in=wanted)
    ids = set(national.order_by().values_list("indicator_id", flat=True).distinct())
    ids |= set(international.order_by().values_list("indicator_id", flat=True).distinct())
    with_data = set(Indicator.objects.filter(pk__in=ids).values_list("code", flat=True))
    # An indicator without data has no rows to compute; its old rows still leave at the swap.
    if run.indicator_codes is not None:
        with_data &= set(run.indicator_codes)
    return sorted(with_data)


# --- step 2: indicators, one chunk at a time -------------------------------------

CHUNK = 10  # indicators per task: the engine's fixed costs are paid once per chunk


def chunks(codes: Sequence[str], size: int | None = None) -> list[list[str]]:
    """``codes`` in consecutive slices of at most ``size`` (default ``CHUNK``): one Celery
    task each, or one call each in ``engine_run_inline``."""
    codes, size = list(codes), size or CHUNK
    return [codes[i : i + size] for i in range(0, len(codes), size)]


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


@dataclass
class _Shared:
    """What every chunk of a run reads alike: read once per run and process."""

    key: tuple[int, Any]
    refs: _Refs
    countries: pd.DataFrame
    population: pd.DataFrame

    def scope(self, run: EngineRun) -> tuple[pd.DataFrame, set[str] | None]:
        """The country table with the memberships of the regions ``run`` aggregates, and the
        countries whose observations it reads (``None``: every country)."""
        if run.region_codes is None:
            return self.countries, None
        countries = selectors.countries_in_regions(self.countries, run.region_codes)
        members = countries.loc[countries["region"] != "", "country"]
        return countries, set(members) | set(run.country_codes or [])


_shared_cache: dict[str, _Shared] = {}


def _refs() -> _Refs:
    regions: dict[str, int | None] = dict(Region.objects.values_list("code", "pk"))
    regions[selectors.GROUP_CODE] = None
    return _Refs(
        countries=dict(Country.objects.values_list("iso3", "pk")),
        regions=regions,
        agencies=dict(Agency.objects.values_list("code", "pk")),
        indicators=dict(Indicator.objects.values_list("code", "pk")),
    )


def _shared(run: EngineRun) -> _Shared:
    """Reference tables, countries and population of ``run``; cached for the run's tasks."""
    key = (run.pk, run.started_at)
    cached = _shared_cache.get("run")
    if cached is None or cached.key != key:
        cached = _Shared(
            key=key,
            refs=_refs(),
            countries=selectors.countries_frame(with_regions=True),
            population=selectors.population_frame(),
        )
        _shared_cache["run"] = cached
    return cached


def _fingerprints(frame: pd.DataFrame, keys: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    """A hash of the compared values (both sources) per (indicator, country, series) in ``keys``."""
    if keys.empty:
        return {}
    on = ["indicator", "country", "series"]
    rows = frame.merge(keys[on], on=on)
    rows = rows.sort_values([*on, "source", "year"])
    rows = rows.assign(
        text=rows["source"].str[0] + rows["year"].astype(str) + "=" + rows["value"].map(repr)
    )
    joined = rows.groupby(on, sort=False)["text"].agg(";".join)
    fingerprints: dict[tuple[str, str, str], str] = {}
    for key, text in joined.items():
        parts = cast(tuple[object, object, object], key)
        digest = hashlib.sha1(str(text).encode(), usedforsecurity=False).hexdigest()
        fingerprints[(str(parts[0]), str(parts[1]), str(parts[2]))] = digest
    return fingerprints


def _headline(assessed: pd.DataFrame) -> np.ndarray:
    """Per (indicator, country, source): the blank key, else the fewest dimensions, then first."""
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


def _column(table: pd.DataFrame, name: str) -> list[Any]:
    """A column as plain Python values, blanks (NaN, NA) as None."""
    return [_none(v) for v in table[name].astype(object).tolist()]


def _series_rows(
    run: EngineRun, assessed: pd.DataFrame, frame: pd.DataFrame, refs: _Refs
) -> list[SeriesResult]:
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
    headline = _headline(assessed).tolist()
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
            SeriesResult(
                run=run,
                indicator_id=refs.indicators[code],
                country_id=refs.countries[country],
                source=source,
                series=series,
                is_headline=bool(headline[index]),
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
) -> list[DiscrepancyResult]:
    opens = (table["status"] == "discrepant") | table["classification_differs"].astype(bool)
    prints = _fingerprints(frame, table.loc[opens, ["indicator", "country", "series"]])
    rows = []
    for record in table.to_dict("records"):
        code = str(record["indicator"])
        rows.append(
            DiscrepancyResult(
                run=run,
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


def _aggregate_rows(run: EngineRun, table: pd.DataFrame, refs: _Refs) -> list[AggregateResult]:
    rows = []
    for record in table.to_dict("records"):
        if record["region"] not in refs.regions:
            continue
        t_star, never = _t_star(record["t_star"])
        rows.append(
            AggregateResult(
                run=run,
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


def compute_indicator(
    *,
    code: str,
    frame: pd.DataFrame,
    indicators: pd.DataFrame,
    countries: pd.DataFrame,
    population: pd.DataFrame,
    country_codes: Sequence[str] | None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Pure step: the engine on the frame of one indicator or of several (``code`` only
    names them in messages). Out: (scoped frame, assess, discrepancies, aggregates).
    Raises EngineInputError."""
    scoped = frame if country_codes is None else frame[frame["country"].isin(country_codes)]
    scoped = scoped.reset_index(drop=True)
    cis = countries.drop_duplicates("country")[["country", "cis"]]
    columns = selectors.OBS_COLUMNS
    assessed = engine.assess(scoped[columns], indicators, cis)
    table = engine.discrepancies(scoped[columns], indicators, cis)
    totals = frame.loc[frame["series"] == "", columns].reset_index(drop=True)
    aggregates = engine.aggregate(totals, indicators, countries, population)
    return scoped, assessed, table, unknown_coverage(aggregates, countries, population)


def unknown_coverage(
    aggregates: pd.DataFrame, countries: pd.DataFrame, population: pd.DataFrame
) -> pd.DataFrame:
    """The engine's aggregates with a ``without_population`` column: the members of the
    region (in ``countries``) lacking a population figure, indicator-specific or default,
    for year0 or year1. Where any is missing the coverage is unknown, not the share of
    the members that have one: coverage and values are blanked and the category is
    ``insufficient_coverage``."""
    out = aggregates.copy()
    known = set(
        zip(
            population["country"],
            population["indicator"],
            population["year"].astype(int),
            strict=True,
        )
    )
    members = countries[countries["region"] != ""].groupby("region")["country"].agg(sorted)
    missing: list[list[str]] = []
    for record in out.to_dict("records"):
        years = {int(record["year0"]), int(record["year1"])}
        code = str(record["indicator"])
        missing.append(
            [
                country
                for country in members.get(record["region"], [])
                if any(
                    (country, code, year) not in known and (country, "", year) not in known
                    for year in years
                )
            ]
        )
    out["without_population"] = pd.Series(missing, index=out.index, dtype=object)
    unknown = out["without_population"].map(bool).astype(bool)
    if unknown.any():
        out.loc[unknown, ["coverage", "value0", "value1", "t_star"]] = np.nan
        out.loc[unknown, "category"] = "insufficient_coverage"
    return out


def _clear_staged(run: EngineRun, indicator_ids: Sequence[int] | None = None) -> None:
    for model in RESULT_MODELS:
        rows = model.objects.filter(run=run, is_current=False)
        if indicator_ids is not None:
            rows = rows.filter(indicator_id__in=list(indicator_ids))
        rows.delete()


def engine_run_indicators(*, run_id: int, indicator_codes: Sequence[str]) -> list[Outcome]:
    """Runs the engine on a chunk of a run's indicators and stages their rows (one
    transaction); one engine call for the whole chunk, whose results are per indicator
    what calling it on each indicator gives.

    Out: one ``{"indicator", "series", "problems", "error"}`` per indicator; input
    problems are returned, not raised, so the run's last step can record all of them.
    Safe to repeat.
    """
    codes = sorted(set(indicator_codes))
    outcomes: list[Outcome] = [
        {"indicator": code, "series": 0, "problems": [], "error": ""} for code in codes
    ]
    run = EngineRun.objects.get(pk=run_id)
    if run.status != EngineRun.Status.RUNNING or not codes:
        return outcomes
    shared = _shared(run)
    countries, readers = shared.scope(run)
    frame = selectors.observations_frame(
        snapshot=run.inputs, indicator_codes=codes, country_codes=readers
    )
    scoped = frame
    try:
        scoped, assessed, table, aggregates = compute_indicator(
            code=",".join(codes),
            frame=frame,
            indicators=selectors.indicators_frame(codes),
            countries=countries,
            population=shared.population,
            country_codes=run.country_codes,
        )
    except engine.EngineInputError as error:
        by_code = {o["indicator"]: o for o in outcomes}
        for problem in _problem_dicts(error, frame, codes[0]):
            by_code.get(problem["indicator"], outcomes[0])["problems"].append(problem)
        return outcomes
    refs = shared.refs
    with transaction.atomic():
        # A redelivered copy of this task (its worker died) may finish after the run did:
        # re-check under the run's lock, which the last step also takes, so late rows are never
        # written beside a finished run.
        locked = EngineRun.objects.select_for_update().get(pk=run_id)
        if locked.status != EngineRun.Status.RUNNING:
            return outcomes
        _clear_staged(run, [refs.indicators[code] for code in codes])
        series = _series_rows(run, assessed, scoped, refs)
        SeriesResult.objects.bulk_create(series, batch_size=BATCH)
        DiscrepancyResult.objects.bulk_create(
            _discrepancy_rows(run, table, scoped, refs), batch_size=BATCH
        )
        AggregateResult.objects.bulk_create(
            _aggregate_rows(run, aggregates, refs), batch_size=BATCH
        )
    counted = assessed["indicator"].astype(str).value_counts()
    for outcome in outcomes:
        outcome["series"] = int(counted.get(outcome["indicator"], 0))
    return outcomes


def engine_run_indicator(*, run_id: int, indicator_code: str) -> Outcome:
    """``engine_run_indicators`` for one indicator."""
    return engine_run_indicators(run_id=run_id, indicator_codes=[indicator_code])[0]


# --- step 3: finish ----------------------------------------------------------------


def _scope(run: EngineRun, model: type[Any]) -> Q:
    """The rows of ``model`` that ``run`` recomputes: its indicators x its countries, or for
    the aggregates x its regions (``None`` scopes: all)."""
    scope = Q()
    if run.indicator_codes is not None:
        scope &= Q(indicator__code__in=run.indicator_codes)
    if model is AggregateResult:
        if run.region_codes is not None:
            codes = [code for code in run.region_codes if code != selectors.GROUP_CODE]
            regions = Q(region__code__in=codes)
            if selectors.GROUP_CODE in run.region_codes:
                regions |= Q(region__isnull=True)
            scope &= regions
    elif run.country_codes is not None:
        scope &= Q(country__iso3__in=run.country_codes)
    return scope


def _overlaps(a: list[str] | None, b: list[str] | None) -> bool:
    return a is None or b is None or bool(set(a) & set(b))


def _within(a: list[str] | None, b: list[str] | None) -> bool:
    return b is None or (a is not None and set(a) <= set(b))


def _newer(run: EngineRun) -> list[EngineRun]:
    """Runs created after ``run`` that already succeeded on a scope overlapping its own.

    Created later, such a run read every change that triggered ``run`` (inputs are fixed
    when a run starts, after it is created), so where the scopes overlap its rows stand.
    """
    newer = EngineRun.objects.filter(pk__gt=run.pk, status=EngineRun.Status.SUCCEEDED)
    return [
        other
        for other in newer.only("indicator_codes", "country_codes", "region_codes")
        if _overlaps(run.indicator_codes, other.indicator_codes)
        and (
            _overlaps(run.country_codes, other.country_codes)
            or _overlaps(run.region_codes, other.region_codes)
        )
    ]


def _covers(other: EngineRun, run: EngineRun) -> bool:
    return (
        _within(run.indicator_codes, other.indicator_codes)
        and _within(run.country_codes, other.country_codes)
        and _within(run.region_codes, other.region_codes)
    )


def _counts(run: EngineRun) -> dict[str, Any]:
    def tally(model: Any, field: str, **filters: Any) -> dict[str, int]:
        rows = model.objects.filter(run=run, **filters).values(field).annotate(n=Count("pk"))
        return {row[field]: row["n"] for row in rows}

    return {
        "national": tally(SeriesResult, "category", source="national"),
        "international": tally(SeriesResult, "category", source="international"),
        "discrepancies": tally(DiscrepancyResult, "status"),
        "aggregates": tally(AggregateResult, "category"),
    }


def _fail(run: EngineRun, *, problems: list[dict[str, Any]], error: str) -> EngineRun:
    _clear_staged(run)
    run.status, run.problems, run.error = EngineRun.Status.FAILED, problems, error
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "problems", "error", "finished_at"])
    return run


def _flat(outcomes: Iterable[Outcome | list[Outcome]]) -> list[Outcome]:
    """The outcomes of a chord: one per indicator, or one list per chunk of indicators."""
    out: list[Outcome] = []
    for outcome in outcomes:
        out.extend(outcome if isinstance(outcome, list) else [outcome])
    return out


def engine_run_finish(*, run_id: int, outcomes: Iterable[Outcome | list[Outcome]]) -> EngineRun:
    """Swaps the run's staged rows in for its scope, or fails it keeping the old results.

    In one transaction: on any problem or error, the staged rows go and the run is
    ``failed`` with every problem; else the current rows of the scope are replaced,
    cases opened or reopened, counts recorded and the run ``succeeded``. Idempotent.
    """
    outcomes = _flat(outcomes)
    with transaction.atomic():
        run = EngineRun.objects.select_for_update().get(pk=run_id)
        if run.status != EngineRun.Status.RUNNING:
            return run
        problems = [p for outcome in outcomes for p in outcome.get("problems", [])]
        errors = [f"{o['indicator']}: {o['error']}" for o in outcomes if o.get("error")]
        if problems or errors:
            message = _("The engine rejected its inputs; the previous results stay current.")
            return _fail(run, problems=problems, error="\n".join(errors) or message)
        newer = _newer(run)
        if any(_covers(other, run) for other in newer):
            _clear_staged(run)
            run.status, run.finished_at = EngineRun.Status.SUPERSEDED, timezone.now()
            run.save(update_fields=["status", "finished_at"])
            return run
        for model in RESULT_MODELS:
            # Where a newer run already wrote (say the whole group's aggregate, after two
            # sheets of different countries), its rows stay and this run's go.
            for other in newer:
                model.objects.filter(_scope(other, model), run=run).delete()
            model.objects.filter(_scope(run, model), is_current=True, run_id__lt=run.pk).delete()
            model.objects.filter(run=run).update(is_current=True)
        _follow_versions(SeriesResult.objects.filter(run=run))
        cases = cases_sync(run=run)
        run.counts = {**_counts(run), "cases": cases, "indicators": len(outcomes)}
        run.status, run.finished_at = EngineRun.Status.SUCCEEDED, timezone.now()
        run.save(update_fields=["counts", "status", "finished_at"])
    return run


def engine_run_fail(*, run_id: int, error: str) -> EngineRun:
    """A run whose tasks gave up (retries exhausted): failed, previous results kept."""
    with transaction.atomic():
        run = EngineRun.objects.select_for_update().get(pk=run_id)
        if run.status in (EngineRun.Status.QUEUED, EngineRun.Status.RUNNING):
            _fail(run, problems=[], error=error)
    return run


def engine_run_inline(*, run: EngineRun) -> EngineRun:
    """The whole run in this process, without Celery (command line, benchmarks, tests): the
    same steps and the same chunks of indicators as the Celery chord, one after the other."""
    codes = engine_run_dispatch(run_id=run.pk)
    try:
        outcomes = [
            engine_run_indicators(run_id=run.pk, indicator_codes=chunk) for chunk in chunks(codes)
        ]
    except Exception as exc:  # noqa: BLE001 - recorded on the run, then re-raised
        engine_run_fail(run_id=run.pk, error=repr(exc))
        raise
    return engine_run_finish(run_id=run.pk, outcomes=outcomes)


# --- discrepancy cases -------------------------------------------------------------


def _case_kind(row: DiscrepancyResult) -> str:
    kinds = []
    if row.status == "discrepant":
        kinds.append("discrepant")
    if row.classification_differs:
        kinds.append("classification_differs")
    return ",".join(kinds)


def cases_sync(*, run: EngineRun) -> dict[str, int]:
    """Opens a case per new discrepant (or differently classified) series of the run;
    reopens a closed case whose compared values changed. Out: counts opened/reopened."""
    rows = list(
        DiscrepancyResult.objects.filter(run=run, is_current=True)
        .filter(Q(status="discrepant") | Q(classification_differs=True))
        .only(
            "country_id",
            "indicator_id",
            "series",
            "status",
            "classification_differs",
            "fingerprint",
        )
    )
    if not rows:
        return {"opened": 0, "reopened": 0}
    indicator_ids = {row.indicator_id for row in rows}
    country_ids = {row.country_id for row in rows}
    # Only the keys and fingerprints of the existing cases: a case is loaded whole only
    # when its fingerprint changed (thousands of cases, few changes).
    known = {
        (country, indicator, series): (pk, fingerprint)
        for pk, country, indicator, series, fingerprint in DiscrepancyCase.objects.filter(
            indicator_id__in=indicator_ids, country_id__in=country_ids
        ).values_list("pk", "country_id", "indicator_id", "series", "fingerprint")
    }
    changed = [
        known[(row.country_id, row.indicator_id, row.series)][0]
        for row in rows
        if (row.country_id, row.indicator_id, row.series) in known
        and known[(row.country_id, row.indicator_id, row.series)][1] != row.fingerprint
    ]
    existing = {
        (c.country_id, c.indicator_id, c.series): c
        for c in DiscrepancyCase.objects.filter(pk__in=changed)
    }
    agencies = {
        (c, i, s): a
        for c, i, s, a in SeriesResult.objects.filter(
            run=run, source="international", indicator_id__in=indicator_ids
        ).values_list("country_id", "indicator_id", "series", "agency_id")
    }
    new, comments, reopened = [], [], 0
    now = timezone.now()
    for row in rows:
        key = (row.country_id, row.indicator_id, row.series)
        if key in known and key not in existing:
            continue  # same fingerprint: nothing to do
        case = existing.get(key)
        if case is None:
            new.append(
                DiscrepancyCase(
                    country_id=row.country_id,
                    indicator_id=row.indicator_id,
                    series=row.series,
                    agency_id=agencies.get(key),
                    kind=_case_kind(row),
                    fingerprint=row.fingerprint,
                    opened_at=now,
                    opened_by_run=run,
                )
            )
            continue
        if case.fingerprint == row.fingerprint:
            continue
        if case.is_closed:
            case.status, case.closed_at = DiscrepancyCase.Status.OPEN, None
            case.times_reopened += 1
            reopened += 1
            comments.append(
                CaseComment(
                    case=case,
                    side=CaseComment.Side.ENGINE,
                    text=_("Reopened: the compared figures changed (engine run #%(run)s).")
                    % {"run": run.pk},
                )
            )
        case.fingerprint, case.kind = row.fingerprint, _case_kind(row)
        case.save(
            update_fields=[
                "status",
                "closed_at",
                "times_reopened",
                "fingerprint",
                "kind",
                "updated_at",
            ]
        )
    DiscrepancyCase.objects.bulk_create(new, batch_size=BATCH)
    CaseComment.objects.bulk_create(comments)
    return {"opened": len(new), "reopened": reopened}


def _side(user: User, case: DiscrepancyCase) -> str:
    if base.is_coordinator(user):
        return CaseComment.Side.SECRETARIAT
    if base.is_country_focal_point(user, case.country):
        return CaseComment.Side.COUNTRY
    return CaseComment.Side.AGENCY


FORUM_THREAD_MAX = 200
FORUM_THREAD_VIEWS = frozenset({"forum:topic", "forum:post"})


def clean_forum_thread(value: str) -> str:
    """A case's forum-thread link: empty, or a link to a topic or post of the portal's forum.

    Accepted: `/forum/t/12/` or the same on one of the site's own hosts over http(s).
    Refused with a ValidationError (field `forum_thread`): `javascript:` and every other
    scheme, other sites, pages that are not a forum topic or post, more than 200 characters.
    """
    from portal.redirects import site_match

    value = value.strip()
    if not value:
        return ""
    if len(value) > FORUM_THREAD_MAX:
        raise ValidationError(
            {
                "forum_thread": _(
                    "Forum thread: the link has %(length)d characters; at most %(max)d."
                )
                % {"length": len(value), "max": FORUM_THREAD_MAX}
            }
        )
    hosts = {host for host in settings.ALLOWED_HOSTS if host != "*"}
    match = site_match(value, allowed_hosts=hosts)
    if match is None or match.view_name not in FORUM_THREAD_VIEWS:
        raise ValidationError(
            {
                "forum_thread": _(
                    "Forum thread: give the link of a topic or post of this portal's forum "
                    "(for example /forum/t/12/)."
                )
            }
        )
    return value


def case_answer(
    *,
    case: DiscrepancyCase,
    user: User,
    text: str = "",
    status: str | None = None,
    reason: str | None = None,
    forum_thread: str | None = None,
) -> DiscrepancyCase:
    """A country, agency or coordinator answer: a comment and/or a new status, reason, link.

    Raises PermissionDenied (``can_answer_case``) or ValidationError (unknown status or
    reason, or nothing to record).
    """
    if not base.can_answer_case(user, case.country, case.agency):
        raise PermissionDenied(_("You cannot answer this discrepancy case."))
    if status is not None and status not in DiscrepancyCase.Status.values:
        raise ValidationError(_("Unknown status."))
    if reason and reason not in DiscrepancyCase.Reason.values:
        raise ValidationError(_("Unknown reason."))
    if not (text.strip() or status or reason is not None or forum_thread is not None):
        raise ValidationError(_("Nothing to record."))
    if forum_thread is not None:
        forum_thread = clean_forum_thread(forum_thread)
    with transaction.atomic():
        case = DiscrepancyCase.objects.select_for_update().get(pk=case.pk)
        fields = ["updated_at"]
        if status and status != case.status:
            case.status = status
            case.closed_at = timezone.now() if status in DiscrepancyCase.CLOSED else None
            fields += ["status", "closed_at"]
        if reason is not None:
            case.reason = reason
            fields.append("reason")
        if forum_thread is not None:
            case.forum_thread = forum_thread
            fields.append("forum_thread")
        case.save(update_fields=fields)
        if text.strip():
            CaseComment.objects.create(
                case=case, author=user, side=_side(user, case), text=text.strip()
            )
    return case


# --- population --------------------------------------------------------------------


def population_load(*, text: str, is_demo: bool = False, source: str = "") -> int:
    """Loads ``country,year,population[,indicator]`` CSV text (``#`` lines are comments).

    Replaces the rows of the same keys; all or nothing. Out: rows stored. Raises
    ValidationError listing every bad line.
    """
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    countries = dict(Country.objects.values_list("iso3", "pk"))
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    problems: list[str] = []
    rows: dict[tuple[int, int | None, int], float] = {}
    for line, record in enumerate(reader, start=2):
        iso3 = (record.get("country") or "").strip()
        code = (record.get("indicator") or "").strip()
        try:
            year, value = int(record.get("year") or ""), float(record.get("population") or "")
            if value < 0 or not math.isfinite(value):
                raise ValueError
        except ValueError:
            problems.append(_("line %(line)s: year or population is not a number") % {"line": line})
            continue
        if iso3 not in countries or (code and code not in indicators):
            problems.append(_("line %(line)s: unknown country or indicator") % {"line": line})
            continue
        rows[(countries[iso3], indicators.get(code) if code else None, year)] = value
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        for (country_id, indicator_id, year), value in rows.items():
            Population.objects.update_or_create(
                country_id=country_id,
                indicator_id=indicator_id,
                year=year,
                defaults={"value": value, "is_demo": is_demo, "source": source},
            )
    return len(rows)


def population_load_file(*, path: Path, is_demo: bool | None = None) -> int:
    """``population_load`` on a file; a file whose comments say DEMONSTRATION is demo data."""
    text = path.read_text(encoding="utf-8")
    demo = "DEMONSTRATION" in text.upper() if is_demo is None else is_demo
    return population_load(text=text, is_demo=demo, source=path.name)
