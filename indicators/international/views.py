"""The agencies' side: load a release of published figures in the browser, see past releases."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import permissions
from indicators.forms import MultipleFileField
from indicators.imports.types import group_problems
from indicators.international.services import (
    InternationalImport,
    international_import,
    international_preview,
    international_stage,
    international_staged,
)
from indicators.models import InternationalRelease
from portal.models import Agency
from portal.typing import AuthedRequest


class InternationalUploadForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"), queryset=Agency.objects.none())
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("sdg-csv", gettext_lazy("UN SDG Global Database CSV")),
            ("opensdg", gettext_lazy("Open SDG CSV (one file per indicator)")),
            ("sdmx", gettext_lazy("SDMX-ML data message")),
        ],
    )
    data_files = MultipleFileField(label=gettext_lazy("Files"))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()

    def clean_data_files(self):
        files = self.cleaned_data["data_files"]
        for upload in files:
            if upload.size > settings.PORTAL_MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is over the upload limit.") % {"name": upload.name}
                )
        return files


def _agencies_for(user):
    if permissions.can_review(user):
        return Agency.objects.all()
    if user.agency is not None and permissions.can_load_international(user, user.agency):
        return Agency.objects.filter(pk=user.agency.pk)
    return Agency.objects.none()


@login_required
def international_upload(request: AuthedRequest) -> HttpResponse:
    """An agency focal point (or the secretariat) loads a new release; every problem listed, nothing half-stored."""
    agencies = _agencies_for(request.user)
    if not agencies.exists():
        raise PermissionDenied(
            _("Only agency focal points and the secretariat load international figures.")
        )
    form = InternationalUploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    context: dict[str, object] = {
        "form": form,
        "releases": InternationalRelease.objects.filter(agency__in=agencies).select_related(
            "agency", "loaded_by"
        )[:50],
    }
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, context)
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "indicators/international_upload.html",
            context,
            status=400 if form.errors else 200,
        )
    agency = form.cleaned_data["agency"]
    files = [(upload.name, upload.read()) for upload in form.cleaned_data["data_files"]]
    fmt = form.cleaned_data["format"]
    preview = international_preview(agency=agency, user=request.user, files=files, fmt=fmt)
    context.update(_outcome_context(preview), preview_agency=agency)
    if preview.ok:
        context["token"] = international_stage(
            agency=agency, user=request.user, files=files, fmt=fmt, note=form.cleaned_data["note"]
        )
    return render(
        request,
        "indicators/international_upload.html",
        context,
        status=200 if preview.ok else 400,
    )


def _outcome_context(outcome: InternationalImport) -> dict[str, object]:
    return {
        "outcome": outcome,
        "problems": outcome.problems,
        "problem_groups": group_problems(outcome.problems),
    }


def _confirm(request: AuthedRequest, context: dict[str, object]) -> HttpResponse:
    """The agency saw the preview and confirms: the staged files become the new release."""
    try:
        agency, files, fmt, note = international_staged(
            token=request.POST["token"], user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("indicators:international_upload")
    outcome = international_import(
        agency=agency, user=request.user, files=files, fmt=fmt, note=note
    )
    if outcome.problems:
        context.update(_outcome_context(outcome))
        return render(request, "indicators/international_upload.html", context, status=400)
    assert outcome.release is not None
    messages.success(
        request,
        _("Release %(version)s of %(agency)s loaded: %(n)s values; %(skipped)s rows not tracked.")
        % {
            "version": outcome.release.version,
            "agency": agency,
            "n": outcome.stored,
            "skipped": sum(outcome.not_tracked.values()),
        },
    )
    return redirect("indicators:international_upload")
