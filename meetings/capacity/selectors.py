"""Reads for the capacity-building and financing pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum

from meetings.models import (
    Biennium,
    ExpertProfile,
    Grant,
    Mission,
    TraineeCount,
    Training,
)


def trainings() -> QuerySet[Training]:
    """Trainings, the latest first, with their trainees summed by sex."""
    return (
        Training.objects.select_related("organiser", "country", "activity", "evaluation")
        .annotate(
            n_women=Sum("trainees__women"),
            n_men=Sum("trainees__men"),
            n_countries=Count("trainees", distinct=True),
        )
        .order_by("-start_date", "title")
    )


def training_for_page(*, pk: int) -> Training:
    return (
        Training.objects.select_related("organiser", "country", "activity", "meeting")
        .prefetch_related(
            "trainers__organisation",
            Prefetch("trainees", queryset=TraineeCount.objects.select_related("country")),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class TraineeTotals:
    women: int
    men: int

    @property
    def total(self) -> int:
        return self.women + self.men


def trainee_totals() -> TraineeTotals:
    sums = TraineeCount.objects.aggregate(women=Sum("women"), men=Sum("men"))
    return TraineeTotals(women=sums["women"] or 0, men=sums["men"] or 0)


def trainees_by_country() -> list[dict[str, object]]:
    """One row per country: people trained, by sex, over every training."""
    return list(
        TraineeCount.objects.values("country__iso3", "country__name_en", "country__name_es")
        .annotate(women=Sum("women"), men=Sum("men"), trainings=Count("training", distinct=True))
        .order_by("country__name_en")
    )


def experts(*, topic: str = "", available_only: bool = False) -> QuerySet[ExpertProfile]:
    rows = ExpertProfile.objects.select_related("organisation", "organisation__country")
    if topic:
        rows = rows.filter(topics__icontains=topic)
    if available_only:
        rows = rows.filter(available=True)
    return rows.order_by("name")


def missions() -> QuerySet[Mission]:
    return (
        Mission.objects.select_related("sending", "host_country", "activity")
        .prefetch_related("experts")
        .order_by("-start_date", "topic")
    )


def grants() -> QuerySet[Grant]:
    return (
        Grant.objects.select_related("donor")
        .prefetch_related("activities", "meetings")
        .order_by("-start_date", "title")
    )


@dataclass
class FundingTotals:
    """Amounts by currency (never summed across currencies) and status; grants without a
    stated amount are counted apart so a total never looks complete when it is not."""

    by_currency: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    unstated: int = 0


def funding_totals(rows: QuerySet[Grant] | list[Grant]) -> FundingTotals:
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    unstated = 0
    for grant in rows:
        if grant.amount is None:
            unstated += 1
            continue
        totals[grant.currency][grant.status] += grant.amount
        totals[grant.currency]["total"] += grant.amount
    return FundingTotals(
        by_currency={currency: dict(parts) for currency, parts in sorted(totals.items())},
        unstated=unstated,
    )


def biennium_grants(biennium: Biennium) -> list[Grant]:
    """Grants that pay for any activity of the biennium or any meeting linked to one."""
    return list(
        grants().filter(activities__biennium=biennium).distinct().order_by("-start_date", "title")
    )
