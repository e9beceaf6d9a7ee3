"""The outbox: a broker outage during a submission loses nothing; the sweep sends it later."""

import pytest
from celery import current_app
from django.core import mail

from indicators import services
from portal import outbox
from portal.models import PendingTask
from tests.indicators.conftest import PORTAL_CSV


def _draft(world, round_2026):
    fp = world.users["focal_point"]
    sheet = services.datasheet_create(country=world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    return sheet


@pytest.mark.django_db(transaction=True)
def test_submission_survives_a_broker_outage_and_the_sweep_delivers(
    sheet_world, round_2026, monkeypatch, client, settings
):
    sheet = _draft(sheet_world, round_2026)
    from indicators.tasks import sheet_event_notify

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    # Patch the task's class, never the task object (a Celery proxy): undoing an instance
    # patch leaves the original bound method in the task's __dict__, which then shadows
    # every later class-level patch (tests/faults/test_broker_down.py's outage).
    monkeypatch.setattr(
        type(current_app.tasks[sheet_event_notify.name]), "apply_async", broker_down
    )
    client.force_login(sheet_world.users["focal_point"])
    response = client.post(f"/data/sheets/{sheet.pk}/submit/", follow=True)
    assert response.status_code == 200 and "Submitted" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    pending = PendingTask.objects.get()
    assert pending.attempts == 1 and "redis is down" in pending.last_error
    assert outbox.is_pending(f"sheet:{sheet.pk}")

    monkeypatch.undo()
    mail.outbox.clear()
    published, remaining = outbox.sweep()
    assert (published, remaining) == (1, 0)
    if settings.CELERY_TASK_ALWAYS_EAGER:  # embedded default: the task ran in this process
        assert [m.to for m in mail.outbox] == [[sheet_world.users["coordinator"].email]]
