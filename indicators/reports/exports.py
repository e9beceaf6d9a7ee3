"""Every report table as CSV or Excel; the workbook's README sheet states the method and run."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

METHOD = gettext_lazy(
    "Progress classification of the MDG technical note as described in docs/methodology.md: "
    "first and latest values since the baseline year, geometric trend when falling and linear "
    "when rising, t* = the year the trend reaches the target (easier of target and cut-off); "
    "categories early achiever, on track, off track (slow), off track (regressing), "
    "insufficient data. Discrepancies: a common year is discrepant when |international - "
    "national| / |national| > the indicator's relative tolerance (default 0.05) and the "
    "difference exceeds its absolute tolerance."
)


@dataclass
class Table:
    """One report table: what the page shows, as plain cells."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    runs: Sequence[Any] = ()
    notes: list[str] = field(default_factory=list)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return value


def csv_response(table: Table) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    return response


def workbook(table: Table) -> Workbook:
    """The table on its own sheet plus a README sheet: method, runs, notes, date."""
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(table.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    readme = book.create_sheet("README", 0)
    readme.column_dimensions["A"].width = 28
    readme.column_dimensions["B"].width = 110
    lines: list[tuple[str, str]] = [
        (str(_("Table")), table.title),
        (str(_("Exported at")), timezone.now().isoformat(timespec="seconds")),
        (str(_("Method")), str(METHOD)),
    ]
    for run in table.runs:
        lines.append(
            (
                str(_("Engine run")),
                f"#{run.pk} {run.get_trigger_display()}, "
                f"{run.finished_at.isoformat(timespec='seconds') if run.finished_at else ''}, "
                f"{run.get_status_display()}",
            )
        )
    lines += [(str(_("Note")), note) for note in table.notes]
    for key, value in lines:
        readme.append([key, value])
        readme.cell(row=readme.max_row, column=1).font = Font(bold=True)
    return book


def xlsx_response(table: Table) -> HttpResponse:
    buffer = io.BytesIO()
    workbook(table).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{table.name}.xlsx"'
    return response


def response(table: Table, fmt: str) -> HttpResponse:
    return xlsx_response(table) if fmt == "xlsx" else csv_response(table)
