"""Pages for training, experts, missions and grants: members read, the secretariat records."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from meetings import permissions
from meetings.models import ExpertProfile, Grant, Mission, Training
from portal.models import User

from . import forms, selectors, services


def _require_view(request: HttpRequest) -> None:
    if not permissions.can_view_capacity(request.user):
        raise PermissionDenied


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    topic = request.GET.get("topic", "").strip()[:100]
    available_only = request.GET.get("available") == "1"
    return render(
        request,
        "meetings/capacity/index.html",
        {
            "trainings": selectors.trainings(),
            "totals": selectors.trainee_totals(),
            "by_country": selectors.trainees_by_country(),
            "missions": selectors.missions(),
            "experts": selectors.experts(topic=topic, available_only=available_only),
            "topic": topic,
            "available_only": available_only,
            "can_manage": permissions.can_manage_capacity(request.user),
        },
    )


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    try:
        training = selectors.training_for_page(pk=pk)
    except Training.DoesNotExist as exc:
        raise Http404(_("No such training.")) from exc
    can_manage = permissions.can_manage_capacity(request.user)
    form = forms.TraineesForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.trainees_set(
                    user=cast(User, request.user),
                    training=training,
                    country=data["country"],
                    women=data["women"],
                    men=data["men"],
                    replace=data["replace"],
                )
            except ValidationError as exc:
                form.add_error("replace" if exc.code == "replace" else None, exc.messages)
            else:
                messages.success(request, _("Trainees recorded."))
                return redirect("meetings:training", pk=training.pk)
    elif request.method != "GET":
        return HttpResponse(status=405)
    trainees = list(training.trainees.all())
    return render(
        request,
        "meetings/capacity/training.html",
        {
            "training": training,
            "trainees": trainees,
            "women": sum(t.women for t in trainees),
            "men": sum(t.men for t in trainees),
            "evaluation": getattr(training, "evaluation", None),
            "form": form if can_manage else None,
        },
    )


@require_GET
@login_required
def financing(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    grants = list(selectors.grants())
    return render(
        request,
        "meetings/capacity/financing.html",
        {
            "grants": grants,
            "totals": selectors.funding_totals(grants),
            "can_manage": permissions.can_manage_capacity(request.user),
        },
    )


_KINDS: dict[str, tuple[type[models.Model], type[ModelForm], str]] = {
    "training": (Training, forms.TrainingForm, "meetings:capacity"),
    "mission": (Mission, forms.MissionForm, "meetings:capacity"),
    "expert": (ExpertProfile, forms.ExpertForm, "meetings:capacity"),
    "grant": (Grant, forms.GrantForm, "meetings:financing"),
}


@login_required
def record_form(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Create or edit a training, mission, expert profile or grant (secretariat only)."""
    if kind not in _KINDS:
        raise Http404
    if not permissions.can_manage_capacity(request.user):
        raise PermissionDenied(_("Only the secretariat may record training, missions and grants."))
    model, form_class, back = _KINDS[kind]
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        try:
            if isinstance(form, forms.TrainingForm):
                data = form.cleaned_data
                evaluation = (
                    (
                        data["evaluation_responses"],
                        data["evaluation_score"],
                        data["evaluation_summary"],
                    )
                    if data.get("evaluation_responses") is not None
                    else None
                )
                services.training_save(
                    user=cast(User, request.user),
                    training=record,
                    trainers=data["trainers"],
                    evaluation=evaluation,
                )
            else:
                services.record_save(user=cast(User, request.user), record=record)
        except ValidationError as exc:
            for name, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.save_m2m()
            messages.success(request, _("Saved."))
            if kind == "training":
                return redirect("meetings:training", pk=record.pk)
            return redirect(back)
    headings = {
        "training": (_("New training"), _("Edit training")),
        "mission": (_("New mission"), _("Edit mission")),
        "expert": (_("New expert profile"), _("Edit expert profile")),
        "grant": (_("New grant"), _("Edit grant")),
    }
    return render(
        request,
        "meetings/capacity/form.html",
        {
            "form": form,
            "heading": headings[kind][instance is not None],
            "back": reverse(back),
        },
    )
