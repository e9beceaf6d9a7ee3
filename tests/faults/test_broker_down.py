"""Redis unreachable while a focal point submits and the coordinator accepts: nothing is lost.

The machine's Redis keeps running (other runs use it): the web process is pointed at a closed
port (127.0.0.1:1) when a broker is configured, or the publish itself raises kombu's
OperationalError (embedded default, where tasks would otherwise run in-process).
"""

from __future__ import annotations

import re
import time
from contextlib import contextmanager

import pytest
from celery.app.task import Task
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from kombu.exceptions import OperationalError as BrokerError

from indicators import services
from indicators.models import DataSheet, EngineRun, Observation, SheetEvent
from portal import outbox
from portal.celery import app
from portal.models import PendingTask
from tests.indicators.conftest import PORTAL_CSV

CLOSED = "redis://127.0.0.1:1/0"
URL_KEYS = ("broker_url", "broker_write_url", "broker_read_url")


def _reset_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at_closed_port():  # type: ignore[no-untyped-def]
    """The web process's broker is a port nobody listens on; restored afterwards."""
    saved = {key: app.conf[key] for key in URL_KEYS}
    try:
        for key in URL_KEYS:
            app.conf[key] = CLOSED
        _reset_pools()
        yield
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        _reset_pools()


@contextmanager
def publish_refused(monkeypatch):  # type: ignore[no-untyped-def]
    """Every task publish raises kombu's OperationalError, as a dead Redis makes it."""

    def refused(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(Task, "apply_async", refused)
        yield


@contextmanager
def broker_down(monkeypatch):  # type: ignore[no-untyped-def]
    if django_settings.CELERY_BROKER_URL:
        with broker_at_closed_port():
            yield
    else:
        with publish_refused(monkeypatch):
            yield


def _draft(world, round_2026):  # type: ignore[no-untyped-def]
    fp = world.users["focal_point"]
    sheet = services.datasheet_create(country=world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    sheet.refresh_from_db()
    return sheet


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _submit_and_accept_while_down(world, round_2026, outage):  # type: ignore[no-untyped-def]
    sheet = _draft(world, round_2026)
    fp = _client(world.users["focal_point"])
    coordinator = _client(world.users["coordinator"])
    with outage():
        started = time.monotonic()
        response = fp.post(f"/data/sheets/{sheet.pk}/submit/", {"lock_version": sheet.lock_version})
        submit_seconds = time.monotonic() - started
        assert response.status_code == 302, response.content[:2000]
        page = fp.get(response["Location"])
        assert page.status_code == 200
        assert "Submitted." in page.content.decode()  # the success message
        sheet.refresh_from_db()
        assert sheet.status == DataSheet.Status.SUBMITTED
        assert Observation.objects.filter(sheet=sheet).count() == 4
        pending = list(PendingTask.objects.values_list("task", "args", "attempts"))
        assert pending == [("indicators.tasks.sheet_event_notify", [_event(sheet, "submitted")], 1)]
        assert outbox.is_pending(f"sheet:{sheet.pk}")

        review = coordinator.post(f"/data/sheets/{sheet.pk}/review/", {"decision": "accept"})
        assert review.status_code == 302, review.content[:2000]
        sheet.refresh_from_db()
        assert sheet.status == DataSheet.Status.ACCEPTED and sheet.is_current
    tasks = sorted(PendingTask.objects.values_list("task", flat=True))
    # The accept records the recomputation run and queues it through the outbox.
    assert tasks[0] == "indicators.reports.tasks.engine_run_start", tasks
    assert tasks[1:] == ["indicators.tasks.sheet_event_notify"] * 2, tasks
    assert all(p.last_error for p in PendingTask.objects.all())
    return sheet, fp, submit_seconds


def _event(sheet, kind):  # type: ignore[no-untyped-def]
    return SheetEvent.objects.get(sheet=sheet, kind=kind).pk


@pytest.mark.django_db(transaction=True)
def test_submission_while_redis_is_unreachable_is_kept_and_swept_later(
    sheet_world, round_2026, monkeypatch
):
    sheet, _fp, submit_seconds = _submit_and_accept_while_down(
        sheet_world, round_2026, lambda: broker_down(monkeypatch)
    )
    assert submit_seconds < 30, f"the submit request took {submit_seconds:.1f} s"
    mail.outbox.clear()
    published, remaining = outbox.sweep()
    assert (published, remaining) == (3, 0)
    if django_settings.CELERY_TASK_ALWAYS_EAGER:
        # Embedded default: the swept tasks ran here: the mails and the recomputation.
        assert len(mail.outbox) >= 2
        run = EngineRun.objects.get(trigger=EngineRun.Trigger.SHEET_ACCEPTED)
        assert run.status == EngineRun.Status.SUCCEEDED, (run.error, run.problems)
        assert run.country_codes == ["KAZ"] and run.indicator_codes == ["3.2.1"]


@pytest.mark.django_db(transaction=True)
def test_sweep_while_still_down_keeps_everything(sheet_world, round_2026, monkeypatch):
    _submit_and_accept_while_down(sheet_world, round_2026, lambda: publish_refused(monkeypatch))
    with publish_refused(monkeypatch):
        assert outbox.sweep() == (0, 3)
    assert set(PendingTask.objects.values_list("attempts", flat=True)) == {2}
    assert outbox.sweep() == (3, 0)


@pytest.mark.django_db(transaction=True)
def test_sheet_page_shows_pending_work_during_an_outage(sheet_world, round_2026, monkeypatch):
    sheet, fp, _seconds = _submit_and_accept_while_down(
        sheet_world, round_2026, lambda: publish_refused(monkeypatch)
    )
    page = fp.get(f"/data/sheets/{sheet.pk}/").content.decode()
    assert re.search(r"pending|queued|not yet|pendiente|en cola", page, re.IGNORECASE)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_after_the_outage_a_real_worker_recomputes(
    sheet_world, round_2026, monkeypatch, celery_worker_process
):
    sheet, _fp, _seconds = _submit_and_accept_while_down(
        sheet_world, round_2026, lambda: publish_refused(monkeypatch)
    )
    assert not EngineRun.objects.exclude(status=EngineRun.Status.QUEUED).exists()
    assert outbox.sweep() == (3, 0)
    deadline = time.monotonic() + 90
    run = None
    while time.monotonic() < deadline:
        run = EngineRun.objects.filter(trigger=EngineRun.Trigger.SHEET_ACCEPTED).first()
        if run is not None and run.status not in ("queued", "running"):
            break
        time.sleep(0.5)
    assert run is not None, "the worker never queued the recomputation"
    assert run.status == EngineRun.Status.SUCCEEDED, (run.status, run.error, run.problems)
    assert run.country_codes == ["KAZ"] and run.indicator_codes == ["3.2.1"]
    assert not PendingTask.objects.exists()
    assert run.counts
