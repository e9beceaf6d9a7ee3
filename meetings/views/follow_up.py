"""A meeting's conclusions and follow-up actions, and the list of open actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.redirects import safe_next_url

from .. import forms, permissions, selectors, services
from ..models import (
    ActionItem,
)
from .common import _apply_errors, _manageable, _me


@login_required
def outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manageable(request, pk)
    conclusion_form = forms.ConclusionForm(prefix="c")
    action_form = forms.ActionForm(prefix="a")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "conclusion":
                conclusion_form = forms.ConclusionForm(request.POST, prefix="c")
                if conclusion_form.is_valid():
                    services.conclusion_add(
                        meeting=meeting, by=_me(request), text=conclusion_form.cleaned_data["text"]
                    )
                    messages.success(request, _("The conclusion was recorded."))
                    return redirect("meetings:outcomes", meeting.pk)
            else:
                action_form = forms.ActionForm(request.POST, prefix="a")
                if action_form.is_valid():
                    services.action_add(
                        meeting=meeting, by=_me(request), action=action_form.save(commit=False)
                    )
                    messages.success(request, _("The follow-up action was recorded."))
                    return redirect("meetings:outcomes", meeting.pk)
        except ValidationError as exc:
            _apply_errors(
                action_form if request.POST.get("action") != "conclusion" else conclusion_form, exc
            )
    context = {
        "meeting": meeting,
        "conclusions": list(meeting.conclusions.all()),
        "actions": list(meeting.actions.select_related("owner")),
        "conclusion_form": conclusion_form,
        "action_form": action_form,
    }
    errors = conclusion_form.errors or action_form.errors
    return render(request, "meetings/outcomes.html", context, status=400 if errors else 200)


@require_POST
@login_required
def action_update(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=action_pk)
    if not permissions.can_view_meeting(request.user, action.meeting):
        raise Http404(_("No such action."))
    form = forms.ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.action_update(
                action=action,
                by=_me(request),
                status=form.cleaned_data["status"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The action was updated."))
    else:
        messages.error(request, _("Status: choose one of the options."))
    return redirect(safe_next_url(request, "meetings:actions"))


@login_required
def actions(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_actions(request.user):
        raise PermissionDenied
    rows = selectors.open_actions(user=request.user)
    return render(
        request,
        "meetings/actions.html",
        {
            "actions": rows,
            "today": timezone.localdate(),
            "status_choices": ActionItem.Status.choices,
        },
    )
