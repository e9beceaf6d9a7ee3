"""Discrepancy cases as the group's measure of success: how long cases take to be explained
or closed, per country, per agency and per reason, and how old the open ones are.

Everything is computed by the database (aggregates and window functions): a fixed number
of queries whatever the number of cases or countries. Nothing here formats for display."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber

from indicators.models import DiscrepancyCase
from portal.models import Agency, Country

DAY = datetime.timedelta(days=1)

# Age buckets of open cases: key -> (from days, to days); from <= age < to, None: no end.
AGE_BUCKETS: dict[str, tuple[int, int | None]] = {
    "lt30": (0, 30),
    "30to90": (30, 90),
    "90to180": (90, 180),
    "gt180": (180, None),
}

# The dimensions of the statistics: key -> the case field grouped by.
DIMENSIONS = {"country": "country_id", "agency": "agency_id", "reason": "reason"}


def age_bucket_filter(bucket: str, now: datetime.datetime) -> Q:
    """The cases opened within ``bucket`` (an ``AGE_BUCKETS`` key) before ``now``."""
    start, end = AGE_BUCKETS[bucket]
    q = Q(opened_at__lte=now - start * DAY)
    if end is not None:
        q &= Q(opened_at__gt=now - end * DAY)
    return q


@dataclass(frozen=True)
class TimeRow:
    """One group's figures: ``key`` the grouped value (country id, agency id, reason code)."""

    key: Any
    n_open: int
    n_closed: int
    mean_days: float | None
    median_days: float | None


@dataclass(frozen=True)
class CaseStatistics:
    total: TimeRow
    by: dict[str, list[TimeRow]]
    ages: dict[str, int]
    countries: dict[int, Country]
    agencies: dict[int, Agency]


def _days(value: datetime.timedelta | None) -> float | None:
    return value / DAY if value is not None else None


def _closed(cases: QuerySet[DiscrepancyCase]) -> QuerySet[DiscrepancyCase]:
    """The closed cases with a closing date, each with ``duration`` = closed - opened."""
    return cases.filter(status__in=DiscrepancyCase.CLOSED, closed_at__isnull=False).annotate(
        duration=ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())
    )


def _medians(cases: QuerySet[DiscrepancyCase], field: str | None) -> dict[Any, float]:
    """The median time to close per value of ``field`` (None: over all cases), in days.

    The database numbers each group's durations in order and returns only the middle one
    or two of every group (``n`` odd: row (n+1)/2; even: rows n/2 and n/2+1)."""
    partition = [F(field)] if field else None
    middle = (
        _closed(cases)
        .annotate(
            position=Window(RowNumber(), partition_by=partition, order_by=F("duration").asc()),
            size=Window(Count("pk"), partition_by=partition),
        )
        .filter(position__gte=(F("size") + 1) / 2, position__lte=(F("size") + 2) / 2)
        .order_by()
        .values_list(field or "status", "duration")
    )
    halves: dict[Any, list[datetime.timedelta]] = {}
    for key, duration in middle:
        halves.setdefault(key if field else None, []).append(duration)
    return {
        key: sum(values, datetime.timedelta()) / len(values) / DAY for key, values in halves.items()
    }


def _counts(cases: QuerySet[DiscrepancyCase]) -> dict[str, Any]:
    return {
        "n_open": Count("pk", filter=Q(status=DiscrepancyCase.Status.OPEN)),
        "n_closed": Count("pk", filter=Q(status__in=DiscrepancyCase.CLOSED)),
        "mean": Avg(
            ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField()),
            filter=Q(status__in=DiscrepancyCase.CLOSED, closed_at__isnull=False),
        ),
    }


def case_statistics(*, scope: dict[str, Any], now: datetime.datetime) -> CaseStatistics:
    """Time to explain or close the cases of ``scope`` (a DiscrepancyCase filter: ``{}`` for
    all), per country, agency and reason and over all: open and closed counts, mean and
    median days from opening to closing (closed cases with a closing date); and the open
    cases by age at ``now`` (``AGE_BUCKETS``). Groups are ordered by open cases, most first."""
    cases = DiscrepancyCase.objects.filter(**scope).order_by()
    by: dict[str, list[TimeRow]] = {}
    for name, field in DIMENSIONS.items():
        medians = _medians(cases, field)
        rows = [
            TimeRow(
                key=item[field],
                n_open=item["n_open"],
                n_closed=item["n_closed"],
                mean_days=_days(item["mean"]),
                median_days=medians.get(item[field]),
            )
            for item in cases.values(field).annotate(**_counts(cases))
        ]
        by[name] = sorted(rows, key=lambda r: (-r.n_open, -r.n_closed, str(r.key)))
    overall = cases.aggregate(**_counts(cases))
    total = TimeRow(
        key=None,
        n_open=overall["n_open"],
        n_closed=overall["n_closed"],
        mean_days=_days(overall["mean"]),
        median_days=_medians(cases, None).get(None),
    )
    ages = cases.filter(status=DiscrepancyCase.Status.OPEN).aggregate(
        **{key: Count("pk", filter=age_bucket_filter(key, now)) for key in AGE_BUCKETS}
    )
    country_ids = {r.key for r in by["country"]}
    agency_ids = {r.key for r in by["agency"] if r.key is not None}
    return CaseStatistics(
        total=total,
        by=by,
        ages=ages,
        countries=Country.objects.in_bulk(country_ids) if country_ids else {},
        agencies=Agency.objects.in_bulk(agency_ids) if agency_ids else {},
    )
