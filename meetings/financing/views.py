"""Pages of fund-raising consultations: the list and a detail for members, the form for the
secretariat."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from meetings import permissions
from meetings.models import Consultation
from portal.models import User

from . import forms, selectors, services


def _require_view(request: HttpRequest) -> None:
    if not permissions.can_view_capacity(request.user):
        raise PermissionDenied


@require_GET
@login_required
def consultation_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    rows = list(selectors.consultations())
    totals, unstated = selectors.sought_by_currency(rows)
    return render(
        request,
        "meetings/financing/list.html",
        {
            "consultations": rows,
            "totals": totals,
            "unstated": unstated,
            "can_manage": permissions.can_manage_capacity(request.user),
        },
    )


@require_GET
@login_required
def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    consultation = get_object_or_404(selectors.consultations(), pk=pk)
    return render(
        request,
        "meetings/financing/detail.html",
        {
            "consultation": consultation,
            "can_manage": permissions.can_manage_capacity(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def consultation_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_manage_capacity(request.user):
        raise PermissionDenied(_("Only the secretariat may record fund-raising consultations."))
    instance = get_object_or_404(Consultation, pk=pk) if pk is not None else None
    form = forms.ConsultationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.consultation_save(
                user=cast(User, request.user), consultation=form.save(commit=False)
            )
        except ValidationError as exc:
            for name, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:consultation", pk=saved.pk)
    return render(
        request,
        "meetings/financing/form.html",
        {
            "form": form,
            "consultation": instance,
            "heading": _("Edit consultation") if instance else _("New consultation"),
        },
    )
