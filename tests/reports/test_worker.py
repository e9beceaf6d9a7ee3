"""The chord over a real Celery worker stores exactly what an in-process run stores."""

import time

import pytest

from indicators.models import AggregateResult, DiscrepancyResult, EngineRun, SeriesResult
from indicators.reports import services

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _snapshot():
    def rows(model, fields):
        return sorted(model.objects.filter(is_current=True).values_list(*fields), key=repr)

    return (
        rows(
            SeriesResult,
            [
                "country_id",
                "indicator_id",
                "source",
                "series",
                "category",
                "first_value",
                "latest_value",
                "rate",
                "t_star",
                "target",
                "model",
                "sheet_id",
                "release_id",
                "is_headline",
            ],
        ),
        rows(
            DiscrepancyResult,
            [
                "country_id",
                "indicator_id",
                "series",
                "status",
                "max_abs_rel_diff",
                "fingerprint",
                "classification_differs",
            ],
        ),
        rows(
            AggregateResult,
            ["region_id", "indicator_id", "source", "value0", "value1", "coverage", "category"],
        ),
    )


def test_chord_on_a_real_worker_equals_in_process_run(world, celery_worker_process):
    from indicators.reports.tasks import engine_run_start

    local = services.engine_run_inline(run=services.engine_run_create(trigger="command"))
    assert local.status == "succeeded"
    expected = _snapshot()
    SeriesResult.objects.all().delete()
    DiscrepancyResult.objects.all().delete()
    AggregateResult.objects.all().delete()
    run = services.engine_run_create(trigger="command")
    engine_run_start.delay(run.pk)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert run.status == EngineRun.Status.SUCCEEDED, (run.status, run.error, run.problems)
    assert _snapshot() == expected
    assert run.counts["indicators"] == local.counts["indicators"] > 1
