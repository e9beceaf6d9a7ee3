"""Meeting pages: the calendar, a meeting, creating and editing one, its iCalendar files, its
sessions and agenda items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import attendance, forms, ical, permissions, selectors, services
from ..models import (
    Meeting,
    Session,
)
from .common import _apply_errors, _me, _meeting_or_404, _visible_or_login

# --- calendar and meeting pages -----------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    filters = selectors.CalendarFilters(
        kind=request.GET.get("kind", ""),
        theme=request.GET.get("theme", ""),
        country=request.GET.get("country", "").upper()[:3],
    )
    context = {
        **selectors.calendar(user=request.user, filters=filters),
        **selectors.filter_choices(user=request.user),
        "filters": filters,
        "can_manage": permissions.can_manage_meetings(request.user),
    }
    return render(request, "meetings/index.html", context)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _visible_or_login(request, pk)
    if isinstance(found, HttpResponse):
        return found
    meeting = found
    user = request.user
    context_p = meeting.participation  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "meeting": meeting,
        "p": context_p,
        **selectors.meeting_page(meeting=meeting, user=user),
        "can_edit": permissions.can_edit_meeting(user, meeting),
        "can_manage": permissions.can_manage_participants(user, meeting),
        "can_register": permissions.can_register(user, meeting),
        "registration_form": forms.RegistrationForm(),
        "today": timezone.localdate(),
        **attendance.page_context(meeting, from_attendance=context_p.from_attendance),
    }
    return render(request, "meetings/detail.html", context)


def _meeting_form_page(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied(_("Only the secretariat manages meetings."))
    form = forms.MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        try:
            saved = services.meeting_save(
                meeting=instance,
                by=_me(request),
                organisers=form.partners(),
                allowed_organisations=list(form.cleaned_data["allowed_organisations"]),
                activities=list(form.cleaned_data["activities"]),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("meetings:detail", saved.pk)
    status = 400 if form.errors else 200
    return render(
        request, "meetings/meeting_form.html", {"form": form, "meeting": meeting}, status=status
    )


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    return _meeting_form_page(request, None)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_form_page(request, _meeting_or_404(request, pk))


# --- iCalendar ----------------------------------------------------------------------------


def _ical_response(
    request: HttpRequest, meetings: list[Meeting], name: str, filename: str
) -> HttpResponse:
    urls = {
        m.pk: request.build_absolute_uri(reverse("meetings:detail", args=[m.pk])) for m in meetings
    }
    body = ical.build_calendar(meetings, url_for=urls, host=request.get_host(), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    return _ical_response(request, [meeting], meeting.title, f"meeting-{meeting.pk}.ics")


@require_GET
def feed_ics(request: HttpRequest) -> HttpResponse:
    meetings = list(selectors.visible_meetings(user=request.user).select_related("country"))
    return _ical_response(request, meetings, _("Working group meetings"), "meetings.ics")


# --- sessions and agenda -----------------------------------------------------------------


@login_required
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    if not permissions.can_edit_meeting(request.user, meeting):
        raise PermissionDenied(_("Only the secretariat edits the agenda."))
    form = forms.SessionForm(request.POST or None, initial={"date": meeting.start_date})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_add(meeting=meeting, by=_me(request), session=form.save(commit=False))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The session was added to the agenda."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")
    return render(
        request,
        "meetings/simple_form.html",
        {"form": form, "meeting": meeting, "heading": _("Add a session")},
        status=400 if form.errors else 200,
    )


@login_required
def item_add(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    session = get_object_or_404(Session, pk=session_pk, meeting=meeting)
    if not permissions.can_edit_meeting(request.user, meeting):
        raise PermissionDenied(_("Only the secretariat edits the agenda."))
    form = forms.AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_add(session=session, by=_me(request), item=form.save(commit=False))
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The item was added to the agenda."))
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")
    heading = _("Add an item to “%(session)s”") % {"session": session.title}
    return render(
        request,
        "meetings/simple_form.html",
        {"form": form, "meeting": meeting, "heading": heading},
        status=400 if form.errors else 200,
    )
