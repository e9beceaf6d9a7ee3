"""The completeness of a round as CSV and as an Excel workbook, with the same columns.

Every cell goes through ``portal.spreadsheets`` (formulas neutralised); in the workbook
numbers and shares stay numbers, dates are ISO 8601 text as in the CSV."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from indicators.models import ReportingRound
from portal.secretariat.selectors import CountryCompleteness, RoundSummary
from portal.spreadsheets import SafeWriter, safe_row

COLUMNS = [
    "iso3",
    "country",
    "status",
    "version",
    "submitted_at",
    "days_late",
    "indicators_covered",
    "indicators_requested",
    "share_covered",
    "values",
    "values_with_source",
    "share_with_source",
]

ROUND_COLUMNS = [
    "round",
    "name",
    "opens_on",
    "closes_on",
    "countries",
    "submitted_or_accepted",
    "accepted",
    "share_submitted_or_accepted",
    "share_accepted",
    "share_requested_indicators_covered",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def completeness_rows(rows: list[CountryCompleteness]) -> list[list[Any]]:
    """One row per country, in ``COLUMNS`` order (shares as numbers, blank when none)."""
    return [
        [
            row.country.iso3,
            row.country.name_en,
            row.status,
            row.sheet.version if row.sheet else "",
            row.submitted_at.isoformat() if row.submitted_at else "",
            row.days_late,
            row.covered,
            row.requested,
            round(row.covered_share, 3),
            row.values,
            row.with_source,
            round(row.source_share, 3) if row.source_share is not None else "",
        ]
        for row in rows
    ]


def round_rows(summaries: list[RoundSummary]) -> list[list[Any]]:
    """One row per round, in ``ROUND_COLUMNS`` order."""
    return [
        [
            s.round.code,
            s.round.name_en,
            s.round.opens_on.isoformat(),
            s.round.closes_on.isoformat(),
            s.countries,
            s.delivered,
            s.accepted,
            round(s.delivered_share, 3),
            round(s.accepted_share, 3),
            round(s.covered_share, 3),
        ]
        for s in summaries
    ]


def csv_response(columns: list[str], rows: list[list[Any]], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = SafeWriter(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([f"{v:.3f}" if isinstance(v, float) else v for v in row])
    return response


def xlsx_response(
    columns: list[str], rows: list[list[Any]], filename: str, title: str
) -> HttpResponse:
    """A workbook of one sheet (``title``, at most 31 characters): the header in bold, frozen,
    then the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def completeness_export(
    round_: ReportingRound, rows: list[CountryCompleteness], fmt: str
) -> HttpResponse:
    """The round's completeness as ``fmt`` ("csv" or "xlsx")."""
    filename = f"completeness-{round_.code}"
    table = completeness_rows(rows)
    if fmt == "xlsx":
        return xlsx_response(COLUMNS, table, filename, "completeness")
    return csv_response(COLUMNS, table, filename)
