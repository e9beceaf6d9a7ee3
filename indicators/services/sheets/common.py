"""What every data-sheet service shares: modes, errors, the row lock, events and notifications,
the stored values of a sheet."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Field
from django.utils.translation import gettext as _

from indicators.models import (
    DataSheet,
    Observation,
    SheetEvent,
    UploadedFile,
)
from indicators.services.validation import Candidate
from portal.models import User

Key = tuple[int, int | None, str, int]

#: How an upload meets the values already in the sheet: `merge` changes only the rows in the
#: files; `replace` also removes the values of the files' indicators that the files lack.
MERGE, REPLACE = "merge", "replace"
IMPORT_MODES = (MERGE, REPLACE)


class StaleSheetError(ValidationError):
    """Someone else changed the sheet since this form was opened."""


class RemovalsNotConfirmed(ValidationError):
    """A `replace` upload would remove values and nobody confirmed it; `labels` names them."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        super().__init__(
            _(
                "This upload would remove %(count)s values from the sheet; confirm the removals "
                "first. Nothing was stored."
            )
            % {"count": len(labels)}
        )


def _stale() -> StaleSheetError:
    return StaleSheetError(
        _(
            "Someone else changed this data sheet since you opened it. Nothing was saved: "
            "reload the page to see their changes, then make yours again."
        )
    )


def _lock(sheet: DataSheet, expected_lock_version: int | None) -> DataSheet:
    """Lock the row, refuse a stale form, and bump the edit counter."""
    locked = DataSheet.objects.select_for_update().get(pk=sheet.pk)
    if expected_lock_version is not None and locked.lock_version != expected_lock_version:
        raise _stale()
    DataSheet.objects.filter(pk=sheet.pk).update(lock_version=F("lock_version") + 1)
    locked.lock_version += 1
    return locked


def _event(
    sheet: DataSheet,
    kind: str,
    user: User | None,
    *,
    address: str | None = None,
    upload: UploadedFile | None = None,
    comment: str = "",
    details: dict | None = None,
) -> SheetEvent:
    return SheetEvent.objects.create(
        sheet=sheet,
        kind=kind,
        actor=user,
        address=address,
        upload=upload,
        comment=comment,
        details=details or {},
    )


def _observation_columns() -> list[Field]:
    """Every stored column of an observation but its id, `sheet` first."""
    fields = [f for f in Observation._meta.concrete_fields if not f.primary_key]
    return sorted(fields, key=lambda f: f.name != "sheet")


def _current_values(sheet: DataSheet) -> dict[Key, Decimal]:
    rows = sheet.observations.values_list(
        "indicator_id", "area_id", "disaggregation", "year", "value"
    )
    return {(i, a, d, y): v for i, a, d, y, v in rows}


#: What an upload may change in a stored value; the rest of a row is its key and provenance.
_CONTENT = ("value", "unit", "nature", "operation_id", "source", "footnote")


@dataclass(frozen=True)
class _Stored:
    pk: int
    value: Decimal
    content: tuple

    def differs_from(self, candidate: Candidate) -> bool:
        return self.content != tuple(getattr(candidate, name) for name in _CONTENT)


def _stored_rows(sheet: DataSheet, indicator_ids: set[int]) -> dict[Key, _Stored]:
    """The sheet's values of these indicators by key, with what an upload could change."""
    rows = sheet.observations.filter(indicator_id__in=indicator_ids).values_list(
        "pk", "indicator_id", "area_id", "disaggregation", "year", *_CONTENT
    )
    return {
        (i, a, d, y): _Stored(pk, content[0], tuple(content)) for pk, i, a, d, y, *content in rows
    }


def _accepted_values(sheet: DataSheet) -> dict[Key, Decimal]:
    current = DataSheet.objects.filter(
        country=sheet.country, round=sheet.round, is_current=True
    ).first()
    return _current_values(current) if current else {}


def _notify(event: SheetEvent) -> None:
    from portal.outbox import enqueue
    from portal.services import audit_record

    sheet = event.sheet
    audit_record(
        action=f"datasheet.{event.kind}",
        obj=sheet,
        actor=event.actor,
        address=event.address,
        summary=f"{sheet.country.iso3} {sheet.round.code} v{sheet.version} {event.kind}",
        details={"comment": event.comment} if event.comment else None,
    )

    enqueue("indicators.tasks.sheet_event_notify", event.pk, key=f"sheet:{sheet.pk}")
