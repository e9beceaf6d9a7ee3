"""Pages of the secretariat for organisations and member countries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.models import Country, Organisation
from portal.secretariat import forms, permissions
from portal.secretariat.services import organisations as services_organisations
from portal.secretariat.views.common import (
    form_errors,
    request_address,
    secretariat_only,
    toggle_active,
)
from portal.typing import AuthedRequest


@secretariat_only(permissions.can_manage_organisations)
def organisations(request: AuthedRequest) -> HttpResponse:
    form = forms.OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services_organisations.organisation_create(
                actor=request.user, address=request_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": organisation.name})
            return redirect("secretariat:organisations")
    rows = (
        Organisation.objects.select_related("country", "agency")
        .annotate(n_accounts=Count("users"))
        .order_by("-is_active", "name")
    )
    context = {"form": form, "organisations": rows}
    return render(
        request, "secretariat/organisations.html", context, status=400 if form.errors else 200
    )


@secretariat_only(permissions.can_manage_organisations)
def organisation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("country", "agency"), pk=pk
    )
    form = forms.OrganisationForm(
        request.POST or None,
        initial={
            "name": organisation.name,
            "kind": organisation.kind,
            "country": organisation.country,
            "agency": organisation.agency,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services_organisations.organisation_update(
                actor=request.user,
                organisation=organisation,
                address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            organisation.refresh_from_db()
            form_errors(form, error)
        else:
            if changed:
                messages.success(request, _("%(name)s was saved.") % {"name": organisation.name})
            return redirect("secretariat:organisations")
    context = {
        "form": form,
        "organisation": organisation,
        "accounts": organisation.users.order_by("email"),
    }
    return render(
        request, "secretariat/organisation_edit.html", context, status=400 if form.errors else 200
    )


@require_POST
@secretariat_only(permissions.can_manage_organisations)
def organisation_active(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    return toggle_active(
        request,
        lambda active: services_organisations.organisation_set_active(
            actor=request.user,
            organisation=organisation,
            active=active,
            address=request_address(request),
        ),
        activated=_("%(name)s is active again.") % {"name": organisation.name},
        deactivated=_("%(name)s was deactivated; its accounts and records keep it.")
        % {"name": organisation.name},
        back="secretariat:organisations",
    )


@secretariat_only(permissions.can_manage_organisations)
def member_countries(request: AuthedRequest) -> HttpResponse:
    iso3 = request.GET.get("country", "")
    if iso3 and Country.objects.filter(iso3=iso3).exists():
        return redirect("secretariat:country_membership", iso3=iso3)
    countries = Country.objects.order_by("-is_member", "name_en")
    context = {
        "members": [country for country in countries if country.is_member or country.member_until],
        "countries": countries,
    }
    return render(request, "secretariat/member_countries.html", context)


@secretariat_only(permissions.can_manage_organisations)
def country_membership(request: AuthedRequest, iso3: str) -> HttpResponse:
    country = get_object_or_404(Country, iso3=iso3)
    form = forms.MembershipForm(
        request.POST or None,
        initial={
            "is_member": country.is_member,
            "member_since": country.member_since,
            "member_until": country.member_until,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services_organisations.country_membership_update(
                actor=request.user,
                country=country,
                today=timezone.localdate(),
                address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            if changed:
                messages.success(request, _("%(country)s was saved.") % {"country": country.name})
            return redirect("secretariat:member_countries")
    context = {"form": form, "country": country}
    return render(
        request, "secretariat/country_membership.html", context, status=400 if form.errors else 200
    )
