"""Reads for the report pages: the summaries and lookups each page shows, as plain rows.

The views (``indicators.reports.views``) call these and only render or export what they
return; nothing here formats for display."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from indicators.models import (
    DiscrepancyCase,
    DiscrepancyResult,
    EngineRun,
    Indicator,
    SeriesResult,
    StatisticalOperation,
)
from indicators.models.results import DiscrepancyStatus
from indicators.reports.selectors import SERIES_FIELDS, chart_points
from portal.models import Country

FLAGS = ("latest", "estimated", "classification")

# The discrepancy report's sort keys: the ordering each one gives.
DISCREPANCY_SORTS = {
    "country": ("country__name_en", "indicator__code", "series"),
    "indicator": ("indicator__code", "country__name_en", "series"),
    "status": ("status", "country__name_en", "indicator__code"),
    "diff": ("max_abs_rel_diff", "country__name_en"),
}


# --- runs -----------------------------------------------------------------------------


def latest_runs() -> dict[str, Any]:
    """The newest run (any status) and the newest successful one."""
    runs = list(EngineRun.objects.select_related("started_by")[:1])
    succeeded = EngineRun.objects.filter(status=EngineRun.Status.SUCCEEDED).first()
    return {"last_run": runs[0] if runs else None, "last_success": succeeded}


def runs_by_pk(ids: set[int]) -> list[EngineRun]:
    """The runs of ``ids`` in the order they were created (no query for none)."""
    return list(EngineRun.objects.filter(pk__in=ids).order_by("pk")) if ids else []


def runs_named(ids: set[int]) -> list[EngineRun]:
    """The runs of ``ids`` in the runs' own order (newest first)."""
    return list(EngineRun.objects.filter(pk__in=ids))


def recent_runs() -> QuerySet[EngineRun]:
    return EngineRun.objects.select_related("started_by")[:50]


# --- country profile and indicator page -----------------------------------------------


def country_series(country: Country) -> list[dict[str, Any]]:
    """Every current series result of ``country`` (``SERIES_FIELDS``), by indicator code."""
    return list(
        SeriesResult.objects.filter(is_current=True, country=country)
        .order_by("indicator__code", "series", "source")
        .values(*SERIES_FIELDS)
    )


def indicators_by_pk(ids: set[int]) -> dict[int, Indicator]:
    return {i.pk: i for i in Indicator.objects.filter(pk__in=ids)}


def country_discrepancies(country: Country) -> dict[tuple[int, str], DiscrepancyResult]:
    """The current discrepancy rows of ``country`` by (indicator id, series)."""
    return {
        (d.indicator_id, d.series): d
        for d in DiscrepancyResult.objects.filter(is_current=True, country=country)
    }


def country_cases(country: Country) -> dict[tuple[int, str], DiscrepancyCase]:
    """The discrepancy cases of ``country`` by (indicator id, series)."""
    return {(c.indicator_id, c.series): c for c in DiscrepancyCase.objects.filter(country=country)}


def country_operations(country: Country) -> QuerySet[StatisticalOperation]:
    return StatisticalOperation.objects.filter(country=country).prefetch_related("indicators")


def countries_by_pk(ids: set[int]) -> list[Country]:
    return list(Country.objects.filter(pk__in=ids))


def total_statuses(indicator: Indicator) -> dict[int, str]:
    """The discrepancy status of the national total of ``indicator``, by country id."""
    return dict(
        DiscrepancyResult.objects.filter(
            is_current=True, indicator=indicator, series=""
        ).values_list("country_id", "status")
    )


# --- discrepancies --------------------------------------------------------------------


def discrepancy_rows(
    countries: list[Country], country: Country | None, status: str, sort: str
) -> list[DiscrepancyResult]:
    """The current discrepancy rows of ``country`` (else of ``countries``), of ``status``
    when it is one, ordered by ``sort`` (a ``DISCREPANCY_SORTS`` key, ``-`` for descending;
    unknown: by country)."""
    rows = DiscrepancyResult.objects.filter(
        is_current=True, country__in=[country] if country else countries
    ).select_related("country", "indicator")
    if status in DiscrepancyStatus.values:
        rows = rows.filter(status=status)
    order = DISCREPANCY_SORTS.get(sort.lstrip("-"), DISCREPANCY_SORTS["country"])
    if sort.startswith("-"):
        order = tuple(f"-{f}" for f in order)
    return list(rows.order_by(*order))


