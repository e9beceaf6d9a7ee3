"""Redis unreachable while a focal point submits and the coordinator accepts: nothing is lost.

The machine's Redis keeps running (other runs use it): the web process's broker and result
store are pointed at a closed port (127.0.0.1:1) when a broker is configured, or the publish
itself raises kombu's OperationalError (embedded default, where tasks would otherwise run
in-process).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager

import pytest
from celery.app.task import Task
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from kombu.exceptions import OperationalError as BrokerError

from indicators import selectors, services
from indicators.models import DataSheet, EngineRun, Observation, SheetEvent
from portal import outbox
from portal.celery import app
from portal.models import PendingTask
from tests.conftest import wait_until_workers_idle
from tests.indicators.conftest import PORTAL_CSV

CLOSED = "redis://127.0.0.1:1/0"
URL_KEYS = ("broker_url", "broker_write_url", "broker_read_url", "result_backend")


def _reset_pools() -> None:
    """Forget the connections made with the previous URLs (they are rebuilt on demand)."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@contextmanager
def broker_at(url: str):
    """The web process's broker and result store (one Redis in production) are at `url`;
    restored afterwards."""
    saved = {key: app.conf[key] for key in URL_KEYS}
    try:
        for key in URL_KEYS:
            app.conf[key] = url
        _reset_pools()
        yield
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        _reset_pools()


def broker_at_closed_port():
    """The web process's Redis is a port nobody listens on."""
    return broker_at(CLOSED)


@contextmanager
def publish_refused(monkeypatch):
    """Every task publish raises kombu's OperationalError, as a dead Redis makes it; yields
    the list of the tasks whose publication was attempted."""
    attempted: list[str] = []

    def refused(self, *args, **kwargs):
        attempted.append(self.name)
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(Task, "apply_async", refused)
        yield attempted


class SilentRedis:
    """A port that accepts connections and closes them at once, counting them: a Redis that
    is there and answers nothing."""

    def __init__(self) -> None:
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self._server.getsockname()[1]}/0"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                peer, _address = self._server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            peer.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._server.close()


@contextmanager
def broker_down(monkeypatch):
    if django_settings.CELERY_BROKER_URL:
        with broker_at_closed_port():
            yield
    else:
        with publish_refused(monkeypatch):
            yield


def _draft(world, round_2026):
    fp = world.users["focal_point"]
    sheet = services.datasheet_create(country=world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    sheet.refresh_from_db()
    return sheet


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _submit_and_accept_while_down(world, round_2026, outage):
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


def _event(sheet, kind):
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


@pytest.mark.django_db(transaction=True)
def test_a_dead_broker_is_tried_once_and_the_submission_is_acknowledged(
    sheet_world, round_2026, monkeypatch
):
    """The request stores the submission, tries the broker once and answers; the outbox row
    is the durable record and the sweep delivers it once the broker is back."""
    sheet = _draft(sheet_world, round_2026)
    fp = _client(sheet_world.users["focal_point"])
    silent = SilentRedis() if django_settings.CELERY_BROKER_URL else None
    try:
        with broker_at(silent.url) if silent else publish_refused(monkeypatch) as attempted:
            response = fp.post(
                f"/data/sheets/{sheet.pk}/submit/", {"lock_version": sheet.lock_version}
            )
            assert response.status_code == 302, response.content[:2000]
            assert "Submitted." in fp.get(response["Location"]).content.decode()
            tries = silent.connections if silent else len(attempted)
    finally:
        if silent:
            silent.close()
    assert tries == 1, f"the broker was tried {tries} times for one task"
    sheet.refresh_from_db()
    assert sheet.status == DataSheet.Status.SUBMITTED
    pending = PendingTask.objects.get()
    assert (pending.task, pending.args) == (
        "indicators.tasks.sheet_event_notify",
        [_event(sheet, "submitted")],
    )
    assert pending.attempts == 1 and pending.last_error
    assert outbox.sweep() == (1, 0)


def _queued_run(country_codes):
    """A recomputation waiting in the outbox, as engine_run_queue leaves it during an outage."""
    run = EngineRun.objects.create(
        trigger=EngineRun.Trigger.SHEET_ACCEPTED, country_codes=country_codes
    )
    PendingTask.objects.create(
        task="indicators.reports.tasks.engine_run_start", args=[run.pk], key=f"run:{run.pk}"
    )
    return run


@pytest.mark.django_db
def test_pending_work_names_only_the_sheets_a_queued_run_recomputes(sheet_world, round_2026):
    fp_a, fp_b = sheet_world.users["focal_point"], sheet_world.users["focal_point_b"]
    kaz = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp_a)
    kgz = services.datasheet_create(country=sheet_world.country_b, round=round_2026, user=fp_b)
    DataSheet.objects.filter(pk__in=[kaz.pk, kgz.pk]).update(status="accepted", is_current=True)
    kaz.refresh_from_db()
    kgz.refresh_from_db()
    draft = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp_a)
    assert not any(selectors.pending_work(sheet=s) for s in (kaz, kgz, draft))

    kaz_run = _queued_run(["KAZ"])
    assert selectors.pending_work(sheet=kaz)
    assert not selectors.pending_work(sheet=kgz)  # another country's recomputation
    assert not selectors.pending_work(sheet=draft)  # not published: no results to recompute
    page = _client(fp_b).get(f"/data/sheets/{kgz.pk}/").content.decode()
    assert "are pending" not in page

    PendingTask.objects.filter(key=f"run:{kaz_run.pk}").delete()
    _queued_run(None)  # a full recompute concerns every published sheet
    assert selectors.pending_work(sheet=kaz) and selectors.pending_work(sheet=kgz)
    assert not selectors.pending_work(sheet=draft)

    PendingTask.objects.all().delete()
    PendingTask.objects.create(task="x", key=f"sheet:{draft.pk}")  # its own notification
    assert selectors.pending_work(sheet=draft)
    assert not selectors.pending_work(sheet=kaz)


# Last in the module on purpose: its worker (module-scoped) lives until the module ends, and
# would otherwise take the tasks that later tests sweep to the real broker while their
# database is being flushed (TRUNCATE against the worker's transaction: a deadlock).
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
    wait_until_workers_idle()  # the two notifications too, before the flush
