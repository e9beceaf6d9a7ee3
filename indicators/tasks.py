"""Thin Celery tasks of the indicators app."""

from celery import shared_task

from indicators.services import sheets
from indicators.services.notifications import sheet_event_notify_send


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def sheet_event_notify(self, event_id: int) -> int:
    """E-mail the people a sheet event concerns; returns how many messages were sent."""
    return sheet_event_notify_send(event_id=event_id)


@shared_task
def staged_uploads_sweep() -> int:
    """Delete staged uploads nobody applied within 24 hours, and the upload jobs that read
    them; returns how many files went."""
    from indicators.services.upload_jobs import upload_jobs_sweep

    upload_jobs_sweep()
    return sheets.staged_uploads_sweep()


@shared_task(acks_late=True)
def upload_job_run(job_id: int) -> str:
    """Parse, map and check a large staged upload for its preview; returns the job's status."""
    from indicators.services.upload_jobs import upload_job_run as run

    return run(job_id=job_id)


import indicators.reports.tasks  # noqa: E402,F401 - so Celery's autodiscovery finds the engine tasks
