"""Pages of the meetings app. Views parse input, check permissions, call one service."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.models import User
from portal.redirects import safe_next_url

from . import attendance, exports, forms, ical, permissions, selectors, services
from .capacity import selectors as capacity_selectors
from .financing import selectors as financing_selectors
from .models import (
    ActionItem,
    Activity,
    Biennium,
    DocumentVersion,
    Meeting,
    Participant,
    Session,
)


def _me(request: HttpRequest) -> User:
    """The logged-in user (views that call it are behind login_required)."""
    return cast(User, request.user)


def _apply_errors(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    try:
        meeting = selectors.meeting_for_page(pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404(_("No such meeting.")) from exc
    if not permissions.can_view_meeting(request.user, meeting):
        raise Http404(_("No such meeting."))
    return meeting


def _visible_or_login(request: HttpRequest, pk: int) -> Meeting | HttpResponse:
    try:
        return _meeting_or_404(request, pk)
    except Http404:
        if not request.user.is_authenticated and Meeting.objects.filter(pk=pk).exists():
            return redirect_to_login(request.get_full_path())
        raise


def _manageable(request: HttpRequest, pk: int) -> Meeting:
    meeting = _meeting_or_404(request, pk)
    if not permissions.can_manage_participants(request.user, meeting):
        raise PermissionDenied(_("Only the meeting's organisers and the secretariat may do this."))
    return meeting


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


# --- agenda, documents, outcomes ----------------------------------------------------------


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


@login_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _manageable(request, pk)
    form = forms.DocumentUploadForm(request.POST or None, request.FILES or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.document_upload(
                meeting=meeting,
                by=_me(request),
                upload=data["file"],
                title=data["title"],
                kind=data["kind"],
                language=data["language"],
                visibility=data["visibility"],
                agenda_item=data["agenda_item"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” was uploaded (version %(n)s).")
                % {"title": version.document.title, "n": version.number},
            )
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#documents")
    context = {
        "form": form,
        "meeting": meeting,
        "heading": _("Upload a document"),
        "multipart": True,
        "limit_mb": settings.PORTAL_MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "meetings/simple_form.html", context, status=400 if form.errors else 200)


@require_GET
def document_download(request: HttpRequest, version_pk: int) -> HttpResponseBase:
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document__meeting"), pk=version_pk
    )
    if not permissions.can_view_document(request.user, version.document):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404(_("No such document."))
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


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


# --- statistics ---------------------------------------------------------------------------


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    stats = selectors.participation_statistics(user=request.user)
    context = {
        "stats": stats,
        "year_bars": selectors.chart_bars(stats.by_year),
        "chart_height": max(len(stats.by_year), 1) * 26 + 10,
    }
    return render(request, "meetings/statistics.html", context)


@require_GET
def statistics_csv(request: HttpRequest) -> HttpResponse:
    stats = selectors.participation_statistics(user=request.user)
    response = HttpResponse(exports.statistics_csv(stats), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="participation.csv"'
    return response


@require_GET
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    stats = selectors.participation_statistics(user=request.user)
    response = HttpResponse(
        exports.statistics_xlsx(stats),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="participation.xlsx"'
    return response


# --- work programme -----------------------------------------------------------------------


@require_GET
def programme(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/programme.html",
        {
            "bienniums": selectors.bienniums(),
            "can_manage": permissions.can_manage_programme(request.user),
        },
    )


@require_GET
def biennium_detail(request: HttpRequest, pk: int) -> HttpResponse:
    biennium = get_object_or_404(Biennium, pk=pk)
    objectives = biennium.objectives.prefetch_related(
        Prefetch(
            "activities",
            queryset=Activity.objects.filter(parent=None).prefetch_related(
                "meetings",
                "lead_organisations",
                Prefetch(
                    "sub_activities",
                    queryset=Activity.objects.prefetch_related("meetings", "lead_organisations"),
                ),
            ),
        )
    )
    context = {
        "biennium": biennium,
        "objectives": objectives,
        "timeline": selectors.timeline(biennium=biennium),
        "can_manage": permissions.can_manage_programme(request.user),
    }
    return render(request, "meetings/biennium.html", context)


@require_GET
def biennium_report(request: HttpRequest, pk: int) -> HttpResponse:
    biennium = get_object_or_404(Biennium, pk=pk)
    sections = selectors.biennium_report(biennium=biennium, user=request.user)
    context: dict[str, Any] = {
        "biennium": biennium,
        "sections": sections,
        "generated": timezone.now(),
    }
    if permissions.can_view_capacity(request.user):  # donors and amounts: members only
        grants = capacity_selectors.biennium_grants(biennium)
        context |= {"grants": grants, "totals": capacity_selectors.funding_totals(grants)}
        context |= financing_selectors.report_context(biennium)
    return render(request, "meetings/biennium_report.html", context)


@require_GET
def biennium_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    biennium = get_object_or_404(Biennium, pk=pk)
    sections = selectors.biennium_report(biennium=biennium, user=request.user)
    response = HttpResponse(
        exports.biennium_xlsx(biennium, sections),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="work-programme-{biennium.period}.xlsx"'
    )
    return response
