"""The engine runs: list, detail and the coordinator's button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import (
    EngineRun,
)
from indicators.reports import services
from indicators.reports.selectors import pages
from indicators.reports.views.common import (
    _member_required,
)
from portal import permissions as base
from portal.typing import AuthedRequest

# --- runs -----------------------------------------------------------------------------


@login_required
def run_list(request: AuthedRequest) -> HttpResponse:
    _member_required(request)
    runs = pages.recent_runs()
    return render(
        request,
        "indicators/reports/runs.html",
        {"runs": runs, "can_run": base.can_run_engine(request.user)},
    )


@login_required
def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _member_required(request)
    run = get_object_or_404(EngineRun.objects.select_related("started_by"), pk=pk)
    return render(request, "indicators/reports/run.html", {"run": run})


@login_required
@require_POST
def run_start(request: AuthedRequest) -> HttpResponse:
    run = services.engine_run_request(user=request.user)
    messages.success(request, _("A full engine run was queued (#%(run)s).") % {"run": run.pk})
    return redirect("indicators:reports:run_detail", pk=run.pk)
