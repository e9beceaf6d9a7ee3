"""The coordinator's synthesis of the country data sheets and the reporting status by
responsible institution: pages, CSV and Excel exports (every cell through
``portal.spreadsheets``)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.secretariat import forms, permissions, synthesis
from portal.secretariat.views.common import secretariat_only
from portal.spreadsheets import SafeWriter, safe_row
from portal.typing import AuthedRequest

SYNTHESIS_COLUMNS = [
    "section",
    "iso3",
    "country",
    "category",
    "item",
    "institution",
    "periodicity",
    "last_round",
    "subnational_level",
    "method",
    "format",
    "indicators",
    "areas",
    "latest_year",
    "gap",
]
INSTITUTION_COLUMNS = [
    "institution",
    "iso3",
    "country",
    "indicator",
    "indicator_name",
    "operations",
    "status",
    "latest_year",
]


def _filters(request: AuthedRequest) -> tuple[forms.SynthesisFilterForm, dict[str, Any] | None]:
    """The filter form and, when it is valid, the countries and indicator ids it keeps."""
    form = forms.SynthesisFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    scope = {
        "countries": synthesis.member_countries(data.get("region")),
        "indicator_ids": synthesis.indicators_in_scope(
            goal=data.get("goal") or "", indicator=data.get("indicator")
        ),
    }
    return form, scope


def _query(request: AuthedRequest, fmt: str) -> str:
    """The page's filters with ``format=fmt``, for the export links."""
    query: QueryDict = request.GET.copy()
    query.pop("format", None)
    query["format"] = fmt
    return query.urlencode()


def _filename(base: str, form: forms.SynthesisFilterForm) -> str:
    parts = [base]
    data = form.cleaned_data if form.is_bound else {}
    if data.get("region") is not None:
        parts.append(data["region"].code)
    if data.get("goal"):
        parts.append("goal-" + data["goal"])
    if data.get("indicator") is not None:
        parts.append(data["indicator"].code)
    parts.append(timezone.localdate().isoformat())
    return "-".join(part.replace(" ", "_").replace('"', "") for part in parts)


def _csv(name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx(
    name: str, title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
    readme = book.create_sheet("README")
    readme.append(safe_row([title]))
    readme.append(safe_row([_("Exported on %(date)s.") % {"date": timezone.localdate()}]))
    readme.append(safe_row([_("A row with gap = yes names something the country lacks.")]))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _institution(operation: Any) -> str:
    """The responsible organisation when the catalogue names one, else the text."""
    return operation.responsible.name if operation.responsible else operation.institution


def synthesis_rows(result: synthesis.Synthesis) -> list[list[Any]]:
    """Long form: one row per operation, flow and subnational indicator, and one per gap."""
    out: list[list[Any]] = []
    for row in result.rows:
        country = [row.country.iso3, row.country.name_en]
        for operation in row.operations:
            codes = " ".join(indicator.code for indicator in operation.indicators.all())
            out.append(
                ["operation", *country, operation.kind, operation.name, _institution(operation)]
                + [operation.periodicity, operation.last_round, operation.subnational_level]
                + ["", "", codes, "", "", ""]
            )
        out.extend(
            ["operation", *country, kind] + [""] * 10 + ["yes"] for kind in row.missing_kinds
        )
        for flow in row.flows:
            agency = flow.custodian.code if flow.custodian is not None else ""
            out.append(
                ["flow", *country, agency, flow.indicator.code, flow.national_producer]
                + [flow.frequency, "", "", flow.method, flow.data_format, "", "", "", ""]
            )
        out.extend(
            ["flow", *country, agency.code] + [""] * 10 + ["yes"] for agency in row.missing_agencies
        )
        if row.no_flow and not row.missing_agencies:
            out.append(["flow", *country, ""] + [""] * 10 + ["yes"])
        for item in row.subnational:
            out.append(
                ["subnational", *country, item.indicator.code, item.indicator.name_en]
                + [""] * 7
                + [item.areas, item.latest_year, ""]
            )
        if row.no_subnational:
            out.append(["subnational", *country, ""] + [""] * 10 + ["yes"])
    return out


def institution_rows(groups: list[synthesis.InstitutionGroup]) -> list[list[Any]]:
    return [
        [
            group.name,
            row.country.iso3,
            row.country.name_en,
            row.indicator.code,
            row.indicator.name_en,
            "; ".join(row.operations),
            row.status,
            row.latest_year if row.latest_year is not None else "",
        ]
        for group in groups
        for row in group.rows
    ]


@secretariat_only(permissions.can_view_synthesis)
def synthesis_page(request: AuthedRequest) -> HttpResponse:
    form, scope = _filters(request)
    if scope is None:
        return render(request, "secretariat/synthesis.html", {"form": form}, status=400)
    result = synthesis.synthesis(**scope)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        name = _filename("synthesis", form)
        rows = synthesis_rows(result)
        if fmt == "csv":
            return _csv(name, SYNTHESIS_COLUMNS, rows)
        title = _("Synthesis of the country data sheets")
        return _xlsx(name, title, SYNTHESIS_COLUMNS, rows)
    context = {
        "form": form,
        "result": result,
        "csv_query": _query(request, "csv"),
        "xlsx_query": _query(request, "xlsx"),
        "today": timezone.localdate(),
    }
    return render(request, "secretariat/synthesis.html", context)


@secretariat_only(permissions.can_view_synthesis)
def institutions_page(request: AuthedRequest) -> HttpResponse:
    form, scope = _filters(request)
    if scope is None:
        return render(request, "secretariat/institutions.html", {"form": form}, status=400)
    groups = synthesis.institutions(**scope)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        name = _filename("institutions", form)
        if fmt == "csv":
            return _csv(name, INSTITUTION_COLUMNS, institution_rows(groups))
        title = _("Reporting status by responsible institution")
        return _xlsx(name, title, INSTITUTION_COLUMNS, institution_rows(groups))
    totals = dict.fromkeys(synthesis.STATUSES, 0)
    for group in groups:
        for status, count in group.counts.items():
            totals[status] += count
    context = {
        "form": form,
        "groups": groups,
        "totals": totals,
        "n_countries": len(scope["countries"]),
        "csv_query": _query(request, "csv"),
        "xlsx_query": _query(request, "xlsx"),
    }
    return render(request, "secretariat/institutions.html", context)
