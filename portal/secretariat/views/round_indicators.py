"""The indicators a round asks for, changed after it opened (removals with values entered are
listed and confirmed first)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indicators.models import ReportingRound
from portal.secretariat import forms, permissions
from portal.secretariat.models import RoundIndicator
from portal.secretariat.services import round_indicators as services_rounds
from portal.secretariat.views.common import form_errors, request_address, secretariat_only
from portal.typing import AuthedRequest


@secretariat_only(permissions.can_manage_rounds)
def round_indicators(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(ReportingRound, pk=pk)
    current = list(
        RoundIndicator.objects.filter(round=round_).values_list("indicator_id", flat=True)
    )
    form = forms.RoundIndicatorsForm(request.POST or None, initial={"indicators": current})
    if request.method == "POST" and form.is_valid():
        try:
            added, removed = services_rounds.round_set_indicators(
                actor=request.user,
                round_=round_,
                indicators=form.cleaned_data["indicators"],
                confirm_removals=form.cleaned_data["confirm_removals"],
                address=request_address(request),
            )
        except services_rounds.RemovalsNeedConfirmation as pending:
            context = {
                "round": round_,
                "entered": pending.entered,
                "chosen": [indicator.pk for indicator in form.cleaned_data["indicators"]],
            }
            return render(request, "secretariat/round_indicators_confirm.html", context)
        except ValidationError as error:
            form_errors(form, error)
        else:
            if added or removed:
                messages.success(
                    request,
                    _(
                        "The indicators of %(code)s were changed: %(added)s added, %(removed)s no longer asked for."
                    )
                    % {
                        "code": round_.code,
                        "added": ", ".join(added) or "0",
                        "removed": ", ".join(removed) or "0",
                    },
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("secretariat:rounds")
    context = {"form": form, "round": round_}
    return render(
        request, "secretariat/round_indicators.html", context, status=400 if form.errors else 200
    )
