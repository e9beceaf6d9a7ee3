"""Reads of fund-raising consultations."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet

from meetings.models import Biennium, Consultation


def consultations() -> QuerySet[Consultation]:
    return Consultation.objects.select_related("donor", "activity").order_by("-date", "pk")


def sought_by_currency(rows: list[Consultation]) -> tuple[dict[str, Decimal], int]:
    """Amounts sought per currency (never summed across currencies) and how many
    consultations named no amount."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    unstated = 0
    for row in rows:
        if row.amount_sought is None:
            unstated += 1
        else:
            totals[row.currency] += row.amount_sought
    return dict(sorted(totals.items())), unstated


def biennium_consultations(biennium: Biennium) -> list[Consultation]:
    """Consultations about an activity of the biennium or held during it."""
    return list(
        consultations().filter(
            Q(activity__biennium=biennium)
            | Q(date__year__gte=biennium.start_year, date__year__lte=biennium.end_year)
        )
    )


def report_context(biennium: Biennium) -> dict[str, object]:
    """The biennium report's consultations, with the amounts sought per currency."""
    rows = biennium_consultations(biennium)
    totals, unstated = sought_by_currency(rows)
    return {"consultations": rows, "consultation_totals": totals, "consultation_unstated": unstated}
