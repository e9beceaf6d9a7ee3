"""Thin Celery tasks of the portal app."""

from celery import shared_task

from portal.services import worker_heartbeat_record


@shared_task(bind=True, acks_late=True, autoretry_for=(ConnectionError,), max_retries=3)
def worker_heartbeat(self, token: str) -> int:
    """Record a heartbeat row from whichever worker picks this up; returns its id."""
    return worker_heartbeat_record(hostname=self.request.hostname or "in-process", token=token).pk


@shared_task(acks_late=True)
def outbox_sweep() -> int:
    """Publish tasks that could not reach the broker when they were queued (Celery beat)."""
    from portal.outbox import sweep

    published, _remaining = sweep()
    return published


# The secretariat's tasks, registered with the portal app's.
from portal.secretariat.tasks import send_round_reminders  # noqa: E402, F401
