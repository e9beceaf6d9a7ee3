"""Pages of the indicators app: data sheets, their review and history, indicators."""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from indicators import permissions, selectors, services
from indicators.forms import ConfirmImportForm, ReviewForm, UploadForm
from indicators.imports.types import group_problems
from indicators.models import DataSheet, Indicator, ReportingRound, UploadJob
from indicators.reports import charts, whatif
from indicators.services import upload_jobs
from portal.models import Country
from portal.redirects import safe_next_url
from portal.typing import AuthedRequest


def _address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _visible_sheet(request: HttpRequest, pk: int) -> DataSheet:
    """A sheet the user may see, else 404: other countries' drafts do not even exist for them."""
    sheet = get_object_or_404(
        DataSheet.objects.select_related("country", "round", "supersedes"), pk=pk
    )
    if not permissions.can_view_sheet(request.user, sheet):
        raise Http404
    return sheet


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    rounds = list(ReportingRound.objects.all())
    context: dict[str, object] = {
        "rounds": rounds,
        "can_review": permissions.can_review(user),
        "can_load_international": permissions.can_review(user)
        or (user.agency is not None and permissions.can_load_international(user, user.agency)),
    }
    if permissions.can_review(user):
        round_code = request.GET.get("round")
        selected = next((r for r in rounds if r.code == round_code), rounds[0] if rounds else None)
        context["selected_round"] = selected
        context["board"] = selectors.round_board(round=selected) if selected else []
    country = user.country
    if country is not None:
        context["country"] = country
        context["can_edit"] = permissions.can_edit_country_sheets(user, country)
        my_sheets = list(selectors.sheets_visible_to(user=user, country=country))
        context["my_sheets"] = my_sheets
        started = {s.round_id for s in my_sheets if s.status in DataSheet.OPEN}
        context["startable_rounds"] = [r for r in rounds if r.is_open and r.pk not in started]
    context["published"] = selectors.sheets_visible_to(user=user).filter(is_current=True)[:50]
    return render(request, "indicators/index.html", context)


@login_required
def indicator_list(request: AuthedRequest) -> HttpResponse:
    indicators = Indicator.objects.select_related("custodian").prefetch_related("series_codes")
    return render(request, "indicators/indicator_list.html", {"indicators": indicators})


