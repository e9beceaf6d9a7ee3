"""Secretariat pages: an activity's status and progress notes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from meetings.models import Activity
from portal.secretariat import forms, permissions, services
from portal.secretariat.views.common import form_errors, request_address, secretariat_only
from portal.typing import AuthedRequest


@secretariat_only(permissions.can_edit_activities)
def activities(request: AuthedRequest) -> HttpResponse:
    rows = Activity.objects.select_related("biennium", "objective").order_by(
        "-biennium__start_year", "order", "code"
    )
    return render(request, "secretariat/activities.html", {"activities": rows})


@secretariat_only(permissions.can_edit_activities)
def activity_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.select_related("biennium"), pk=pk)
    form = forms.ActivityForm(
        request.POST or None,
        initial={"status": activity.status, "progress_notes": activity.progress_notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.activity_update(
                actor=request.user,
                activity=activity,
                address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            if changed:
                messages.success(request, _("%(code)s was saved.") % {"code": activity.code})
            return redirect("secretariat:activities")
    context = {"form": form, "activity": activity}
    return render(
        request, "secretariat/activity_edit.html", context, status=400 if form.errors else 200
    )
