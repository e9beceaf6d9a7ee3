"""Pages of the secretariat for the work programme: bienniums, objectives, activities."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from meetings.models import Activity, Biennium, Objective
from portal.secretariat import forms, permissions
from portal.secretariat.services import programme as services_programme
from portal.secretariat.views.common import form_errors, request_address, secretariat_only
from portal.typing import AuthedRequest


def _status(form: Any) -> int:
    return 400 if form.errors else 200


@secretariat_only(permissions.can_edit_activities)
def bienniums(request: AuthedRequest) -> HttpResponse:
    form = forms.BienniumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            biennium = services_programme.biennium_save(
                actor=request.user,
                biennium=None,
                address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("%(period)s was added.") % {"period": biennium.period})
            return redirect("secretariat:biennium_edit", pk=biennium.pk)
    context = {"form": form, "bienniums": Biennium.objects.order_by("-start_year")}
    return render(request, "secretariat/bienniums.html", context, status=_status(form))


@secretariat_only(permissions.can_edit_activities)
def biennium_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    biennium = get_object_or_404(Biennium, pk=pk)
    form = forms.BienniumForm(
        request.POST if request.POST.get("form") == "biennium" else None,
        initial={
            "title": biennium.title,
            "start_year": biennium.start_year,
            "end_year": biennium.end_year,
            "description": biennium.description,
        },
    )
    objective_form = forms.ObjectiveForm(
        request.POST if request.POST.get("form") == "objective" else None,
        initial={"number": biennium.objectives.count() + 1},
    )
    if form.is_bound and form.is_valid():
        try:
            services_programme.biennium_save(
                actor=request.user,
                biennium=biennium,
                address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            biennium.refresh_from_db()
            form_errors(form, error)
        else:
            messages.success(request, _("%(period)s was saved.") % {"period": biennium.period})
            return redirect("secretariat:biennium_edit", pk=biennium.pk)
    if objective_form.is_bound and objective_form.is_valid():
        try:
            objective = services_programme.objective_save(
                actor=request.user,
                biennium=biennium,
                objective=None,
                address=request_address(request),
                **objective_form.cleaned_data,
            )
        except ValidationError as error:
            form_errors(objective_form, error)
        else:
            messages.success(
                request, _("Objective %(number)s was added.") % {"number": objective.number}
            )
            return redirect("secretariat:biennium_edit", pk=biennium.pk)
    context = {
        "biennium": biennium,
        "form": form,
        "objective_form": objective_form,
        "objectives": biennium.objectives.all(),
        "activities": biennium.activities.select_related("objective", "parent").prefetch_related(
            "lead_organisations"
        ),
    }
    status = 400 if form.errors or objective_form.errors else 200
    return render(request, "secretariat/biennium_edit.html", context, status=status)


@secretariat_only(permissions.can_edit_activities)
def objective_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(Objective.objects.select_related("biennium"), pk=pk)
    form = forms.ObjectiveForm(
        request.POST or None, initial={"number": objective.number, "title": objective.title}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_programme.objective_save(
                actor=request.user,
                biennium=objective.biennium,
                objective=objective,
                address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            objective.refresh_from_db()
            form_errors(form, error)
        else:
            messages.success(
                request, _("Objective %(number)s was saved.") % {"number": objective.number}
            )
            return redirect("secretariat:biennium_edit", pk=objective.biennium_id)
    context = {"form": form, "objective": objective, "biennium": objective.biennium}
    return render(request, "secretariat/objective_edit.html", context, status=_status(form))


def _activity_page(
    request: AuthedRequest, biennium: Biennium, activity: Activity | None
) -> HttpResponse:
    initial: dict[str, Any] = {"status": Activity.Status.PLANNED, "order": 0}
    if activity is not None:
        initial = {
            field: getattr(activity, field)
            for field in forms.ActivityDetailsForm.base_fields
            if field != "lead_organisations"
        }
        initial["lead_organisations"] = list(activity.lead_organisations.all())
    elif request.GET.get("parent", "").isdigit():
        initial["parent"] = int(request.GET["parent"])
    form = forms.ActivityDetailsForm(request.POST or None, initial=initial, biennium=biennium)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        leads = values.pop("lead_organisations")
        try:
            saved = services_programme.activity_save(
                actor=request.user,
                biennium=biennium,
                activity=activity,
                values=values,
                lead_organisations=leads,
                address=request_address(request),
            )
        except ValidationError as error:
            if activity is not None:
                activity.refresh_from_db()
            form_errors(form, error)
        else:
            messages.success(request, _("%(code)s was saved.") % {"code": saved.code})
            return redirect("secretariat:biennium_edit", pk=biennium.pk)
    context = {"form": form, "biennium": biennium, "activity": activity}
    return render(request, "secretariat/activity_details.html", context, status=_status(form))


@secretariat_only(permissions.can_edit_activities)
def activity_create(request: AuthedRequest, pk: int) -> HttpResponse:
    return _activity_page(request, get_object_or_404(Biennium, pk=pk), None)


@secretariat_only(permissions.can_edit_activities)
def activity_details(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.select_related("biennium"), pk=pk)
    return _activity_page(request, activity.biennium, activity)
