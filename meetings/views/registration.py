"""Registration for a meeting and its list of participants."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import forms, selectors, services
from ..models import (
    Participant,
)
from .common import _apply_errors, _manageable, _me, _meeting_or_404

# --- registration and participants --------------------------------------------------------


@require_POST
@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    form = forms.RegistrationForm(request.POST)
    if form.is_valid():
        try:
            services.participant_register(
                meeting=meeting,
                user=_me(request),
                sex=form.cleaned_data["sex"],
                consent=form.cleaned_data["consent"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("You are registered for this meeting."))
            return redirect("meetings:detail", meeting.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect("meetings:detail", meeting.pk)


@require_POST
@login_required
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    try:
        services.participant_unregister(meeting=meeting, user=_me(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your registration was withdrawn."))
    return redirect("meetings:detail", meeting.pk)


@login_required
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manageable(request, pk)
    add_form = forms.ParticipantForm(prefix="add")
    counts_form = forms.CountsForm(
        initial={
            "reported_total": meeting.reported_total,
            "reported_female": meeting.reported_female,
        }
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "attendance":
                marks = {
                    int(key.split("-", 1)[1]): str(value)
                    for key, value in request.POST.items()
                    # ids beyond 64 bits name no participant (and overflow SQLite)
                    if key.startswith("attendance-")
                    and key.split("-", 1)[1].isdigit()
                    and len(key) <= len("attendance-") + 18
                }
                changed = services.attendance_mark(meeting=meeting, by=_me(request), marks=marks)
                messages.success(request, _("Attendance saved (%(n)s changed).") % {"n": changed})
                return redirect("meetings:participants", meeting.pk)
            if action == "add":
                add_form = forms.ParticipantForm(request.POST, prefix="add")
                if add_form.is_valid():
                    services.participant_add(
                        meeting=meeting, by=_me(request), participant=add_form.save(commit=False)
                    )
                    messages.success(request, _("The participant was added."))
                    return redirect("meetings:participants", meeting.pk)
            if action == "counts":
                counts_form = forms.CountsForm(request.POST)
                if counts_form.is_valid():
                    services.meeting_counts_set(
                        meeting=meeting,
                        by=_me(request),
                        total=counts_form.cleaned_data["reported_total"],
                        female=counts_form.cleaned_data["reported_female"],
                    )
                    messages.success(request, _("The reported totals were saved."))
                    return redirect("meetings:participants", meeting.pk)
        except ValidationError as exc:
            _apply_errors(counts_form if action == "counts" else add_form, exc)
        status = 400
    context = {
        "meeting": meeting,
        "p": meeting.participation,  # type: ignore[attr-defined]
        "participants": selectors.participant_list(meeting=meeting),
        "attendance_choices": Participant.Attendance.choices,
        "add_form": add_form,
        "counts_form": counts_form,
    }
    return render(request, "meetings/participants.html", context, status=status)