@login_required
@require_POST
def sheet_create(request: AuthedRequest) -> HttpResponse:
    country = get_object_or_404(Country, iso3=request.POST.get("country", ""))
    round = get_object_or_404(ReportingRound, code=request.POST.get("round", ""))
    try:
        sheet = services.datasheet_create(
            country=country, round=round, user=request.user, address=_address(request)
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect("indicators:index")
    messages.success(
        request, _("Data sheet opened: version %(version)s.") % {"version": sheet.version}
    )
    return redirect("indicators:sheet_detail", pk=sheet.pk)


SHEET_PAGE_SIZE = 100


@login_required
def sheet_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _visible_sheet(request, pk)
    indicator_code = request.GET.get("indicator", "")
    indicator = Indicator.objects.filter(code=indicator_code).first() if indicator_code else None
    observations = selectors.sheet_observations(sheet=sheet, indicator=indicator)
    page = Paginator(observations, SHEET_PAGE_SIZE).get_page(request.GET.get("page"))
    covered = Indicator.objects.filter(observations__sheet=sheet).distinct()
    can_edit = sheet.is_editable and permissions.can_edit_country_sheets(
        request.user, sheet.country
    )
    context = {
        "sheet": sheet,
        "indicator": indicator,
        "covered_indicators": covered,
        "observations": page.object_list,
        "page": page,
        "page_params": f"indicator={indicator.code}&" if indicator else "",
        "observation_count": (
            page.paginator.count if indicator is None else sheet.observations.count()
        ),
        "can_edit": can_edit,
        "can_review": permissions.can_review(request.user)
        and sheet.status == DataSheet.Status.SUBMITTED,
        "review_form": ReviewForm(),
        "upload_form": UploadForm(),
        "events": sheet.events.select_related("actor", "upload"),
        "comments": sheet.comments.select_related("author", "observation__indicator"),
        "versions": selectors.sheets_visible_to(user=request.user, country=sheet.country).filter(
            round=sheet.round
        ),
        "pending_work": selectors.pending_work(sheet=sheet),
    }
    return render(request, "indicators/sheet_detail.html", context)


@login_required
def value_history(request: AuthedRequest, pk: int, observation: int) -> HttpResponse:
    """One value's history across the versions of its sheet: sources, edits, deletions, comments."""
    sheet = _visible_sheet(request, pk)
    obs = get_object_or_404(
        sheet.observations.select_related("indicator", "area", "sheet__country"), pk=observation
    )
    label = selectors.observation_labels(sheet=sheet, ids=[obs.pk])[obs.pk]
    entries = selectors.value_history(user=request.user, observation=obs)
    return render(
        request,
        "indicators/value_history.html",
        {"sheet": sheet, "observation": obs, "label": label, "entries": entries},
    )


@login_required
@require_POST
def sheet_grid_save(request: AuthedRequest, pk: int) -> HttpResponse:
    """Store the grid's corrections: a bad cell is named (indicator, area, disaggregation,
    year, as on the page) and left out; the other cells of the same save are stored. An emptied
    value is deleted, with the reason given for deletions."""
    sheet = _visible_sheet(request, pk)
    if not permissions.can_edit_country_sheets(request.user, sheet.country):
        raise PermissionDenied
    changes, refused = _grid_changes(request)
    labels = selectors.observation_labels(sheet=sheet, ids=[*changes, *refused])
    lock_version = _int_or_none(request.POST.get("lock_version"))
    try:
        result = services.observations_update(
            sheet=sheet,
            user=request.user,
            changes=changes,
            expected_lock_version=-1 if lock_version is None else lock_version,
            address=_address(request),
            delete_reason=request.POST.get("delete_reason", "")[:2000],
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect(_next_url(request, sheet))
    for obs_id, reason in {**refused, **result.refused}.items():
        messages.error(
            request,
            _("%(value)s was not saved: %(reason)s.")
            % {"value": labels.get(obs_id, _("a value not in this sheet")), "reason": reason},
        )
    if result.changed or not (result.deleted or refused or result.refused):
        saved = ngettext("%(count)s value saved.", "%(count)s values saved.", result.changed)
        messages.success(request, saved % {"count": result.changed})
    if result.deleted:
        deleted = ngettext("%(count)s value deleted.", "%(count)s values deleted.", result.deleted)
        messages.success(request, deleted % {"count": result.deleted})
    return redirect(_next_url(request, sheet))


def _grid_changes(
    request: AuthedRequest,
) -> tuple[dict[int, tuple[Decimal | None, str]], dict[int, str]]:
    """The grid's cells: observation id -> (value or None to delete, footnote), and the cells
    that are not numbers, with the reason."""
    changes: dict[int, tuple[Decimal | None, str]] = {}
    refused: dict[int, str] = {}
    for key, raw in request.POST.items():
        suffix = key.removeprefix("value-")
        if not key.startswith("value-") or not suffix.isdigit():
            continue
        obs_id, text = int(suffix), str(raw).strip()
        footnote = request.POST.get(f"footnote-{obs_id}", "")[:2000]
        if not text:
            changes[obs_id] = (None, footnote)
            continue
        try:
            value = Decimal(text.replace(",", "."))
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            refused[obs_id] = _("“%(value)s” is not a number") % {"value": text[:40]}
            continue
        changes[obs_id] = (value, footnote)
    return changes, refused


def _next_url(request: AuthedRequest, sheet: DataSheet) -> str:
    """Where to go back after saving: only a page of this site, never an outside address."""
    return safe_next_url(request, sheet_url(sheet))


def sheet_url(sheet: DataSheet) -> str:
    from django.urls import reverse

    return reverse("indicators:sheet_detail", args=[sheet.pk])


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
    uploads = form.cleaned_data["data_files"]
    files = [(upload.name, upload.read()) for upload in uploads]
    token = services.upload_stage(sheet=sheet, user=request.user, files=files)
    fmt, indicator = form.cleaned_data["format"] or None, form.cleaned_data["indicator"] or None
    mode = form.cleaned_data["mode"]
    if sum(upload.size for upload in uploads) > settings.PORTAL_ASYNC_UPLOAD_BYTES:
        job = upload_jobs.upload_job_start(
            sheet=sheet,
            user=request.user,
            token=token,
            files=[upload.name for upload in uploads],
            fmt=fmt,
            indicator=indicator,
            mode=mode,
        )
        return redirect("indicators:upload_job", pk=sheet.pk, job=job.pk)
    preview = services.datasheet_import_preview(
        sheet=sheet, user=request.user, token=token, fmt=fmt, indicator=indicator, mode=mode
    )
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
    if preview is None:  # the cache lost it: read the staged files again, in this request
        try:
            preview = services.datasheet_import_preview(
                sheet=sheet,
                user=request.user,
                token=found.token,
                fmt=found.format or None,
                indicator=found.indicator or None,
                mode=found.mode,
            )
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
            return redirect("indicators:sheet_upload", pk=sheet.pk)
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
            preview=upload_jobs.cached_preview(data["token"]),
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
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


@login_required
@require_POST
def sheet_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _visible_sheet(request, pk)
    try:
        services.datasheet_submit(
            sheet=sheet,
            user=request.user,
            address=_address(request),
            expected_lock_version=_int_or_none(request.POST.get("lock_version")),
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect("indicators:sheet_detail", pk=sheet.pk)
    messages.success(
        request, _("Submitted. The secretariat will be told; you will hear when it is reviewed.")
    )
    return redirect("indicators:sheet_detail", pk=sheet.pk)


def _int_or_none(raw: str | None) -> int | None:
    """A posted lock version: None when absent, -1 (never current) when not a number."""
    try:
        return int(raw) if raw else None
    except ValueError:
        return -1


@login_required
@require_POST
def sheet_review(request: AuthedRequest, pk: int) -> HttpResponse:
    sheet = _visible_sheet(request, pk)
    if not permissions.can_review(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
        return redirect("indicators:sheet_detail", pk=sheet.pk)
    value_comments = {
        int(key.removeprefix("value-comment-")): str(text)
        for key, text in request.POST.items()
        if key.startswith("value-comment-")
        and key.removeprefix("value-comment-").isdigit()
        and str(text).strip()
    }
    try:
        if form.cleaned_data["decision"] == "accept":
            services.datasheet_accept(
                sheet=sheet,
                user=request.user,
                comment=form.cleaned_data["comment"],
                value_comments=value_comments,
                address=_address(request),
            )
            messages.success(request, _("Accepted and published."))
        else:
            services.datasheet_return(
                sheet=sheet,
                user=request.user,
                comment=form.cleaned_data["comment"],
                value_comments=value_comments,
                address=_address(request),
            )
            messages.success(request, _("Returned to the focal point with your comments."))
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    return redirect("indicators:sheet_detail", pk=sheet.pk)


@login_required
def sheet_diff(request: AuthedRequest, pk: int, other: int) -> HttpResponse:
    sheet, other_sheet = _visible_sheet(request, pk), _visible_sheet(request, other)
    if (sheet.country_id, sheet.round_id) != (other_sheet.country_id, other_sheet.round_id):
        raise Http404
    old, new = sorted([sheet, other_sheet], key=lambda s: s.version)
    rows = selectors.sheet_diff(old=old, new=new)
    return render(request, "indicators/sheet_diff.html", {"old": old, "new": new, "rows": rows})


@login_required
def sheet_template(request: AuthedRequest, pk: int) -> FileResponse:
    """The Excel template for this sheet's country and round, pre-filled with the sheet's values."""
    from indicators.imports import write_template

    sheet = _visible_sheet(request, pk)
    rows = selectors.sheet_template_rows(sheet=sheet)
    indicators = [(i.code, i.name, i.unit) for i in Indicator.objects.all()]
    buffer = io.BytesIO()
    write_template(
        buffer,
        rows,
        country_name=sheet.country.name,
        round_name=sheet.round.name,
        indicators=indicators,
    )
    buffer.seek(0)
    name = f"datasheet-{sheet.country.iso3}-{sheet.round.code}-v{sheet.version}.xlsx"
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
