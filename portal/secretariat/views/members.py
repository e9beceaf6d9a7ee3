"""Secretariat pages: members and invitations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.models import User
from portal.secretariat import forms, permissions, selectors, services
from portal.secretariat.models import Invitation
from portal.secretariat.views.common import (
    form_errors,
    request_address,
    secretariat_only,
    toggle_active,
)
from portal.typing import AuthedRequest
from portal.views import set_language_cookie


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
                actor=request.user, address=request_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
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
                actor=request.user,
                account=account,
                address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors(form, error)
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
            actor=request.user, account=account, active=active, address=request_address(request)
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
            actor=request.user, invitation=invitation, address=request_address(request)
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
            actor=request.user, invitation=invitation, address=request_address(request)
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
    chosen = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
    if not chosen:
        # The invitee has chosen no language here yet: the page speaks the e-mail's language.
        translation.activate(invitation.language)
        request.LANGUAGE_CODE = invitation.language
    form = forms.AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                address=request_address(request),
            )
        except ValidationError as error:
            form.add_error("password1", error.messages)
        else:
            messages.success(request, _("Your account is ready: log in with your new password."))
            response = redirect("portal:login")
            if not chosen:
                set_language_cookie(response, invitation.language)
            return response
    context = {"form": form, "invitation": invitation}
    return render(
        request, "secretariat/invitation_accept.html", context, status=400 if form.errors else 200
    )
