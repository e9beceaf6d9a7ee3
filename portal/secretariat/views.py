"""Pages of the secretariat. Every page checks its permission and calls one service."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import AreaCodeMapping, Indicator, ReportingRound
from indicators.reports.bar_charts import BarSeries, bar_chart
from meetings.models import Activity
from portal.models import Country, User
from portal.secretariat import exports, forms, permissions, selectors, services
from portal.secretariat.models import IndicatorChange, Invitation
from portal.typing import AuthedRequest

View = Callable[..., HttpResponse]


def _address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def secretariat_only(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """Log in first; then 403 unless ``check(user)``."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(_("Only the secretariat can use this page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _form_errors(form: Form, error: ValidationError) -> None:
    """Put a service's errors on the form's fields (or on the form when they name none)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def toggle_active(
    request: AuthedRequest,
    set_active: Callable[[bool], object],
    *,
    activated: str,
    deactivated: str,
    back: str,
) -> HttpResponse:
    """An activate/deactivate button: POST ``active=1`` activates, anything else deactivates;
    ``set_active`` calls the service, the message says what happened, then back to the list."""
    active = request.POST.get("active") == "1"
    set_active(active)
    messages.success(request, activated if active else deactivated)
    return redirect(back)


@secretariat_only(permissions.can_manage_members)
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "secretariat/index.html", {"rounds": selectors.rounds()[:5]})


# --- members and invitations --------------------------------------------------------------


@secretariat_only(permissions.can_manage_members)
def members(request: AuthedRequest) -> HttpResponse:
    form = forms.InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, link = services.invitation_create(
                actor=request.user, address=_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if getattr(invitation, "mail_failed", False):
                messages.warning(
                    request,
                    _(
                        "The e-mail to %(email)s could not be sent; give them this link "
                        "yourself (valid 14 days): %(link)s"
                    )
                    % {"email": invitation.email, "link": link},
                )
                return redirect("secretariat:members")
            messages.success(
                request,
                _("%(email)s was invited; the link works for 14 days.")
                % {"email": invitation.email},
            )
            return redirect("secretariat:members")
    query, role, active = (request.GET.get(key, "") for key in ("q", "role", "active"))
    accounts = list(selectors.members(query=query, role=role, active=active)[:500])
    for account in accounts:
        account.changeable = permissions.can_change_account(request.user, account)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "accounts": accounts,
        "invitations": selectors.invitations_recent(),
        "roles": User.Role.choices,
        "q": query,
        "role": role,
        "active": active,
    }
    return render(request, "secretariat/members.html", context, status=400 if form.errors else 200)


@secretariat_only(permissions.can_manage_members)
def member_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    if not permissions.can_change_account(request.user, account):
        raise PermissionDenied(_("You cannot change this account."))
    form = forms.MemberForm(
        request.POST or None,
        initial={"role": account.role, "organisation": account.organisation},
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.member_update(
                actor=request.user, account=account, address=_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if changed:
                messages.success(request, _("%(email)s was updated.") % {"email": account.email})
            return redirect("secretariat:members")
    context = {"form": form, "account": account}
    return render(
        request, "secretariat/member_edit.html", context, status=400 if form.errors else 200
    )


@require_POST
@secretariat_only(permissions.can_manage_members)
def member_active(request: AuthedRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    return toggle_active(
        request,
        lambda active: services.member_set_active(
            actor=request.user, account=account, active=active, address=_address(request)
        ),
        activated=_("%(email)s can log in again.") % {"email": account.email},
        deactivated=_("%(email)s was deactivated.") % {"email": account.email},
        back="secretariat:members",
    )


@require_POST
@secretariat_only(permissions.can_manage_members)
def invitation_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        services.invitation_revoke(
            actor=request.user, invitation=invitation, address=_address(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The invitation of %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("secretariat:members")


@require_POST
@secretariat_only(permissions.can_manage_members)
def invitation_resend(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        invitation, link = services.invitation_resend(
            actor=request.user, invitation=invitation, address=_address(request)
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if getattr(invitation, "mail_failed", False):
            messages.warning(
                request,
                _(
                    "The e-mail to %(email)s could not be sent; give them this link "
                    "yourself (valid 14 days): %(link)s"
                )
                % {"email": invitation.email, "link": link},
            )
        else:
            messages.success(
                request,
                _("A new link was sent to %(email)s; the previous one no longer works.")
                % {"email": invitation.email},
            )
    return redirect("secretariat:members")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page (no login): choose a password; the account is created then."""
    invitation = services.invitation_find(token)
    if invitation is None or not invitation.is_pending:
        return render(
            request, "secretariat/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    if request.user.is_authenticated:
        messages.error(request, _("Log out first to accept an invitation for another person."))
        return redirect("portal:home")
    form = forms.AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                address=_address(request),
            )
        except ValidationError as error:
            form.add_error("password1", error.messages)
        else:
            messages.success(request, _("Your account is ready: log in with your new password."))
            return redirect("portal:login")
    context = {"form": form, "invitation": invitation}
    return render(
        request, "secretariat/invitation_accept.html", context, status=400 if form.errors else 200
    )


