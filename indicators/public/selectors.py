"""Reads of the public site: published results only (see the package docstring)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from indicators.models import (
    DiscrepancyCase,
    DiscrepancyResult,
    Indicator,
    SeriesResult,
)
from indicators.models.results import Category
from portal.models import Country

HEADLINE_FIELDS = (
    "country_id",
    "indicator_id",
    "source",
    "series",
    "category",
    "latest_year",
    "latest_value",
    "first_year",
    "first_value",
    "target",
)


def _headline(**filters: Any) -> list[dict[str, Any]]:
    """Current headline results: from accepted sheets and current releases only."""
    return list(
        SeriesResult.objects.filter(is_current=True, is_headline=True, **filters).values(
            *HEADLINE_FIELDS
        )
    )


@dataclass
class GoalRow:
    goal: str
    indicators: int = 0
    countries_reporting: int = 0
    national: Counter[str] = field(default_factory=Counter)
    international: Counter[str] = field(default_factory=Counter)

    @property
    def assessed(self) -> int:
        return sum(self.national.values())


def progress_by_goal() -> list[GoalRow]:
    """Per goal: indicators, countries with published national figures, and how many
    country-indicator pairs fall in each category, national and international."""
    goals = {
        pk: f"{framework} {goal}"
        for pk, framework, goal in Indicator.objects.values_list("pk", "framework", "goal")
    }
    per_goal: dict[str, GoalRow] = {}
    for goal in sorted(set(goals.values()), key=_goal_key):
        per_goal[goal] = GoalRow(goal=goal)
    for goal in goals.values():
        per_goal[goal].indicators += 1
    reporting: dict[str, set[int]] = defaultdict(set)
    for row in _headline():
        goal = goals[row["indicator_id"]]
        target = (
            per_goal[goal].national if row["source"] == "national" else per_goal[goal].international
        )
        target[row["category"]] += 1
        if row["source"] == "national":
            reporting[goal].add(row["country_id"])
    for goal, countries in reporting.items():
        per_goal[goal].countries_reporting = len(countries)
    return list(per_goal.values())


def _goal_key(label: str) -> tuple[str, int, str]:
    framework, _space, goal = label.partition(" ")
    # SDG first (the current framework), then MDG; goals in numeric order
    return ("0" if framework == "SDG" else framework, int(goal) if goal.isdigit() else 10_000, goal)


def code_key(code: str) -> list[tuple[int, object]]:
    """Natural order of indicator codes: 3.2.1 before 10.7.4, MDG4.1 before MDG10.1."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", code)]


def indicators_in_order() -> list[Indicator]:
    rows = list(Indicator.objects.all())
    return sorted(rows, key=lambda i: (i.framework != "SDG", code_key(i.code)))


def published_countries() -> list[Country]:
    ids = SeriesResult.objects.filter(is_current=True, source="national").values("country_id")
    return list(Country.objects.filter(pk__in=ids).order_by("name_en"))


@dataclass
class ProfileRow:
    indicator: Indicator
    national: dict[str, Any] | None
    international: dict[str, Any] | None
    discrepancy: DiscrepancyResult | None
    explanation: DiscrepancyCase | None

    @property
    def difference_percent(self) -> float | None:
        """The largest relative difference in the compared years, in per cent."""
        if self.discrepancy is None or self.discrepancy.max_abs_rel_diff is None:
            return None
        return round(self.discrepancy.max_abs_rel_diff * 100, 1)

    @property
    def differs(self) -> bool:
        return bool(
            self.national
            and self.international
            and self.national["category"] != self.international["category"]
        )


def country_profile(country: Country) -> list[ProfileRow]:
    """National and international side by side per indicator, with the explanation of the
    difference when the case is closed with a reason (open cases are the group's work in
    progress and stay inside the portal)."""
    heads: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in _headline(country=country):
        heads[row["indicator_id"]][row["source"]] = row
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=list(heads))}
    discrepancies = {
        (d.indicator_id, d.series): d
        for d in DiscrepancyResult.objects.filter(is_current=True, country=country)
    }
    explained = {
        (c.indicator_id, c.series): c
        for c in DiscrepancyCase.objects.filter(
            country=country, status__in=DiscrepancyCase.CLOSED
        ).exclude(reason="")
    }
    rows = []
    for pk, sources in heads.items():
        national, international = sources.get("national"), sources.get("international")
        series = (national or international or {}).get("series", "")
        rows.append(
            ProfileRow(
                indicator=indicators[pk],
                national=national,
                international=international,
                discrepancy=discrepancies.get((pk, series)),
                explanation=explained.get((pk, series)),
            )
        )
    return sorted(rows, key=lambda r: (r.indicator.framework != "SDG", code_key(r.indicator.code)))


def indicator_results(indicator: Indicator) -> list[dict[str, Any]]:
    """Per country with a published figure: the national and the international category."""
    by_country: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in _headline(indicator=indicator):
        by_country[row["country_id"]][row["source"]] = row
    countries = {c.pk: c for c in Country.objects.filter(pk__in=list(by_country))}
    return [
        {"country": countries[pk], **sources}
        for pk, sources in sorted(by_country.items(), key=lambda kv: countries[kv[0]].name_en)
    ]


CATEGORY_ORDER = [c for c in Category.values if c != Category.INSUFFICIENT_COVERAGE]
