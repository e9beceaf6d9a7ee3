"""What the report pages share: access, number formatting, exports, charts, sort links."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from indicators.models import (
    Indicator,
)
from indicators.reports import charts, exports
from portal import display
from portal import permissions as base

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