# --- reporting rounds ----------------------------------------------------------------------


@secretariat_only(permissions.can_manage_rounds)
def rounds(request: AuthedRequest) -> HttpResponse:
    form = forms.RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(
                actor=request.user, address=_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The round %(code)s is open.") % {"code": round_.code})
            return redirect("secretariat:completeness", pk=round_.pk)
    context = {"form": form, "rounds": selectors.rounds()}
    return render(request, "secretariat/rounds.html", context, status=400 if form.errors else 200)


@require_POST
@secretariat_only(permissions.can_manage_rounds)
def round_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(ReportingRound, pk=pk)
    is_open = request.POST.get("open") == "1"
    services.round_set_open(
        actor=request.user, round_=round_, is_open=is_open, address=_address(request)
    )
    if is_open:
        messages.success(request, _("The round %(code)s is open again.") % {"code": round_.code})
    else:
        messages.success(request, _("The round %(code)s is closed.") % {"code": round_.code})
    return redirect("secretariat:rounds")


@require_POST
@secretariat_only(permissions.can_manage_rounds)
def round_deadline(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(ReportingRound, pk=pk)
    form = forms.DeadlineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["closes_on"]))
        changed = services.round_set_deadline(
            actor=request.user,
            round_=round_,
            closes_on=form.cleaned_data["closes_on"],
            address=_address(request),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if changed:
            messages.success(
                request,
                _("The deadline of %(code)s is now %(date)s.")
                % {"code": round_.code, "date": round_.closes_on.isoformat()},
            )
    return redirect("secretariat:completeness", pk=round_.pk)


@secretariat_only(permissions.can_view_completeness)
def completeness(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(ReportingRound, pk=pk)
    rows = selectors.round_completeness(round_=round_, today=timezone.localdate())
    if request.GET.get("format") in ("csv", "xlsx"):
        return exports.completeness_export(round_, rows, request.GET["format"])
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.status] = totals.get(row.status, 0) + 1
    context = {
        "round": round_,
        "rows": rows,
        "totals": totals,
        "n_countries": len(rows),
        "today": timezone.localdate(),
        "deadline_form": forms.DeadlineForm(initial={"closes_on": round_.closes_on}),
    }
    return render(request, "secretariat/completeness.html", context)


@secretariat_only(permissions.can_view_completeness)
def completeness_rounds(request: AuthedRequest) -> HttpResponse:
    summaries = selectors.rounds_completeness(today=timezone.localdate())
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        table = exports.round_rows(summaries)
        if fmt == "xlsx":
            return exports.xlsx_response(
                exports.ROUND_COLUMNS, table, "completeness-rounds", "rounds"
            )
        return exports.csv_response(exports.ROUND_COLUMNS, table, "completeness-rounds")
    chart = bar_chart(
        title=_("Completeness over rounds"),
        groups=[s.round.name for s in summaries],
        series=[
            BarSeries(_("countries submitted or accepted"), [s.delivered_share for s in summaries]),
            BarSeries(_("countries accepted"), [s.accepted_share for s in summaries]),
            BarSeries(_("requested indicators covered"), [s.covered_share for s in summaries]),
        ],
        maximum=1.0,
        percent=True,
    )
    return render(
        request,
        "secretariat/completeness_rounds.html",
        {
            "lines": [
                {
                    "summary": s,
                    "delivered": s.delivered_share * 100,
                    "accepted": s.accepted_share * 100,
                    "covered": s.covered_share * 100,
                }
                for s in summaries
            ],
            "chart": chart,
        },
    )


# --- indicators ------------------------------------------------------------------------------


@secretariat_only(permissions.can_edit_indicators)
def indicators(request: AuthedRequest) -> HttpResponse:
    context = {"indicators": Indicator.objects.order_by("framework", "code")}
    return render(request, "secretariat/indicators.html", context)


@secretariat_only(permissions.can_edit_indicators)
def indicator_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk)
    form = forms.IndicatorForm(
        request.POST or None,
        initial={field: getattr(indicator, field) for field in services.INDICATOR_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        reason = values.pop("reason", "")
        try:
            change = services.indicator_update(
                actor=request.user,
                indicator=indicator,
                values=values,
                reason=reason,
                address=_address(request),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if change is None:
                messages.info(request, _("Nothing was changed."))
            elif change.engine_run_id:
                messages.success(
                    request,
                    _("%(code)s was saved; the engine recomputes its progress now.")
                    % {"code": indicator.code},
                )
            else:
                messages.success(request, _("%(code)s was saved.") % {"code": indicator.code})
            return redirect("secretariat:indicator_edit", pk=indicator.pk)
    context = {
        "form": form,
        "indicator": indicator,
        "history": IndicatorChange.objects.filter(indicator=indicator).select_related("changed_by"),
    }
    return render(
        request, "secretariat/indicator_edit.html", context, status=400 if form.errors else 200
    )


# --- work programme --------------------------------------------------------------------------


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
                address=_address(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if changed:
                messages.success(request, _("%(code)s was saved.") % {"code": activity.code})
            return redirect("secretariat:activities")
    context = {"form": form, "activity": activity}
    return render(
        request, "secretariat/activity_edit.html", context, status=400 if form.errors else 200
    )


# --- area codes ----------------------------------------------------------------------------


@secretariat_only(permissions.can_map_area_codes)
def area_countries(request: AuthedRequest) -> HttpResponse:
    iso3 = request.GET.get("country", "")
    if iso3 and Country.objects.filter(iso3=iso3).exists():
        return redirect("secretariat:area_codes", iso3=iso3)
    countries = Country.objects.order_by("-is_member", "name_en")
    return render(request, "secretariat/area_countries.html", {"countries": countries})


@secretariat_only(permissions.can_map_area_codes)
def area_codes(request: AuthedRequest, iso3: str) -> HttpResponse:
    country = get_object_or_404(Country, iso3=iso3)
    form = forms.AreaCodeForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = services.area_code_add(
                actor=request.user, country=country, address=_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("%(code)s was mapped.") % {"code": mapping.code})
            return redirect("secretariat:area_codes", iso3=country.iso3)
    context = {
        "country": country,
        "form": form,
        "mappings": selectors.area_code_mappings(country),
        "areas": country.areas.count(),
    }
    return render(request, "secretariat/area_codes.html", context)


@secretariat_only(permissions.can_map_area_codes)
def area_code_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: what would go; POST: delete it."""
    mapping = get_object_or_404(AreaCodeMapping.objects.select_related("country", "area"), pk=pk)
    if request.method == "POST":
        services.area_code_delete(actor=request.user, mapping=mapping, address=_address(request))
        messages.success(request, _("%(code)s was deleted.") % {"code": mapping.code})
        return redirect("secretariat:area_codes", iso3=mapping.country.iso3)
    return render(request, "secretariat/area_code_delete.html", {"mapping": mapping})
