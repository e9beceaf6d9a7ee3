"""Queue Celery tasks so that a broker outage never loses one (transactional outbox)."""

from __future__ import annotations

import importlib
import logging
import time

from celery import current_app
from django.db import transaction
from django.db.models import F

from portal.logging import log_event, since
from portal.models import IdempotencyKey, PendingTask

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: object, key: str = "") -> PendingTask:
    """Record the task in the current transaction; publish it once the transaction commits."""
    pending = PendingTask.objects.create(task=task_name, args=list(args), key=key)
    transaction.on_commit(lambda: publish(pending.pk), robust=True)
    return pending


def _send(task_name: str, args: list[object]) -> None:
    """Hand one task to the broker with a single connection attempt, or raise.

    Left to itself, kombu retries connecting for `broker_connection_timeout` with 2-second
    sleeps, and a Redis result backend retries subscribing 20 times a second apart: a
    request publishing to a dead Redis would hang for seconds per task. Here the outbox row
    is the durable record and the sweep retries, so one attempt is enough: the connection
    is checked once (bounded by the transport's `socket_connect_timeout`), the message is
    sent without kombu's retries, and no result subscription is made (nobody waits for the
    results of outbox tasks; they report through the database).
    """
    importlib.import_module(task_name.rsplit(".", 1)[0])
    task = current_app.tasks[task_name]
    if current_app.conf.task_always_eager:
        task.apply_async(args=args)
        return
    with current_app.producer_or_acquire() as producer:
        producer.connection.ensure_connection(max_retries=0)
        task.apply_async(args=args, producer=producer, retry=False, ignore_result=True)


def publish(pending_id: int) -> bool:
    """Send one pending task to the broker; keep it for the sweep if that fails."""
    pending = PendingTask.objects.filter(pk=pending_id).first()
    if pending is None:
        return True
    start = time.monotonic()
    try:
        _send(pending.task, pending.args)
    except Exception as exc:  # noqa: BLE001 - any broker failure: keep the row, the sweep retries
        PendingTask.objects.filter(pk=pending_id).update(
            attempts=F("attempts") + 1, last_error=repr(exc)[:2000]
        )
        logger.warning("broker unavailable, task %s kept in the outbox: %s", pending.task, exc)
        return False
    PendingTask.objects.filter(pk=pending_id).delete()
    log_event(
        logger,
        "outbox.delivered",
        pending_id=pending_id,
        task=pending.task,
        attempts=pending.attempts + 1,
        duration=since(start),
    )
    return True


def sweep(limit: int = 500) -> tuple[int, int]:
    """Publish what is still pending; returns (published, still pending).

    The periodic sweep also drops expired API idempotency keys (`portal.api.idempotency.idempotent`).
    """
    IdempotencyKey.objects.expired().delete()
    published = 0
    ids = list(PendingTask.objects.values_list("pk", flat=True)[:limit])
    for pending_id in ids:
        published += publish(pending_id)
    return published, PendingTask.objects.count()


def is_pending(key: str) -> bool:
    return PendingTask.objects.filter(key=key).exists()
