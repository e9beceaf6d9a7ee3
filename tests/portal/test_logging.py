"""Structured log events of imports, e-mails, outbox deliveries and engine runs, and the
production formatter that writes them one JSON object a line."""

import json
import logging

import pytest
from django.core import mail

from indicators import services
from indicators.models import SheetEvent
from indicators.reports import services as reports
from indicators.services.notifications import sheet_event_notify_send
from portal import outbox
from portal.logging import JsonFormatter, log_event
from portal.models import PendingTask
from tests.indicators.conftest import PORTAL_CSV

pytestmark = pytest.mark.django_db


def _events(caplog, name):
    return [r for r in caplog.records if getattr(r, "event", None) == name]


def test_the_json_formatter_writes_every_field_of_an_event():
    logger = logging.getLogger("tests.logging")
    record = logger.makeRecord(
        "tests.logging",
        logging.INFO,
        __file__,
        1,
        "import.sheet",
        None,
        None,
        extra={"event": "import.sheet", "sheet_id": 7, "added": 3, "duration": 0.25},
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "import.sheet" and line["level"] == "INFO"
    assert (line["event"], line["sheet_id"], line["added"], line["duration"]) == (
        "import.sheet",
        7,
        3,
        0.25,
    )
    assert line["time"].endswith("+00:00") and line["logger"] == "tests.logging"
    assert "args" not in line and "msg" not in line  # only what `extra` added


def test_log_event_is_an_info_record_with_its_fields(caplog):
    caplog.set_level(logging.INFO)
    log_event(logging.getLogger("tests.logging"), "outbox.delivered", task="t", attempts=1)
    (record,) = _events(caplog, "outbox.delivered")
    assert record.levelno == logging.INFO
    assert (record.task, record.attempts) == ("t", 1)


def test_an_import_an_outbox_delivery_an_e_mail_and_an_engine_run_log_their_events(
    sheet_world, round_2026, caplog
):
    caplog.set_level(logging.INFO)
    fp = sheet_world.users["focal_point"]
    sheet = services.datasheet_create(country=sheet_world.country_a, round=round_2026, user=fp)
    token = services.upload_stage(sheet=sheet, user=fp, files=[("kaz.csv", PORTAL_CSV.encode())])
    preview = services.datasheet_import_apply(
        sheet=sheet, user=fp, token=token, expected_lock_version=sheet.lock_version
    )
    (imported,) = _events(caplog, "import.sheet")
    assert (imported.sheet_id, imported.country, imported.mode) == (sheet.pk, "KAZ", "merge")
    assert (imported.added, imported.changed, imported.removed) == (len(preview.added), 0, 0)
    assert imported.added > 0 and imported.files == 1 and imported.duration >= 0

    services.datasheet_submit(sheet=sheet, user=fp)  # the notification waits in the outbox
    pending = PendingTask.objects.get()
    assert outbox.publish(pending.pk)
    (delivered,) = _events(caplog, "outbox.delivered")
    assert (delivered.pending_id, delivered.task) == (pending.pk, pending.task)
    assert delivered.attempts == 1 and delivered.duration >= 0

    event = SheetEvent.objects.get(sheet=sheet, kind=SheetEvent.Kind.SUBMITTED)
    mail.outbox.clear()
    caplog.clear()
    sent = sheet_event_notify_send(event_id=event.pk)
    (emailed,) = _events(caplog, "email.sheet_event")
    assert sent == len(mail.outbox) == emailed.sent == 1
    assert (emailed.event_id, emailed.sheet_id, emailed.kind) == (event.pk, sheet.pk, "submitted")

    run = reports.engine_run_create(trigger="command")
    reports.engine_run_inline(run=run)
    (start,) = _events(caplog, "engine_run.start")
    (end,) = _events(caplog, "engine_run.end")
    assert start.run_id == end.run_id == run.pk
    assert end.status == "succeeded" and end.duration >= 0
    assert end.indicators == start.indicators
