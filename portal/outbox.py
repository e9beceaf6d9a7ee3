"""Queue Celery tasks so that a broker outage never loses one (transactional outbox)."""

from __future__ import annotations

import importlib
import logging

from celery import current_app
from django.db import transaction
from django.db.models import F

from portal.models import PendingTask

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: object, key: str = "") -> PendingTask:
    """Record the task in the current transaction; publish it once the transaction commits."""
    pending = PendingTask.objects.create(task=task_name, args=list(args), key=key)
    transaction.on_commit(lambda: publish(pending.pk), robust=True)
    return pending


def publish(pending_id: int) -> bool:
    """Send one pending task to the broker; keep it for the sweep if that fails."""
    pending = PendingTask.objects.filter(pk=pending_id).first()
    if pending is None:
        return True
    try:
        importlib.import_module(pending.task.rsplit(".", 1)[0])
        current_app.tasks[pending.task].apply_async(args=pending.args, retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure: keep the row, the sweep retries
        PendingTask.objects.filter(pk=pending_id).update(
            attempts=F("attempts") + 1, last_error=repr(exc)[:2000]
        )
        logger.warning("broker unavailable, task %s kept in the outbox: %s", pending.task, exc)
        return False
    PendingTask.objects.filter(pk=pending_id).delete()
    return True


def sweep(limit: int = 500) -> tuple[int, int]:
    """Publish what is still pending; returns (published, still pending)."""
    published = 0
    ids = list(PendingTask.objects.values_list("pk", flat=True)[:limit])
    for pending_id in ids:
        published += publish(pending_id)
    return published, PendingTask.objects.count()


def is_pending(key: str) -> bool:
    return PendingTask.objects.filter(key=key).exists()
