"""Report pages: progress table, country profile, indicator page, discrepancies, cases, runs.

Every page reads stored results only (the engine never runs in a request, except
eagerly in the embedded setup after a button). Results come from published data
only, so every logged-in member may read them; only the coordinator starts runs.
Each table page answers ``?export=csv`` and ``?export=xlsx``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.engine.assess import ASSESS_COLUMNS
from indicators.engine.discrepancies import DISCREPANCY_COLUMNS
from indicators.models import (
    DiscrepancyCase,
    EngineRun,
    Indicator,
)
from indicators.models.results import Category, DiscrepancyStatus
from indicators.reports import charts, exports, selectors, services
from indicators.reports.selectors import pages
from indicators.reports.selectors.pages import DISCREPANCY_SORTS
from portal import display
from portal import permissions as base
from portal.models import Country
from portal.typing import AuthedRequest

SOURCES = ("national", "international")


def _member_required(request: HttpRequest) -> None:
    if not base.can_view_published(request.user):
        raise PermissionDenied


def _num(value: float | None, digits: int = 4) -> str:
    return display.number(value, digits)


def _export(request: HttpRequest, table: exports.Table) -> HttpResponse | None:
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return exports.response(table, fmt)
    return None


def _t_star_text(row: dict[str, Any] | None) -> str:
    if not row:
        return "–"
    if row.get("t_star_never"):
        return _("never")
    return _num(row.get("t_star"), 6) if row.get("t_star") is not None else "–"


# --- progress table -----------------------------------------------------------------


def _cell(row: dict[str, Any] | None) -> str:
    return _CellRenderer().cell(row)


class _CellRenderer:
    """The progress table's cells: the category marks and the tooltip's template are
    built once per page, each cell is then one string formatting (4,000 cells)."""

    def __init__(self) -> None:
        self.marks: dict[str | None, str] = {}
        # Escaped once: the values filled in are numbers, years or "–".
        self.tip = escape(_("%(first)s → %(latest)s (%(y0)s–%(y1)s)"))

    def mark(self, category: str | None) -> str:
        found = self.marks.get(category)
        if found is None:
            found = self.marks[category] = str(charts.category_mark(category))
        return found

    def cell(self, row: dict[str, Any] | None) -> str:
        if row is None:
            return self.mark(None)
        tip = self.tip % {
            "first": _num(row["first_value"]),
            "latest": _num(row["latest_value"]),
            "y0": row["first_year"] or "–",
            "y1": row["latest_year"] or "–",
        }
        return f'<span title="{tip}">{self.mark(row["category"])}</span>'


def _progress_rows(
    countries: list[Country],
    indicators: list[Indicator],
    sources: tuple[str, ...],
    results: dict[tuple[int, int, str], dict[str, Any]],
) -> list[dict[str, Any]]:
    render = _CellRenderer().cell
    keys = [(indicator.pk, source) for indicator in indicators for source in sources]
    rows = []
    for country in countries:
        pk = country.pk
        cells = "".join(
            f"<td>{render(results.get((pk, indicator, source)))}</td>" for indicator, source in keys
        )
        rows.append({"country": country, "cells": mark_safe(cells)})  # noqa: S308  # nosec B308, B703
    return rows


def _footer(
    indicators: list[Indicator], sources: tuple[str, ...], aggregates: dict[tuple[int, str], Any]
) -> Any:
    cells = []
    for indicator in indicators:
        for source in sources:
            row = aggregates.get((indicator.pk, source))
            if row is None:
                cells.append("<td>–</td>")
                continue
            coverage = f"{row['coverage'] * 100:.0f}%" if row["coverage"] is not None else "–"
            cells.append(
                str(
                    format_html(
                        '<td>{} <span class="small">{}</span></td>',
                        charts.category_mark(row["category"]),
                        coverage,
                    )
                )
            )
    return mark_safe("".join(cells))  # nosec B308, B703


def _progress_context(request: HttpRequest) -> dict[str, Any]:
    regions = selectors.report_regions()
    region_code = request.GET.get("region", "")
    region = next((r for r in regions if r.code == region_code), None)
    goal = request.GET.get("goal", "")
    source = request.GET.get("source", "both")
    sources = SOURCES if source not in SOURCES else (source,)
    countries = selectors.report_countries(region)
    indicators = selectors.report_indicators(goal or None)
    results = selectors.headline_results(
        country_ids=[c.pk for c in countries],
        indicator_ids=[i.pk for i in indicators],
        fields=selectors.PROGRESS_FIELDS,
    )
    with_results = {key[1] for key in results}
    indicators = [i for i in indicators if i.pk in with_results]
    aggregates = selectors.aggregate_results(
        region=region, indicator_ids=[i.pk for i in indicators]
    )
    return {
        "regions": regions,
        "region": region,
        "goal": goal,
        "goals": selectors.goals(),
        "source": source,
        "sources": sources,
        "countries": countries,
        "indicators": indicators,
        "results": results,
        "aggregates": aggregates,
        "population": selectors.population_status(),
        "categories": [(c, charts.category_mark(c, with_text=True)) for c in Category.values],
    }


def _progress_table(context: dict[str, Any]) -> exports.Table:
    columns = ["country", "iso3"]
    for indicator in context["indicators"]:
        for source in context["sources"]:
            columns.append(f"{indicator.code} {source}")
    table = exports.Table(
        "progress", str(_("Progress towards the targets")), columns, runs=_runs_of(context)
    )
    for country in context["countries"]:
        row: list[Any] = [country.name, country.iso3]
        for indicator in context["indicators"]:
            for source in context["sources"]:
                found = context["results"].get((country.pk, indicator.pk, source))
                row.append(found["category"] if found else "")
        table.rows.append(row)
    label = context["region"].name if context["region"] else str(_("all member countries"))
    for indicator in context["indicators"]:
        for source in context["sources"]:
            found = context["aggregates"].get((indicator.pk, source))
            if found:
                table.notes.append(
                    f"{label} {indicator.code} {source}: {found['category']} "
                    f"(coverage {found['coverage']})"
                )
    if context["population"]["demo"]:
        table.notes.append(
            str(_("Population weights are approximate demonstration figures, not official."))
        )
    return table


def _runs_of(context: dict[str, Any]) -> list[EngineRun]:
    return pages.runs_by_pk({row["run_id"] for row in context.get("results", {}).values()})


@login_required
def progress(request: AuthedRequest) -> HttpResponse:
    _member_required(request)
    context = _progress_context(request)
    exported = _export(request, _progress_table(context))
    if exported:
        return exported
    context["rows"] = _progress_rows(
        context["countries"], context["indicators"], context["sources"], context["results"]
    )
    context["footer"] = _footer(context["indicators"], context["sources"], context["aggregates"])
    context["can_run"] = base.can_run_engine(request.user)
    context.update(pages.latest_runs())
    return render(request, "indicators/reports/progress.html", context)


# --- charts shared by the profile and the indicator page ------------------------------


def _chart(
    indicator: Indicator,
    title: str,
    national: dict[str, Any] | None,
    international: dict[str, Any] | None,
    points: dict[tuple[int, int, str, str], list[tuple[int, float, str]]],
    small: bool = False,
) -> Any:
    def pts(row: dict[str, Any] | None) -> list[charts.Point]:
        if row is None:
            return []
        key = (row["country_id"], row["indicator_id"], row["source"], row["series"])
        return [charts.Point(y, v, n) for y, v, n in points.get(key, [])]

    def trend(row: dict[str, Any] | None) -> charts.Trend | None:
        if not row or not row["model"] or row["rate"] is None or row["first_year"] is None:
            return None
        return charts.Trend(row["model"], row["rate"], row["first_year"], row["first_value"])

    main = national or international
    data = charts.ChartData(
        title=title,
        unit=indicator.unit_label,
        national=pts(national),
        international=pts(international),
        national_trend=trend(national),
        international_trend=trend(international),
        target=main["target"] if main else None,
        cutoff=indicator.cutoff,
        target_year=indicator.target_year,
        t_star=(national or {}).get("t_star"),
        international_label=(international or {}).get("agency__code") or "",
    )
    return charts.progress_chart(data, small=small)


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
                "rows": [_explain(r) for r in (national, international) if r],
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


def _explain(row: dict[str, Any]) -> dict[str, Any]:
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


def _sort_links(current: str, keys: list[str]) -> dict[str, dict[str, str]]:
    links = {}
    for key in keys:
        if current == key:
            links[key] = {"param": f"-{key}", "state": "ascending"}
        elif current == f"-{key}":
            links[key] = {"param": key, "state": "descending"}
        else:
            links[key] = {"param": key, "state": "none"}
    return links


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
    rows = pages.case_rows(status)
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
            "age_days",
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
                r["age"],
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
