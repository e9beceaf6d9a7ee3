"""The public, login-free pages. Each reads only published results (``selectors``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from indicators.models import Indicator
from indicators.reports.charts import category_mark
from indicators.reports.ratio import ratio_note
from portal.models import Country

from . import selectors


def _category(result: dict[str, Any] | None) -> str | None:
    return None if result is None else str(result["category"])


def _legend() -> list[tuple[str, object]]:
    return [(c, category_mark(c, with_text=True)) for c in selectors.CATEGORY_ORDER]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    goals = selectors.progress_by_goal()
    rows = [
        {
            "goal": g,
            "national": [(c, g.national.get(c, 0)) for c in selectors.CATEGORY_ORDER],
            "international": [(c, g.international.get(c, 0)) for c in selectors.CATEGORY_ORDER],
        }
        for g in goals
    ]
    return render(
        request,
        "indicators/public/home.html",
        {
            "rows": rows,
            "legend": _legend(),
            "countries": selectors.published_countries(),
            "indicators": selectors.indicators_in_order(),
            "symbols": [(c, category_mark(c)) for c in selectors.CATEGORY_ORDER],
        },
    )


@require_GET
def country(request: HttpRequest, iso3: str) -> HttpResponse:
    place = get_object_or_404(Country, iso3=iso3.upper()[:3])
    rows = selectors.country_profile(place)
    return render(
        request,
        "indicators/public/country.html",
        {
            "country": place,
            "rows": [
                {
                    "row": r,
                    "national_mark": category_mark(_category(r.national), with_text=True),
                    "international_mark": category_mark(_category(r.international), with_text=True),
                    "national_ratio": ratio_note(r.national, r.indicator),
                    "international_ratio": ratio_note(r.international, r.indicator),
                }
                for r in rows
            ],
        },
    )


@require_GET
def indicator(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(Indicator.objects.select_related("custodian"), code=code[:32])
    results = [
        {
            **row,
            "national_mark": category_mark(row.get("national", {}).get("category"), with_text=True),
            "international_mark": category_mark(
                row.get("international", {}).get("category"), with_text=True
            ),
        }
        for row in selectors.indicator_results(item)
    ]
    return render(
        request, "indicators/public/indicator.html", {"indicator": item, "results": results}
    )
