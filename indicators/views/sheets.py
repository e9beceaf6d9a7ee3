"""The data-sheet pages: the index, a sheet, its history, diff and template; submit and review."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators import permissions, selectors, services
from indicators.forms import ReviewForm, UploadForm
from indicators.models import DataSheet, Indicator, ReportingRound
from indicators.views.common import _address, _error_messages, _int_or_none, _visible_sheet
from portal.models import Country
from portal.typing import AuthedRequest


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
