"""The discrepancy report and the discrepancy cases."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.engine.discrepancies import DISCREPANCY_COLUMNS
from indicators.models import (
    DiscrepancyCase,
)
from indicators.models.results import DiscrepancyStatus
from indicators.reports import exports, selectors, services
from indicators.reports.selectors import pages
from indicators.reports.selectors.pages import DISCREPANCY_SORTS
from indicators.reports.views.case_stats import AGE_LABELS
from indicators.reports.views.common import (
    _export,
    _member_required,
    _sort_links,
)
from portal import permissions as base
from portal.typing import AuthedRequest

# --- discrepancies --------------------------------------------------------------------


@login_required
def discrepancy_report(request: AuthedRequest) -> HttpResponse:
    _member_required(request)
    regions = selectors.report_regions()
    region = next((r for r in regions if r.code == request.GET.get("region")), None)
    countries = selectors.report_countries(region)
    country = next((c for c in countries if c.iso3 == request.GET.get("country")), None)
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "country")
    rows = pages.discrepancy_rows(countries, country, status, sort)
    summary_rows, total = pages.discrepancy_summary(countries)
    table = exports.Table(
        "discrepancies",
        str(_("Discrepancies between national and international figures")),
        list(DISCREPANCY_COLUMNS),
        rows=[
            [
                r.country.iso3,
                r.indicator.code,
                r.series,
                r.status,
                r.common_years,
                r.discrepant_years,
                r.max_abs_rel_diff,
                r.national_latest_year,
                r.international_latest_year,
                r.latest_year_differs,
                r.international_estimated,
                r.national_category,
                r.international_category,
                r.classification_differs,
            ]
            for r in rows
        ],
        runs=pages.runs_named({r.run_id for r in rows}),
    )
    exported = _export(request, table)
    if exported:
        return exported
    context = {
        "regions": regions,
        "region": region,
        "countries": countries,
        "country": country,
        "status": status,
        "statuses": DiscrepancyStatus.choices,
        "rows": rows,
        "summary_rows": summary_rows,
        "total": total,
        "open_cases": pages.open_cases(countries),
        "values": pages.side_by_side(rows) if country else {},
        "sort": sort,
        "sort_links": _sort_links(sort, list(DISCREPANCY_SORTS)),
    }
    return render(request, "indicators/reports/discrepancies.html", context)


# --- cases ----------------------------------------------------------------------------


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    _member_required(request)
    status = request.GET.get("status", "open")
    filters = {key: request.GET.get(key, "") for key in ("age", "country", "agency")}
    rows = pages.case_rows(status, **filters)
    table = exports.Table(
        "cases",
        str(_("Discrepancy cases")),
        [
            "country",
            "indicator",
            "series",
            "status",
            "reason",
            "kind",
            "agency",
            "opened_at",
            "closed_at",
            "age_days",
            "days_to_close",
            "times_reopened",
        ],
        rows=[
            [
                r["case"].country.iso3,
                r["case"].indicator.code,
                r["case"].series,
                r["case"].status,
                r["case"].reason,
                r["case"].kind,
                r["case"].agency.code if r["case"].agency else "",
                r["case"].opened_at.isoformat(timespec="seconds"),
                r["case"].closed_at.isoformat(timespec="seconds") if r["case"].closed_at else "",
                r["age"],
                r["days_to_close"],
                r["case"].times_reopened,
            ]
            for r in rows
        ],
    )
    exported = _export(request, table)
    if exported:
        return exported
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_country[r["case"].country.name].append(r)
    return render(
        request,
        "indicators/reports/cases.html",
        {
            "by_country": dict(by_country),
            "status": status,
            "statuses": DiscrepancyCase.Status.choices,
            "filters": {key: value for key, value in filters.items() if value},
            "age_label": AGE_LABELS.get(filters["age"]),
            "can_see_statistics": permissions.case_statistics_scope(request.user) is not None,
        },
    )


@login_required
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _member_required(request)
    case = get_object_or_404(
        DiscrepancyCase.objects.select_related("country", "indicator", "agency"), pk=pk
    )
    can_answer = base.can_answer_case(request.user, case.country, case.agency)
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        try:
            services.case_answer(
                case=case,
                user=request.user,
                text=request.POST.get("text", ""),
                status=request.POST.get("status") or None,
                reason=request.POST.get("reason"),
                forum_thread=request.POST.get("forum_thread"),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The case was updated."))
        return redirect("indicators:reports:case_detail", pk=case.pk)
    result = pages.case_result(case)
    return render(
        request,
        "indicators/reports/case.html",
        {
            "case": case,
            "result": result,
            "values": pages.side_by_side([result]).get(result.pk, []) if result else [],
            "comments": case.comments.select_related("author"),
            "can_answer": can_answer,
            "statuses": DiscrepancyCase.Status.choices,
            "reasons": DiscrepancyCase.Reason.choices,
        },
    )
