"""Participation statistics and the work programme by biennium, with their reports."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import exports, permissions, selectors
from ..capacity import selectors as capacity_selectors
from ..financing import selectors as financing_selectors
from ..models import (
    Activity,
    Biennium,
)

# --- statistics ---------------------------------------------------------------------------


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    stats = selectors.participation_statistics(user=request.user)
    context = {
        "stats": stats,
        "year_bars": selectors.chart_bars(stats.by_year),
        "chart_height": max(len(stats.by_year), 1) * 26 + 10,
    }
    return render(request, "meetings/statistics.html", context)


@require_GET
def statistics_csv(request: HttpRequest) -> HttpResponse:
    stats = selectors.participation_statistics(user=request.user)
    response = HttpResponse(exports.statistics_csv(stats), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="participation.csv"'
    return response


@require_GET
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    stats = selectors.participation_statistics(user=request.user)
    response = HttpResponse(
        exports.statistics_xlsx(stats),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="participation.xlsx"'
    return response


# --- work programme -----------------------------------------------------------------------


@require_GET
def programme(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/programme.html",
        {
            "bienniums": selectors.bienniums(),
            "can_manage": permissions.can_manage_programme(request.user),
        },
    )


@require_GET
def biennium_detail(request: HttpRequest, pk: int) -> HttpResponse:
    biennium = get_object_or_404(Biennium, pk=pk)
    objectives = biennium.objectives.prefetch_related(
        Prefetch(
            "activities",
            queryset=Activity.objects.filter(parent=None).prefetch_related(
                "meetings",
                "lead_organisations",
                Prefetch(
                    "sub_activities",
                    queryset=Activity.objects.prefetch_related("meetings", "lead_organisations"),
                ),
            ),
        )
    )
    context = {
        "biennium": biennium,
        "objectives": objectives,
        "timeline": selectors.timeline(biennium=biennium),
        "can_manage": permissions.can_manage_programme(request.user),
    }
    return render(request, "meetings/biennium.html", context)


@require_GET
def biennium_report(request: HttpRequest, pk: int) -> HttpResponse:
    biennium = get_object_or_404(Biennium, pk=pk)
    sections = selectors.biennium_report(biennium=biennium, user=request.user)
    context: dict[str, Any] = {
        "biennium": biennium,
        "sections": sections,
        "generated": timezone.now(),
    }
    if permissions.can_view_capacity(request.user):  # donors and amounts: members only
        grants = capacity_selectors.biennium_grants(biennium)
        context |= {"grants": grants, "totals": capacity_selectors.funding_totals(grants)}
        context |= financing_selectors.report_context(biennium)
    return render(request, "meetings/biennium_report.html", context)


@require_GET
def biennium_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    biennium = get_object_or_404(Biennium, pk=pk)
    sections = selectors.biennium_report(biennium=biennium, user=request.user)
    financing = None
    if permissions.can_view_capacity(request.user):  # donors and amounts: members only
        financing = financing_selectors.report_context(biennium)
    response = HttpResponse(
        exports.biennium_xlsx(biennium, sections, financing),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="work-programme-{biennium.period}.xlsx"'
    )
    return response
