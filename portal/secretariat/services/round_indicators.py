"""Changing the indicators a reporting round asks for after it opened.

Adding is free. Removing an indicator for which countries already entered values in the
round needs a confirmation that lists those values first; the values themselves are never
deleted here, only the request changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from indicators.models import DataSheet, Indicator, Observation, ReportingRound
from portal.models import User, localized
from portal.secretariat import permissions
from portal.secretariat.models import RoundIndicator
from portal.services import audit_record


@dataclass(frozen=True)
class EnteredValues:
    """How many values a country entered in the round for an indicator no longer asked for."""

    country_iso3: str
    country_name: str
    indicator_code: str
    indicator_name: str
    values: int


class RemovalsNeedConfirmation(ValidationError):
    """The change would stop asking for indicators with values already entered."""

    def __init__(self, entered: list[EnteredValues]) -> None:
        super().__init__(
            _("Countries already entered values for indicators you remove: confirm first.")
        )
        self.entered = entered


def _effective(ids: set[int]) -> set[int]:
    """A round that lists no indicator asks for every indicator."""
    return ids or set(Indicator.objects.values_list("pk", flat=True))


def entered_values(*, round_: ReportingRound, indicator_ids: Iterable[int]) -> list[EnteredValues]:
    """Values entered in the round's open or accepted sheets for these indicators, by country
    and indicator."""
    rows = (
        Observation.objects.filter(sheet__round=round_, indicator_id__in=list(indicator_ids))
        .filter(Q(sheet__status__in=DataSheet.OPEN) | Q(sheet__is_current=True))
        .order_by()
        .values(
            "sheet__country__iso3",
            "sheet__country__name_en",
            "sheet__country__name_es",
            "indicator__code",
            "indicator__name_en",
            "indicator__name_es",
        )
        .annotate(n=Count("pk"))
    )
    entered = [
        EnteredValues(
            country_iso3=row["sheet__country__iso3"],
            country_name=localized(row["sheet__country__name_en"], row["sheet__country__name_es"]),
            indicator_code=row["indicator__code"],
            indicator_name=localized(row["indicator__name_en"], row["indicator__name_es"]),
            values=row["n"],
        )
        for row in rows
    ]
    return sorted(entered, key=lambda row: (row.country_name, row.indicator_code))


def round_set_indicators(
    *,
    actor: User,
    round_: ReportingRound,
    indicators: Iterable[Indicator],
    confirm_removals: bool = False,
    address: str | None = None,
) -> tuple[list[str], list[str]]:
    """Set the indicators the round asks for (none: every indicator). Returns the codes
    added and removed. Raises RemovalsNeedConfirmation, changing nothing, when an indicator
    no longer asked for has values entered and ``confirm_removals`` is not given."""
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied(_("Only the secretariat can change a round's indicators."))
    new_ids = {indicator.pk for indicator in indicators}
    with transaction.atomic():
        locked = ReportingRound.objects.select_for_update().get(pk=round_.pk)
        old_ids = set(
            RoundIndicator.objects.filter(round=locked).values_list("indicator_id", flat=True)
        )
        if old_ids == new_ids:
            return [], []
        before, after = _effective(old_ids), _effective(new_ids)
        removed_ids = before - after
        entered = entered_values(round_=locked, indicator_ids=removed_ids)
        if entered and not confirm_removals:
            raise RemovalsNeedConfirmation(entered)
        codes = dict(Indicator.objects.filter(pk__in=before ^ after).values_list("pk", "code"))
        added = sorted(codes[pk] for pk in after - before)
        removed = sorted(codes[pk] for pk in removed_ids)
        RoundIndicator.objects.filter(round=locked).exclude(indicator_id__in=new_ids).delete()
        RoundIndicator.objects.bulk_create(
            [RoundIndicator(round=locked, indicator_id=pk) for pk in sorted(new_ids - old_ids)]
        )
        audit_record(
            action="round.indicators",
            obj=locked,
            summary=f"round {locked.code}: indicators added {', '.join(added) or '-'}; "
            f"removed {', '.join(removed) or '-'}"[:300],
            actor=actor,
            address=address,
            details={
                "added": added,
                "removed": removed,
                "all_indicators": not new_ids,
                "values_kept": [
                    [row.country_iso3, row.indicator_code, row.values] for row in entered
                ],
            },
        )
    return added, removed
