"""Secretariat pages: reporting rounds, completeness and timeliness."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import ReportingRound
from indicators.reports.bar_charts import BarSeries, bar_chart
from portal.secretariat import exports, forms, permissions, selectors, services
from portal.secretariat.views.common import form_errors, request_address, secretariat_only
from portal.typing import AuthedRequest


@secretariat_only(permissions.can_manage_rounds)
def rounds(request: AuthedRequest) -> HttpResponse:
    form = forms.RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(
                actor=request.user, address=request_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The round %(code)s is open.") % {"code": round_.code})
            return redirect("secretariat:completeness", pk=round_.pk)
    context = {"form": form, "rounds": selectors.rounds()}
    return render(request, "secretariat/rounds.html", context, status=400 if form.errors else 200)


@require_POST
@secretariat_only(permissions.can_manage_rounds)
def round_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(ReportingRound, pk=pk)
    is_open = request.POST.get("open") == "1"
    services.round_set_open(
        actor=request.user, round_=round_, is_open=is_open, address=request_address(request)
    )
    if is_open:
        messages.success(request, _("The round %(code)s is open again.") % {"code": round_.code})
    else:
        messages.success(request, _("The round %(code)s is closed.") % {"code": round_.code})
    return redirect("secretariat:rounds")


@require_POST
@secretariat_only(permissions.can_manage_rounds)
def round_deadline(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(ReportingRound, pk=pk)
    form = forms.DeadlineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["closes_on"]))
        changed = services.round_set_deadline(
            actor=request.user,
            round_=round_,
            closes_on=form.cleaned_data["closes_on"],
            address=request_address(request),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if changed:
            messages.success(
                request,
                _("The deadline of %(code)s is now %(date)s.")
                % {"code": round_.code, "date": date_format(round_.closes_on, "DATE_FORMAT")},
            )
    return redirect("secretariat:completeness", pk=round_.pk)


@secretariat_only(permissions.can_view_completeness)
def completeness(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(ReportingRound, pk=pk)
    rows = selectors.round_completeness(round_=round_, today=timezone.localdate())
    if request.GET.get("format") in ("csv", "xlsx"):
        return exports.completeness_export(round_, rows, request.GET["format"])
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.status] = totals.get(row.status, 0) + 1
    context = {
        "round": round_,
        "rows": rows,
        "totals": totals,
        "n_countries": len(rows),
        "today": timezone.localdate(),
        "deadline_form": forms.DeadlineForm(initial={"closes_on": round_.closes_on}),
    }
    return render(request, "secretariat/completeness.html", context)


@secretariat_only(permissions.can_view_completeness)
def completeness_rounds(request: AuthedRequest) -> HttpResponse:
    summaries = selectors.rounds_completeness(today=timezone.localdate())
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        table = exports.round_rows(summaries)
        if fmt == "xlsx":
            return exports.xlsx_response(
                exports.ROUND_COLUMNS, table, "completeness-rounds", "rounds"
            )
        return exports.csv_response(exports.ROUND_COLUMNS, table, "completeness-rounds")
    chart = bar_chart(
        title=_("Completeness over rounds"),
        groups=[s.round.name for s in summaries],
        series=[
            BarSeries(_("countries submitted or accepted"), [s.delivered_share for s in summaries]),
            BarSeries(_("countries accepted"), [s.accepted_share for s in summaries]),
            BarSeries(_("requested indicators covered"), [s.covered_share for s in summaries]),
        ],
        maximum=1.0,
        percent=True,
    )
    return render(
        request,
        "secretariat/completeness_rounds.html",
        {
            "lines": [
                {
                    "summary": s,
                    "delivered": s.delivered_share * 100,
                    "accepted": s.accepted_share * 100,
                    "covered": s.covered_share * 100,
                }
                for s in summaries
            ],
            "chart": chart,
        },
    )
