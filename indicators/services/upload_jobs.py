"""Large uploads parsed off the request: a job queued through the outbox, its progress, its result.

The request keeps the cheap checks (size, type, permission, the sheet's lock version) and stages
the files as for a small upload (`datasheet_import_start`); the task runs the same
`datasheet_import_preview` and keeps the preview in the cache, where the preview page and the
confirmation read it. Nothing is stored in the sheet until the focal point confirms. A request
never parses a job's files: when the cached preview is gone, `upload_job_rerun` queues the job
again and its progress page waits for it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.imports.types import Problem
from indicators.models import DataSheet, UploadJob
from indicators.services.sheets import (
    STAGING_MAX_AGE_SECONDS,
    ImportPreview,
    datasheet_import_preview,
    upload_discard,
)
from portal.logging import log_event
from portal.models import User

logger = logging.getLogger(__name__)

TASK = "indicators.tasks.upload_job_run"


def _cache_key(token: str) -> str:
    return "indicators:upload-preview:" + hashlib.sha256(token.encode()).hexdigest()


def cached_preview(token: str) -> ImportPreview | None:
    """The preview a job computed for this staged upload, while it is kept (one day at most)."""
    preview = cache.get(_cache_key(token)) if token else None
    return preview if isinstance(preview, ImportPreview) and preview.token == token else None


def upload_job_start(
    *,
    sheet: DataSheet,
    user: User,
    token: str,
    files: list[str],
    fmt: str | None,
    indicator: str | None,
    mode: str,
) -> UploadJob:
    """Record the job and queue its task once this transaction commits."""
    from portal.outbox import enqueue

    if not permissions.can_edit_country_sheets(user, sheet.country):
        raise PermissionDenied(_("Only the country's focal point can change this data sheet."))
    with transaction.atomic():
        job = UploadJob.objects.create(
            sheet=sheet,
            owner=user,
            token=token,
            files=files,
            format=fmt or "",
            indicator=indicator or "",
            mode=mode,
            lock_version=sheet.lock_version,
        )
        enqueue(TASK, job.pk, key=f"upload-job:{job.pk}")
    return job


def upload_job_of(*, token: str, sheet: DataSheet, user: User) -> UploadJob | None:
    """The job that reads this staged upload, if a job reads it (a large upload)."""
    if not token:
        return None
    return UploadJob.objects.filter(token=token, sheet=sheet, owner=user).order_by("-pk").first()


def upload_job_rerun(job: UploadJob) -> None:
    """Queue a job again whose preview the cache no longer keeps: its task reads the staged
    files anew (while they are kept) against the sheet as it is now, and its progress page
    waits, as on the first run."""
    from portal.outbox import enqueue

    with transaction.atomic():
        sheet = DataSheet.objects.select_for_update().get(pk=job.sheet_id)
        UploadJob.objects.filter(pk=job.pk).update(
            lock_version=sheet.lock_version,
            status=UploadJob.Status.QUEUED,
            stage=UploadJob.Stage.WAITING,
            percent=0,
            rows_done=0,
            message="",
            problems=[],
        )
        enqueue(TASK, job.pk, key=f"upload-job:{job.pk}:again")
    job.refresh_from_db()
    log_event(logger, "import.job_again", job_id=job.pk, sheet_id=job.sheet_id)


def upload_jobs_sweep(*, max_age_seconds: int = STAGING_MAX_AGE_SECONDS) -> int:
    """Forget jobs older than their staged files (the preview and the token expire then too)."""
    cutoff = timezone.now() - timedelta(seconds=max_age_seconds)
    deleted, _by_model = UploadJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _problem_dict(problem: Problem) -> dict[str, object]:
    data = asdict(problem)
    data.pop("subject", None)
    data["reason"] = str(problem.reason)
    return data


def job_problems(job: UploadJob) -> list[Problem]:
    """A refused job's problems, as the synchronous preview lists them."""
    return [
        Problem(
            str(p.get("file", "")),
            p.get("row"),
            str(p.get("column", "")),
            str(p.get("value", "")),
            str(p.get("reason", "")),
            where=str(p.get("where", "")),
            kind=str(p.get("kind", "")),
        )
        for p in job.problems
    ]


def upload_job_run(*, job_id: int) -> str:
    """Parse, map and check the job's staged files; keep the preview and say how it went.

    Returns the job's final status. A job already finished is left alone (a redelivered task).
    """
    job = UploadJob.objects.select_related("sheet__country", "owner").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job.status if job else "missing"
    UploadJob.objects.filter(pk=job.pk).update(
        status=UploadJob.Status.RUNNING, stage=UploadJob.Stage.READING, percent=5
    )

    def progress(stage: str, percent: int, rows: int) -> None:
        UploadJob.objects.filter(pk=job.pk).update(stage=stage, percent=percent, rows_done=rows)

    try:
        preview = datasheet_import_preview(
            sheet=job.sheet,
            user=job.owner,
            token=job.token,
            fmt=job.format or None,
            indicator=job.indicator or None,
            mode=job.mode,
            progress=progress,
        )
    except ValidationError as error:
        upload_discard(token=job.token, sheet=job.sheet, user=job.owner)
        _finish(job, UploadJob.Status.FAILED, message=" ".join(error.messages))
        return UploadJob.Status.FAILED
    except Exception as exc:  # noqa: BLE001 - an unreadable file must end the job, not hang it
        logger.exception("upload job %s failed", job.pk)
        upload_discard(token=job.token, sheet=job.sheet, user=job.owner)
        _finish(
            job,
            UploadJob.Status.FAILED,
            message=_("The files could not be read (%(error)s). Nothing was stored.")
            % {"error": type(exc).__name__},
        )
        return UploadJob.Status.FAILED
    cache.set(_cache_key(job.token), preview, timeout=STAGING_MAX_AGE_SECONDS)
    status = UploadJob.Status.DONE if preview.ok else UploadJob.Status.FAILED
    _finish(
        job,
        status,
        problems=[_problem_dict(problem) for problem in preview.problems],
        rows=len(preview.candidates),
    )
    return status


def _finish(
    job: UploadJob,
    status: str,
    *,
    message: str = "",
    problems: list[dict[str, object]] | None = None,
    rows: int | None = None,
) -> None:
    fields: dict[str, object] = {
        "status": status,
        "stage": UploadJob.Stage.FINISHED,
        "percent": 100,
        "message": message[:4000],
        "problems": problems or [],
    }
    if rows is not None:
        fields["rows_done"] = rows
    UploadJob.objects.filter(pk=job.pk).update(**fields)
    log_event(logger, "import.job", job_id=job.pk, sheet_id=job.sheet_id, status=status)
