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
never duplicates anything.

This module is the orchestration (query -> engine -> store); the parts live beside it:
``versions`` (which results name which input version, which newer runs already wrote a
run's scope), ``rows`` (engine tables to result rows, the reference ids they use),
``store`` (staging, clearing, scoping and counting a run's result rows), ``cases``
(discrepancy cases), ``population`` (population loading, aggregates whose coverage is
unknown), and the pandas helpers in ``indicators.engine.series``. Every public name stays
importable from here."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import engine
from indicators.models import (
    AggregateResult,
    DataSheet,
    DiscrepancyResult,
    EngineRun,
    Indicator,
    InternationalObservation,
    InternationalRelease,
    Observation,
    SeriesResult,
)
from indicators.reports import selectors, store

# Re-exported: ``indicators.reports.services`` stays the one import for every service.
from indicators.reports.cases import (
    FORUM_THREAD_MAX,
    FORUM_THREAD_VIEWS,
    case_answer,
    cases_sync,
    clean_forum_thread,
)
from indicators.reports.population import population_load, population_load_file, unknown_coverage
from indicators.reports.rows import (
    _aggregate_rows,
    _discrepancy_rows,
    _problem_dicts,
    _Refs,
    _refs,
    _series_rows,
)
from indicators.reports.store import BATCH, RESULT_MODELS, _clear_staged, _counts, _scope
from indicators.reports.versions import (
    _covers,
    _follow_versions,
    _newer,
    _release_keys,
    _repoint,
    affected_by_sheet,
)
from portal import permissions as base
from portal.logging import log_event
from portal.models import User

logger = logging.getLogger(__name__)

__all__ = [
    "BATCH",
    "CHUNK",
    "FORUM_THREAD_MAX",
    "FORUM_THREAD_VIEWS",
    "SCOPED_CHUNK",
    "RESULT_MODELS",
    "Outcome",
    "affected_by_sheet",
    "case_answer",
    "cases_sync",
    "chord_chunks",
    "chunks",
    "clean_forum_thread",
    "compute_indicator",
    "engine_queue_for_release",
    "engine_queue_for_sheet",
    "engine_run_create",
    "engine_run_dispatch",
    "engine_run_fail",
    "engine_run_finish",
    "engine_run_indicator",
    "engine_run_indicators",
    "engine_run_inline",
    "engine_run_queue",
    "engine_run_request",
    "population_load",
    "population_load_file",
    "unknown_coverage",
]

Outcome = dict[str, Any]
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
    # The indicators (among the run's, when it has a scope) with at least one observation
    # of those inputs: one EXISTS per indicator, each answered by the first row its index
    # finds, instead of the distinct indicator ids of every observation of every input.
    national = Observation.objects.filter(
        sheet_id__in=sheets, area__isnull=True, indicator_id=OuterRef("pk")
    )
    international = InternationalObservation.objects.filter(
        release_id__in=releases, indicator_id=OuterRef("pk")
    )
    candidates = Indicator.objects.order_by()
    if run.indicator_codes is not None:
        candidates = candidates.filter(code__in=run.indicator_codes)
    with_data = set(
        candidates.filter(Exists(national) | Exists(international)).values_list("code", flat=True)
    )
    # An indicator without data has no rows to compute; its old rows still leave at the swap.
    log_event(
        logger,
        "engine_run.start",
        run_id=run.pk,
        sheets=len(sheets),
        releases=len(releases),
        indicators=len(with_data),
    )
    return sorted(with_data)


# --- step 2: indicators, one chunk at a time -------------------------------------

CHUNK = 10  # indicators per task: the engine's fixed costs are paid once per chunk
# Indicators per chunk of a run scoped to some countries (``chord_chunks``). 100 indicators
# of the 200-country bench, tasks in-process: 10 chunks 5.0 s, peak 190 MB; 2 chunks 3.8 s,
# 365 MB; 1 chunk 3.5 s, 575 MB; on 2 Celery workers: 10 chunks 4.5 s, 2 chunks 3.2 s
# (docs/performance.md).
SCOPED_CHUNK = 50


def chunks(codes: Sequence[str], size: int | None = None) -> list[list[str]]:
    """``codes`` in consecutive slices of at most ``size`` (default ``CHUNK``): one Celery
    task each, or one call each in ``engine_run_inline``."""
    codes, size = list(codes), size or CHUNK
    return [codes[i : i + size] for i in range(0, len(codes), size)]


def chord_chunks(*, run_id: int, codes: Sequence[str]) -> list[list[str]]:
    """The chunks of ``codes`` that ``engine_run_start`` fans out for run ``run_id``.

    Chunks of ``CHUNK`` let several workers share a run of every country, where every row a
    chunk reads is assessed. In a run scoped to some countries (a sheet accepted) the fixed
    costs of a chunk are most of its time: every chunk reads and aggregates all the members
    of those countries' regions (the working group: every member) to recompute a few
    countries. Such a run takes chunks of ``SCOPED_CHUNK``: 100 indicators are 2 chunks, one
    per worker of 2 (or one after the other with eager tasks), computing the same rows (an
    indicator's results do not depend on the others of its chunk)."""
    if len(codes) > CHUNK:
        scoped = EngineRun.objects.filter(pk=run_id).values_list("country_codes", flat=True)
        if scoped.first() is not None:
            return chunks(codes, size=SCOPED_CHUNK)
    return chunks(codes)


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
        # COPY on PostgreSQL (store.py): the same rows bulk_create would write.
        store.stage(SeriesResult, _series_rows(run, assessed, scoped, refs))
        store.stage(DiscrepancyResult, _discrepancy_rows(run, table, scoped, refs))
        store.stage(AggregateResult, _aggregate_rows(run, aggregates, refs))
    counted = assessed["indicator"].astype(str).value_counts()
    for outcome in outcomes:
        outcome["series"] = int(counted.get(outcome["indicator"], 0))
    return outcomes


def engine_run_indicator(*, run_id: int, indicator_code: str) -> Outcome:
    """``engine_run_indicators`` for one indicator."""
    return engine_run_indicators(run_id=run_id, indicator_codes=[indicator_code])[0]


# --- step 3: finish ----------------------------------------------------------------


def _fail(run: EngineRun, *, problems: list[dict[str, Any]], error: str) -> EngineRun:
    _clear_staged(run)
    run.status, run.problems, run.error = EngineRun.Status.FAILED, problems, error
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "problems", "error", "finished_at"])
    _log_end(run, problems=len(problems))
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
    _log_end(run, indicators=len(outcomes), cases=cases)
    return run


def _log_end(run: EngineRun, **fields: Any) -> None:
    """The structured event of a run's end: status, duration since it started, counts."""
    log_event(
        logger, "engine_run.end", run_id=run.pk, status=run.status, duration=run.duration, **fields
    )


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
