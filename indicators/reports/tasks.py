"""Celery tasks of the engine: thin, take ids, call one service, own the retries.

A run is ``engine_run_start`` (fix inputs) -> a chord of ``engine_run_indicators``
(one per chunk of ``services.CHUNK`` indicators, any worker) -> ``engine_run_finish`` (swap
results in); a run scoped to some countries takes larger chunks (``services.chord_chunks``).
With eager tasks (no broker) the same chord runs in-process; ``services.engine_run_inline``
runs the chunks of ``CHUNK`` without Celery.
"""

from __future__ import annotations

from typing import Any

from celery import chord, group, shared_task
from django.db import InterfaceError, OperationalError

from indicators.reports import services

RETRY = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def engine_run_start(self, run_id: int) -> int:
    """Fixes the run's inputs and fans out one task per chunk of indicators, joined by a chord."""
    codes = services.engine_run_dispatch(run_id=run_id)
    if not codes:
        services.engine_run_finish(run_id=run_id, outcomes=[])
        return 0
    chunks = services.chord_chunks(run_id=run_id, codes=codes)
    header = group(engine_run_indicators.s(run_id, chunk) for chunk in chunks)
    body = engine_run_finish.s(run_id).on_error(engine_run_failed.si(run_id))
    chord(header)(body)
    return len(codes)


@shared_task(**RETRY)
def engine_run_indicator(self, run_id: int, indicator_code: str) -> dict[str, Any]:
    """One indicator of a run: compute and stage its rows."""
    return services.engine_run_indicator(run_id=run_id, indicator_code=indicator_code)


@shared_task(**RETRY)
def engine_run_indicators(self, run_id: int, indicator_codes: list[str]) -> list[dict[str, Any]]:
    """A chunk of a run's indicators: one engine call, their rows staged together."""
    return services.engine_run_indicators(run_id=run_id, indicator_codes=indicator_codes)


@shared_task(**RETRY)
def engine_run_finish(self, outcomes: list[Any], run_id: int) -> str:
    """The chord's body: swap the run's results in (or record why it failed)."""
    return str(services.engine_run_finish(run_id=run_id, outcomes=outcomes).status)


@shared_task(bind=True, acks_late=True)
def engine_run_failed(self, run_id: int) -> None:
    """Error callback of the chord: a task gave up after its retries."""
    services.engine_run_fail(
        run_id=run_id, error="A task of this run failed after its retries; see the worker log."
    )


@shared_task(bind=True, acks_late=True)
def engine_run_nightly(self) -> int:
    """Celery beat: the full recompute every night."""
    from indicators.models import EngineRun

    run = services.engine_run_create(trigger=EngineRun.Trigger.NIGHTLY)
    engine_run_start.delay(run.pk)
    return run.pk
