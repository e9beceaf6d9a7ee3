"""Exports: participation statistics (CSV, Excel) and the biennium report (Excel)."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from portal.spreadsheets import SafeWriter, safe_cell

from .models import Biennium, Consultation
from .selectors import Statistics, StatRow

CSV_FIELDS = ["year", "kind", "country", "sex", "participants"]


def statistics_csv(stats: Statistics) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow([_("year"), _("meeting type"), _("country"), _("sex"), _("participants")])
    for record in stats.records:
        writer.writerow([safe_cell(record[f]) for f in CSV_FIELDS])
    return out.getvalue()


def _sheet(wb: Workbook, title: str, label: str, rows: list[StatRow]) -> None:
    ws = wb.create_sheet(title[:31])
    ws.append([label, _("meetings"), _("participants"), _("female"), _("female (%)")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(row.label), row.meetings, row.total, row.female, row.female_share])
    ws.column_dimensions["A"].width = 40


def statistics_xlsx(stats: Statistics) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, _("By year"), _("year"), stats.by_year)
    _sheet(wb, _("By meeting type"), _("meeting type"), stats.by_kind)
    _sheet(wb, _("By country"), _("country"), stats.by_country)
    _sheet(wb, _("By sex"), _("sex"), stats.by_sex)
    ws = wb.create_sheet(_("Records")[:31])
    ws.append([_("year"), _("meeting type"), _("country"), _("sex"), _("participants")])
    for record in stats.records:
        ws.append([safe_cell(record[f]) for f in CSV_FIELDS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _consultations_sheet(wb: Workbook, financing: dict[str, Any]) -> None:
    """The biennium's fund-raising consultations, then the amounts sought per currency
    (never added across currencies)."""
    ws = wb.create_sheet(_("fund-raising consultations")[:31])
    ws.append(
        [
            _("date"),
            _("donor or organisation consulted"),
            _("programme activity"),
            _("project concerned"),
            _("amount sought"),
            _("currency"),
            _("status"),
            _("outcome"),
        ]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    consultation: Consultation
    for consultation in financing["consultations"]:
        activity = consultation.activity
        ws.append(
            [
                consultation.date,
                safe_cell(consultation.donor_label),
                safe_cell(f"{activity.code} {activity.title}" if activity else ""),
                safe_cell(consultation.project),
                consultation.amount_sought
                if consultation.amount_sought is not None
                else _("not named"),
                safe_cell(consultation.currency),
                str(consultation.get_status_display()),
                safe_cell(consultation.outcome),
            ]
        )
        ws.cell(row=ws.max_row, column=1).number_format = "yyyy-mm-dd"
    ws.append([])
    ws.append([_("Amounts sought, by currency (never added across currencies)")])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for currency, amount in financing["consultation_totals"].items():
        ws.append(["", "", "", "", amount, safe_cell(currency)])
    for column, width in zip("ABCDEFGH", (12, 40, 50, 40, 16, 10, 24, 50), strict=True):
        ws.column_dimensions[column].width = width


def biennium_xlsx(
    biennium: Biennium,
    sections: list[dict[str, Any]],
    financing: dict[str, Any] | None = None,
) -> bytes:
    """The biennium report as a workbook: the activities sheet and, when ``financing`` is
    given (``financing.selectors.report_context``, members only), the consultations sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = biennium.period
    ws.append([safe_cell(str(biennium))])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    header = [
        _("objective"),
        _("activity"),
        _("lead entities"),
        _("participating entities"),
        _("timeline"),
        _("status"),
        _("progress notes"),
        _("meetings"),
        _("documents"),
    ]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for section in sections:
        objective = section["objective"]
        label = f"{objective.number}. {objective.title}" if objective else _("Other activities")
        for report in section["activities"]:
            activity = report.activity
            ws.append(
                [
                    safe_cell(label),
                    safe_cell(f"{activity.code} {activity.title}"),
                    safe_cell(activity.leads),
                    safe_cell(activity.entities),
                    safe_cell(activity.timeline_note),
                    str(activity.get_status_display()),
                    safe_cell(activity.progress_notes),
                    safe_cell(
                        "; ".join(f"{m.title} ({m.start_date:%Y-%m-%d})" for m in report.meetings)
                    ),
                    safe_cell("; ".join(d.title for d in report.documents)),
                ]
            )
    for column, width in zip("ABCDEFGHI", (40, 60, 20, 30, 22, 12, 40, 50, 40), strict=True):
        ws.column_dimensions[column].width = width
    if financing is not None:
        _consultations_sheet(wb, financing)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
