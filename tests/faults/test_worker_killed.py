"""A Celery worker killed with SIGKILL in the middle of an engine run: a new worker finishes it.

The results equal a clean run's, and at every moment the current results are one complete
run's (the old set until the swap, then the new one), never a half-written mix.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from indicators.models import AggregateResult, DiscrepancyResult, EngineRun, SeriesResult
from indicators.reports import services
from portal.celery import app
from tests.reports.test_worker import _snapshot

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# The Redis transport redelivers the unacknowledged messages of a dead worker only after the
# visibility timeout (kombu's default: one hour; the settings do not change it and read no
# environment variable for it), so the workers of this test start with a short one.
VISIBILITY_TIMEOUT = 8
WORKER = (
    "import sys\n"
    "from portal.celery import app\n"
    "app.conf.broker_transport_options = {\n"
    "    **(app.conf.broker_transport_options or {}),\n"
    f"    'visibility_timeout': {VISIBILITY_TIMEOUT},\n"
    "}\n"
    "app.worker_main(sys.argv[1:])\n"
)


def _start_worker() -> tuple[subprocess.Popen, str]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
    }
    name = f"faults-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, "worker", "-l", "WARNING", "-c", "2", "-n", f"{name}@%h"],
        env=env,
        start_new_session=True,  # its own process group: SIGKILL reaches the pool children too
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the Celery worker exited with {proc.returncode}")
        replies = app.control.ping(timeout=1.0) or []
        if any(name in key for reply in replies for key in reply):
            return proc, name
    _kill(proc)
    pytest.fail("the Celery worker did not answer within 60 s")


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=20)


@pytest.fixture
def demo_world(db):
    if not settings.CELERY_BROKER_URL or connection.vendor != "postgresql":
        pytest.skip("needs a real worker: a Redis broker and PostgreSQL")
    from indicators.demo import demo_load as indicators_demo
    from portal.demo import demo_load as portal_demo
    from portal.services import reference_data_load

    reference_data_load()
    portal_demo()
    indicators_demo()


MODELS = (SeriesResult, DiscrepancyResult, AggregateResult)


def _current_by_run() -> list[dict[int, int]]:
    return [
        dict(
            model.objects.filter(is_current=True)
            .values_list("run_id")
            .annotate(n=Count("id"))
            .values_list("run_id", "n")
        )
        for model in MODELS
    ]


def _assert_complete(seen: list[dict[int, int]], sizes: list[int], runs: set[int]) -> None:
    """The current rows of each kind come from one run, and are all of it."""
    for by_run, size in zip(seen, sizes, strict=True):
        assert len(by_run) == 1, f"current results mix runs: {by_run}"
        ((run_id, n),) = by_run.items()
        assert run_id in runs and n == size, (by_run, size)


def test_worker_killed_mid_run_a_new_worker_completes_it_identically(demo_world):
    old = services.engine_run_inline(run=services.engine_run_create(trigger="command"))
    assert old.status == EngineRun.Status.SUCCEEDED, (old.error, old.problems)
    expected = _snapshot()
    sizes = [model.objects.filter(is_current=True).count() for model in MODELS]
    assert sizes[0] > 0
    app.control.purge()

    first, _name = _start_worker()
    second = None
    try:
        run = services.engine_run_create(trigger="command")
        from indicators.reports.tasks import engine_run_start

        engine_run_start.delay(run.pk)
        runs = {old.pk, run.pk}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            _assert_complete(_current_by_run(), sizes, runs)
            if SeriesResult.objects.filter(run=run, is_current=False).exists():
                break
            run.refresh_from_db()
            assert run.status in ("queued", "running"), "the run ended before the kill"
            time.sleep(0.02)
        else:
            pytest.fail("the run never started staging results")
        _kill(first)
        run.refresh_from_db()
        assert run.status == EngineRun.Status.RUNNING, "the run ended before the kill"
        killed_at = time.monotonic()

        second, _name = _start_worker()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            _assert_complete(_current_by_run(), sizes, runs)
            run.refresh_from_db()
            if run.status not in ("queued", "running"):
                break
            time.sleep(0.2)
        recovered_in = time.monotonic() - killed_at
        assert run.status == EngineRun.Status.SUCCEEDED, (run.status, run.error, run.problems)
        _assert_complete(_current_by_run(), sizes, {run.pk})
        assert _snapshot() == expected
        assert not SeriesResult.objects.filter(is_current=False).exists()
        assert recovered_in < 120
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    _kill(proc)