def discrepancy_summary(countries: list[Country]) -> tuple[list[dict[str, Any]], list[int]]:
    """Per country of ``countries`` with discrepancy rows: its counts per status and of each
    flag; and the counts per status over them all (both in ``DiscrepancyStatus`` order)."""
    counts: dict[int, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(DiscrepancyStatus.values, 0)
    )
    flags: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FLAGS, 0))
    summary = (
        DiscrepancyResult.objects.filter(is_current=True, country__in=countries)
        .values("country_id", "status")
        .annotate(
            n=Count("pk"),
            latest=Count("pk", filter=Q(latest_year_differs=True)),
            estimated=Count("pk", filter=Q(international_estimated=True)),
            classification=Count("pk", filter=Q(classification_differs=True)),
        )
    )
    for item in summary:
        counts[item["country_id"]][item["status"]] = item["n"]
        for flag in FLAGS:
            flags[item["country_id"]][flag] += item[flag]
    total = dict.fromkeys(DiscrepancyStatus.values, 0)
    rows = []
    for c in countries:
        if c.pk not in counts:
            continue
        for key, n in counts[c.pk].items():
            total[key] += n
        rows.append(
            {
                "country": c,
                "counts": [counts[c.pk][s] for s in DiscrepancyStatus.values],
                "flags": flags[c.pk],
            }
        )
    return rows, [total[s] for s in DiscrepancyStatus.values]


def open_cases(countries: list[Country]) -> dict[int, int]:
    """How many open cases each of ``countries`` has, by country id."""
    return dict(
        DiscrepancyCase.objects.filter(country__in=countries)
        .values_list("country_id")
        .annotate(n=Count("pk", filter=Q(status="open")))
    )


def side_by_side(rows: list[DiscrepancyResult]) -> dict[int, list[tuple[int, Any, Any]]]:
    """Per discrepancy row: (year, national, international) for every year of either source."""
    if not rows:
        return {}
    series = SeriesResult.objects.filter(
        is_current=True,
        country_id__in={r.country_id for r in rows},
        indicator_id__in={r.indicator_id for r in rows},
    ).values(*SERIES_FIELDS)
    points = chart_points(series)
    out = {}
    for row in rows:
        national = dict(
            (y, v)
            for y, v, _n in points.get(
                (row.country_id, row.indicator_id, "national", row.series), []
            )
        )
        international = dict(
            (y, v)
            for y, v, _n in points.get(
                (row.country_id, row.indicator_id, "international", row.series), []
            )
        )
        out[row.pk] = [
            (year, national.get(year), international.get(year))
            for year in sorted(national.keys() | international.keys())
        ]
    return out


# --- cases ----------------------------------------------------------------------------


def case_rows(
    status: str, *, age: str = "", country: str = "", agency: str = ""
) -> list[dict[str, Any]]:
    """The cases (all, or of ``status`` when it is one; opened within the age bucket ``age``,
    of the country with ISO3 ``country``, of the agency with code ``agency`` when given) by
    country name then age, each as ``{"case", "age", "days_to_close"}``: whole days since it
    was opened, and from opening to closing for a closed case (else None)."""
    from indicators.reports.selectors.case_stats import AGE_BUCKETS, age_bucket_filter

    cases = DiscrepancyCase.objects.select_related("country", "indicator", "agency").order_by(
        "country__name_en", "opened_at"
    )
    if status in DiscrepancyCase.Status.values:
        cases = cases.filter(status=status)
    now = timezone.now()
    if age in AGE_BUCKETS:
        cases = cases.filter(age_bucket_filter(age, now))
    if country:
        cases = cases.filter(country__iso3=country.upper()[:3])
    if agency:
        cases = cases.filter(agency__code=agency[:16])
    return [
        {
            "case": c,
            "age": (now - c.opened_at).days,
            "days_to_close": (c.closed_at - c.opened_at).days if c.closed_at else None,
        }
        for c in cases
    ]


def case_result(case: DiscrepancyCase) -> DiscrepancyResult | None:
    """The current discrepancy row a case is about, if the last run still has it."""
    return DiscrepancyResult.objects.filter(
        is_current=True, country=case.country, indicator=case.indicator, series=case.series
    ).first()
