"""The progress table: every country by every indicator, with the aggregates."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from indicators.models import (
    EngineRun,
    Indicator,
)
from indicators.models.results import Category
from indicators.reports import charts, exports, selectors
from indicators.reports.ratio import ratio_note
from indicators.reports.selectors import pages
from indicators.reports.views.common import (
    SOURCES,
    _export,
    _member_required,
    _num,
)
from portal import permissions as base
from portal.models import Country
from portal.typing import AuthedRequest

# --- progress table -----------------------------------------------------------------


def _cell(row: dict[str, Any] | None, indicator: Indicator | None = None) -> str:
    return _CellRenderer().cell(row, indicator)


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

    def cell(self, row: dict[str, Any] | None, indicator: Indicator | None = None) -> str:
        if row is None:
            return self.mark(None)
        note = None if indicator is None else ratio_note(row, indicator)
        flag = (
            format_html(
                ' <sup class="ratio-flag" title="{}: {}. {}">≠</sup>',
                _("Progress Chart ratio (UN method)"),
                note.label,
                note.reason,
            )
            if note
            else ""
        )
        tip = self.tip % {
            "first": _num(row["first_value"]),
            "latest": _num(row["latest_value"]),
            "y0": row["first_year"] or "–",
            "y1": row["latest_year"] or "–",
        }
        return f'<span title="{tip}">{self.mark(row["category"])}</span>{flag}'


def _progress_rows(
    countries: list[Country],
    indicators: list[Indicator],
    sources: tuple[str, ...],
    results: dict[tuple[int, int, str], dict[str, Any]],
) -> list[dict[str, Any]]:
    render = _CellRenderer().cell
    keys = [(indicator, source) for indicator in indicators for source in sources]
    rows = []
    for country in countries:
        pk = country.pk
        cells = "".join(
            f"<td>{render(results.get((pk, indicator.pk, source)), indicator)}</td>"
            for indicator, source in keys
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
            cells.append(
                str(
                    format_html(
                        '<td>{} <span class="small">{}</span></td>',
                        charts.category_mark(row["category"]),
                        _coverage_text(row),
                    )
                )
            )
    return mark_safe("".join(cells))  # nosec B308, B703


def _coverage_text(row: dict[str, Any]) -> str:
    """An aggregate's population coverage: a percentage, or unknown naming the members
    without a population figure (never a share of the members that have one)."""
    missing = row.get("without_population") or []
    if missing:
        return str(
            _("coverage unknown: no population for %(members)s") % {"members": ", ".join(missing)}
        )
    if row["coverage"] is None:
        return "–"
    return f"{row['coverage'] * 100:.0f}%"


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
                    f"({_coverage_text(found)})"
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
