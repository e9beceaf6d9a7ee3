"""A country's statistical-operations catalogue and information flows (seed 000, 2(e) and 3(c))."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import permissions
from indicators.models import Indicator, InformationFlow, StatisticalOperation
from portal.models import Country, Organisation
from portal.typing import AuthedRequest


class OperationForm(forms.ModelForm):
    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("indicators it produces"),
        queryset=Indicator.objects.order_by("code"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = StatisticalOperation
        fields = [
            "name",
            "kind",
            "institution",
            "responsible",
            "periodicity",
            "last_round",
            "next_round",
            "subnational_level",
            "indicators",
        ]
        widgets = {"indicators": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args: Any, country: Country, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the country's own statistical office and ministries: another country's
        # organisation is refused as an invalid choice.
        self.fields["responsible"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            country=country,
            kind__in=(Organisation.Kind.NSO, Organisation.Kind.MINISTRY),
        ).order_by("name")


class FlowForm(forms.ModelForm):
    class Meta:
        model = InformationFlow
        fields = [
            "indicator",
            "national_producer",
            "custodian",
            "method",
            "frequency",
            "data_format",
            "contact",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


@login_required
def catalogue(request: AuthedRequest, iso3: str) -> HttpResponse:
    """Published to every member; edited by the country's focal point or the secretariat."""
    country = get_object_or_404(Country, iso3=iso3.upper())
    if not permissions.can_view_country_sheets(request.user, country):
        raise PermissionDenied
    can_edit = permissions.can_manage_catalogue(request.user, country)
    which = request.POST.get("which") if request.method == "POST" else None
    if which and not can_edit:
        raise PermissionDenied(
            _("Only the country's focal point or the secretariat edit this catalogue.")
        )
    operation_form = OperationForm(
        request.POST if which == "operation" else None, prefix="op", country=country
    )
    flow_form = FlowForm(request.POST if which == "flow" else None, prefix="flow")
    form = {"operation": operation_form, "flow": flow_form}.get(which or "")
    if form is not None and form.is_valid():
        try:
            with transaction.atomic():
                item = form.save(commit=False)
                item.country = country
                item.save()
                form.save_m2m()
        except IntegrityError:
            form.add_error(
                None, _("This country already has an entry with that name or indicator.")
            )
        else:
            messages.success(request, _("Saved."))
            return redirect("indicators:catalogue", iso3=country.iso3)
    context = {
        "country": country,
        "can_edit": can_edit,
        "operation_form": operation_form,
        "flow_form": flow_form,
        "operations": StatisticalOperation.objects.filter(country=country)
        .select_related("responsible")
        .prefetch_related("indicators"),
        "flows": InformationFlow.objects.filter(country=country).select_related(
            "indicator", "custodian"
        ),
    }
    return render(
        request,
        "indicators/catalogue.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )
