"""Case statistics: the discrepancy cases as the group's measure of success.

The coordinator sees every case; an agency focal point the agency's own cases, a country
focal point the country's own (``indicators.permissions.case_statistics_scope``); other
members are refused. The figures come from ``selectors.case_stats``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import permissions
from indicators.models import DiscrepancyCase
from indicators.reports.bar_charts import BarSeries, bar_chart
from indicators.reports.selectors import case_stats
from portal.typing import AuthedRequest

AGE_LABELS = {
    "lt30": gettext_lazy("less than 30 days"),
    "30to90": gettext_lazy("30 to 90 days"),
    "90to180": gettext_lazy("90 to 180 days"),
    "gt180": gettext_lazy("more than 180 days"),
}


def _list_url(**params: str) -> str:
    return reverse("indicators:reports:cases") + "?" + urlencode(params)


def _label_and_filter(
    dimension: str, key: Any, stats: case_stats.CaseStatistics
) -> tuple[str, dict[str, str]]:
    """What a group is called, and the case-list filter that shows its cases (if any)."""
    if dimension == "country":
        country = stats.countries[key]
        return country.name, {"country": country.iso3}
    if dimension == "agency":
        if key is None:
            return _("no agency"), {}
        agency = stats.agencies[key]
        return agency.acronym, {"agency": agency.code}
    if not key:
        return _("no reason stated yet"), {}
    return str(DiscrepancyCase.Reason(key).label), {}


@login_required
def case_statistics(request: AuthedRequest) -> HttpResponse:
    scope = permissions.case_statistics_scope(request.user)
    if scope is None:
        raise PermissionDenied
    stats = case_stats.case_statistics(scope=scope, now=timezone.now())
    own = {}  # the case list filter matching the user's scope, for every link
    if "country_id" in scope:
        own = {"country": request.user.organisation.country.iso3}  # type: ignore[union-attr]
    elif "agency_id" in scope:
        own = {"agency": request.user.organisation.agency.code}  # type: ignore[union-attr]
    tables = []
    titles = {
        "country": _("By country"),
        "agency": _("By agency"),
        "reason": _("By reason"),
    }
    for dimension, rows in stats.by.items():
        lines = []
        for row in rows:
            label, filters = _label_and_filter(dimension, row.key, stats)
            link = _list_url(status="open", **{**own, **filters}) if filters and row.n_open else ""
            lines.append({"label": label, "row": row, "link": link})
        tables.append({"key": dimension, "title": titles[dimension], "lines": lines})
    ages: list[dict[str, Any]] = [
        {
            "key": key,
            "label": AGE_LABELS[key],
            "count": stats.ages[key],
            "link": _list_url(status="open", age=key, **own),
        }
        for key in case_stats.AGE_BUCKETS
    ]
    chart = bar_chart(
        title=_("Open cases by age"),
        groups=[str(a["label"]) for a in ages],
        series=[BarSeries(_("open cases"), [float(a["count"]) for a in ages])],
        whole=True,
    )
    return render(
        request,
        "indicators/reports/case_statistics.html",
        {
            "stats": stats,
            "tables": tables,
            "ages": ages,
            "chart": chart,
            "scope_label": _scope_label(request, scope),
        },
    )


def _scope_label(request: AuthedRequest, scope: dict[str, Any]) -> str:
    org = request.user.organisation
    if "country_id" in scope and org is not None and org.country is not None:
        return _("The cases of %(name)s.") % {"name": org.country.name}
    if "agency_id" in scope and org is not None and org.agency is not None:
        return _("The cases of %(name)s.") % {"name": org.agency.acronym}
    return _("Every case of the working group.")
