"""Uploading files into a sheet: the preview, a large upload's progress page, the confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import permissions, selectors, services
from indicators.forms import ConfirmImportForm, UploadForm
from indicators.imports.types import group_problems
from indicators.models import DataSheet, UploadJob
from indicators.reports import charts, whatif
from indicators.services import upload_jobs
from indicators.views.common import _address, _error_messages, _visible_sheet
from portal.models import Country
from portal.typing import AuthedRequest


@login_required
def sheet_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """Upload files, then show the preview: nothing is stored until the focal point confirms."""
    sheet = _visible_sheet(request, pk)
    if not (sheet.is_editable and permissions.can_edit_country_sheets(request.user, sheet.country)):
        raise PermissionDenied(_("This data sheet cannot be changed."))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "indicators/sheet_upload.html",
            {"sheet": sheet, "form": form},
            status=400 if form.errors else 200,
        )
    fmt, indicator = form.cleaned_data["format"] or None, form.cleaned_data["indicator"] or None
    mode = form.cleaned_data["mode"]
    try:
        started = services.datasheet_import_start(
            sheet=sheet,
            user=request.user,
            files=[(upload.name, upload.read()) for upload in form.cleaned_data["data_files"]],
            fmt=fmt,
            indicator=indicator,
            mode=mode,
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect("indicators:sheet_detail", pk=sheet.pk)
    if started.job is not None:
        return redirect("indicators:upload_job", pk=sheet.pk, job=started.job.pk)
    token, preview = started.token, started.preview
    assert preview is not None  # no job: previewed in this request
    confirm = ConfirmImportForm(
        initial={
            "token": token,
            "lock_version": sheet.lock_version,
            "format": fmt or "",
            "indicator": indicator or "",
            "mode": mode,
        }
    )
    return _render_preview(request, sheet, preview, confirm, status=200 if preview.ok else 400)


#: The progress page reloads itself this often while the job runs (no JavaScript needed).
UPLOAD_JOB_REFRESH_SECONDS = 2


@login_required
def upload_job(request: AuthedRequest, pk: int, job: int) -> HttpResponse:
    """A large upload being read by a worker: its progress, then its preview or its problems.

    Only the focal point who uploaded it sees it, and only under its own sheet."""
    sheet = _visible_sheet(request, pk)
    if not permissions.can_edit_country_sheets(request.user, sheet.country):
        raise PermissionDenied
    found = get_object_or_404(UploadJob, pk=job, sheet=sheet, owner=request.user)
    if not found.is_finished:
        return render(
            request,
            "indicators/upload_job.html",
            {"sheet": sheet, "job": found, "refresh": UPLOAD_JOB_REFRESH_SECONDS},
        )
    confirm = ConfirmImportForm(
        initial={
            "token": found.token,
            "lock_version": found.lock_version,
            "format": found.format,
            "indicator": found.indicator,
            "mode": found.mode,
        }
    )
    preview = upload_jobs.cached_preview(found.token)
    if found.status == UploadJob.Status.FAILED:
        if preview is None and not found.problems:
            return render(
                request, "indicators/upload_job.html", {"sheet": sheet, "job": found}, status=400
            )
        if preview is None:
            preview = services.ImportPreview(
                token=found.token,
                files=list(found.files),
                mode=found.mode,
                problems=upload_jobs.job_problems(found),
            )
        return _render_preview(request, sheet, preview, confirm, status=400)
    if preview is None:  # the cache lost it: the worker reads the staged files again
        upload_jobs.upload_job_rerun(found)
        return redirect("indicators:upload_job", pk=sheet.pk, job=found.pk)
    return _render_preview(request, sheet, preview, confirm, status=200 if preview.ok else 400)


def _area_codes_url(request: HttpRequest, country: Country) -> str:
    """Where the secretariat maps the country's own area codes; blank for anyone else."""
    from portal.secretariat import permissions as secretariat_permissions

    if not secretariat_permissions.can_map_area_codes(request.user):
        return ""
    return reverse("secretariat:area_codes", args=[country.iso3])


def _render_preview(
    request: HttpRequest,
    sheet: DataSheet,
    preview: services.ImportPreview,
    confirm: ConfirmImportForm,
    status: int = 200,
) -> HttpResponse:
    keys = [
        line.key for line in preview.added + preview.changed + preview.removed + preview.outliers
    ]
    labels = selectors.describe_keys(keys)
    progress = (
        whatif.progress_preview(sheet=sheet, candidates=preview.candidates, mode=preview.mode)
        if preview.ok and preview.candidates
        else None
    )
    context = {
        "sheet": sheet,
        "preview": preview,
        "confirm": confirm,
        "added": [(labels[line.key], line) for line in preview.added[:300]],
        "changed": [(labels[line.key], line) for line in preview.changed[:300]],
        "removed": [(labels[line.key], line) for line in preview.removed[:300]],
        "outliers": [(labels[line.key], line) for line in preview.outliers],
        "problems": preview.problems,
        "problem_groups": group_problems(preview.problems),
        "area_codes_url": _area_codes_url(request, sheet.country),
        "progress": progress,
        "progress_rows": [
            (
                change,
                charts.category_mark(change.before, with_text=True),
                charts.category_mark(change.after, with_text=True),
            )
            for change in (progress.changes[:300] if progress else [])
        ],
    }
    return render(request, "indicators/sheet_preview.html", context, status=status)


@login_required
@require_POST
def sheet_import_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _visible_sheet(request, pk)
    if not permissions.can_edit_country_sheets(request.user, sheet.country):
        raise PermissionDenied
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The confirmation form was incomplete: upload the files again."))
        return redirect("indicators:sheet_upload", pk=sheet.pk)
    data = form.cleaned_data
    # A large upload's preview comes from its job; this request never parses its files.
    job = upload_jobs.upload_job_of(token=data["token"], sheet=sheet, user=request.user)
    cached = upload_jobs.cached_preview(data["token"])
    if job is not None and cached is None:
        messages.info(
            request,
            _(
                "The preview of this upload had expired and is being prepared again: "
                "confirm the upload once it is shown. Nothing was stored."
            ),
        )
        upload_jobs.upload_job_rerun(job)
        return redirect("indicators:upload_job", pk=sheet.pk, job=job.pk)
    try:
        preview = services.datasheet_import_apply(
            sheet=sheet,
            user=request.user,
            token=data["token"],
            expected_lock_version=data["lock_version"],
            confirm_outliers=data["confirm_outliers"],
            fmt=data["format"] or None,
            indicator=data["indicator"] or None,
            address=_address(request),
            mode=data["mode"],
            confirm_removals=data["confirm_removals"],
            preview=cached,
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        if job is not None:  # the worker compares the files with the sheet as it is now
            upload_jobs.upload_job_rerun(job)
            return redirect("indicators:upload_job", pk=sheet.pk, job=job.pk)
        try:
            preview = services.datasheet_import_preview(
                sheet=sheet,
                user=request.user,
                token=data["token"],
                fmt=data["format"] or None,
                indicator=data["indicator"] or None,
                mode=data["mode"],
            )
        except ValidationError:
            return redirect("indicators:sheet_upload", pk=sheet.pk)
        sheet.refresh_from_db()
        form = ConfirmImportForm(initial={**data, "lock_version": sheet.lock_version})
        return _render_preview(request, sheet, preview, form, status=409)
    messages.success(
        request,
        _("Imported: %(added)s added, %(changed)s changed, %(removed)s removed.")
        % {
            "added": len(preview.added),
            "changed": len(preview.changed),
            "removed": len(preview.removed),
        },
    )
    return redirect("indicators:sheet_detail", pk=sheet.pk)
