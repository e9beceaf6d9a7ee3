"""The country profile and the indicator page: headline series with their charts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.engine.assess import ASSESS_COLUMNS
from indicators.models import (
    Indicator,
)
from indicators.models.results import Category
from indicators.reports import charts, exports, selectors
from indicators.reports.ratio import ratio_note
from indicators.reports.selectors import pages
from indicators.reports.views.common import (
    _chart,
    _export,
    _member_required,
    _num,
    _sort_links,
    _t_star_text,
)
from portal.models import Country
from portal.typing import AuthedRequest

# --- country profile ------------------------------------------------------------------


# The country profile export: the engine's series result columns, then where each came from.
PROFILE_EXPORT = [*ASSESS_COLUMNS, "sheet_id", "sheet_version", "release_id", "agency"]


@login_required
def country_profile(request: AuthedRequest, iso3: str) -> HttpResponse:
    _member_required(request)
    country = get_object_or_404(Country, iso3=iso3.upper())
    series = pages.country_series(country)
    indicators = pages.indicators_by_pk({r["indicator_id"] for r in series})
    discrepancies = pages.country_discrepancies(country)
    cases = pages.country_cases(country)
    headline = [r for r in series if r["is_headline"]]
    points = selectors.chart_points(headline)
    blocks = []
    for indicator_id, indicator in sorted(indicators.items(), key=lambda kv: kv[1].code):
        mine = [r for r in series if r["indicator_id"] == indicator_id]
        heads = {r["source"]: r for r in headline if r["indicator_id"] == indicator_id}
        national, international = heads.get("national"), heads.get("international")
        key_series = (national or international or {}).get("series", "")
        blocks.append(
            {
                "indicator": indicator,
                "national": national,
                "international": international,
                "rows": [_explain(r, indicator) for r in (national, international) if r],
                "chart": _chart(
                    indicator,
                    f"{country.name} – {indicator.code}",
                    national,
                    international,
                    points,
                ),
                "discrepancy": discrepancies.get((indicator_id, key_series)),
                "case": cases.get((indicator_id, key_series)),
                "others": [
                    {**r, "mark": charts.category_mark(r["category"], with_text=True)}
                    for r in mine
                    if r not in (national, international)
                ],
            }
        )
    if request.GET.get("export") in ("csv", "xlsx"):
        table = exports.Table(
            f"profile-{country.iso3}",
            str(_("Country profile of %(country)s") % {"country": country.name}),
            PROFILE_EXPORT,
            runs=pages.runs_named({r["run_id"] for r in series}),
        )
        codes = {pk: i.code for pk, i in indicators.items()}
        for r in series:
            cells = {
                **r,
                "country": country.iso3,
                "indicator": codes[r["indicator_id"]],
                "t_star": exports.t_star_cell(r),
                "agency": r["agency__code"],
            }
            table.rows.append([cells[column] for column in PROFILE_EXPORT])
        return exports.response(table, request.GET["export"])
    operations = pages.country_operations(country)
    context = {
        "country": country,
        "blocks": blocks,
        "operations": operations,
        "categories": [(c, charts.category_mark(c, with_text=True)) for c in Category.values],
        "now": timezone.now(),
    }
    context.update(pages.latest_runs())
    return render(request, "indicators/reports/country.html", context)


def _explain(row: dict[str, Any], indicator: Indicator) -> dict[str, Any]:
    origin = (
        _("data sheet v%(version)s") % {"version": row["sheet_version"]}
        if row["source"] == "national"
        else _("%(agency)s release") % {"agency": row["agency__code"] or "?"}
    )
    if row["source"] == "international" and "ILLUSTRATIVE" in (row.get("release__note") or ""):
        note = _("illustrative demonstration figures, not official")
        origin = f"{origin} ({note})"
    return {
        **row,
        "mark": charts.category_mark(row["category"], with_text=True),
        "first": f"{_num(row['first_value'])} ({row['first_year'] or '–'})",
        "latest": f"{_num(row['latest_value'])} ({row['latest_year'] or '–'})",
        "rate_text": _num(row["rate"]),
        "target_text": _num(row["target"]),
        "t_star_text": _t_star_text(row),
        "origin": origin,
        "ratio": ratio_note(row, indicator),
    }


# --- indicator page -------------------------------------------------------------------

SORTS = {
    "country": lambda r: r["country"].name,
    "national": lambda r: (r["national"] or {}).get("category") or "~",
    "international": lambda r: (r["international"] or {}).get("category") or "~",
    "latest": lambda r: (r["national"] or {}).get("latest_value") or float("inf"),
    "t_star": lambda r: (r["national"] or {}).get("t_star") or float("inf"),
    "status": lambda r: r["status"] or "~",
}


@login_required
def indicator_detail(request: AuthedRequest, code: str) -> HttpResponse:
    _member_required(request)
    indicator = get_object_or_404(Indicator, code=code)
    countries = selectors.report_countries(None)
    results = selectors.headline_results(indicator_ids=[indicator.pk])
    with_results = {key[0] for key in results}
    countries = countries + pages.countries_by_pk(with_results - {c.pk for c in countries})
    statuses = pages.total_statuses(indicator)
    points = selectors.chart_points(results.values())
    rows = []
    for country in countries:
        national = results.get((country.pk, indicator.pk, "national"))
        international = results.get((country.pk, indicator.pk, "international"))
        rows.append(
            {
                "country": country,
                "national": national,
                "international": international,
                "national_mark": charts.category_mark((national or {}).get("category")),
                "international_mark": charts.category_mark((international or {}).get("category")),
                "national_ratio": ratio_note(national, indicator),
                "international_ratio": ratio_note(international, indicator),
                "latest": _num((national or {}).get("latest_value")),
                "t_star_text": _t_star_text(national),
                "status": statuses.get(country.pk, ""),
                "chart": _chart(
                    indicator,
                    f"{country.name} – {indicator.code}",
                    national,
                    international,
                    points,
                    small=True,
                ),
            }
        )
    sort = request.GET.get("sort", "country")
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["country"])
    rows.sort(key=key, reverse=descending)
    table = exports.Table(
        f"indicator-{indicator.code}",
        f"{indicator.code} {indicator.name}",
        [
            "country",
            "national_category",
            "latest_value",
            "t_star",
            "international_category",
            "discrepancy",
        ],
        rows=[
            [
                r["country"].iso3,
                (r["national"] or {}).get("category", ""),
                (r["national"] or {}).get("latest_value"),
                exports.t_star_cell(r["national"]),
                (r["international"] or {}).get("category", ""),
                r["status"],
            ]
            for r in rows
        ],
    )
    exported = _export(request, table)
    if exported:
        return exported
    context = {
        "indicator": indicator,
        "rows": rows,
        "sort": sort,
        "sort_links": _sort_links(sort, list(SORTS)),
        "categories": [(c, charts.category_mark(c, with_text=True)) for c in Category.values],
    }
    return render(request, "indicators/reports/indicator.html", context)
