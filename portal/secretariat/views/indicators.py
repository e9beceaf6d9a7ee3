"""Secretariat pages: indicator definitions and targets; area codes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indicators.models import AreaCodeMapping, Indicator
from portal.models import Country
from portal.secretariat import forms, permissions, selectors, services
from portal.secretariat.models import IndicatorChange
from portal.secretariat.views.common import form_errors, request_address, secretariat_only
from portal.typing import AuthedRequest


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
                address=request_address(request),
            )
        except ValidationError as error:
            form_errors(form, error)
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
                actor=request.user,
                country=country,
                address=request_address(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_errors(form, error)
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
        services.area_code_delete(
            actor=request.user, mapping=mapping, address=request_address(request)
        )
        messages.success(request, _("%(code)s was deleted.") % {"code": mapping.code})
        return redirect("secretariat:area_codes", iso3=mapping.country.iso3)
    return render(request, "secretariat/area_code_delete.html", {"mapping": mapping})
