"""Editing values of a sheet in the grid."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import permissions
from indicators.models import (
    DataSheet,
    Observation,
    SheetEvent,
)
from indicators.services.sheets.common import _event, _lock
from portal.models import User

# --- editing values in the grid -------------------------------------------------------


@dataclass
class GridResult:
    """What a grid save did: values changed and deleted, and the cells it refused, by
    observation id, with the reason (the other cells of the same save are stored)."""

    changed: int = 0
    deleted: int = 0
    refused: dict[int, str] = field(default_factory=dict)


def observations_update(
    *,
    sheet: DataSheet,
    user: User,
    changes: dict[int, tuple[Decimal | None, str]],
    expected_lock_version: int,
    address: str | None = None,
    delete_reason: str = "",
) -> GridResult:
    """Correct values of an editable sheet from the grid.

    `changes` maps observation id -> (value, footnote); a value of None deletes the value, which
    needs a `delete_reason`. A cell that cannot be stored (out of range, not in this sheet, a
    deletion without a reason) is refused and named in the result; the other cells are stored.
    A stale form or a locked sheet stores nothing. Old values and deletions stay in the history.
    """
    if not permissions.can_edit_country_sheets(user, sheet.country):
        raise PermissionDenied(_("Only the country's focal point can change this data sheet."))
    result = GridResult()
    with transaction.atomic():
        locked = _lock(sheet, expected_lock_version)
        if not locked.is_editable:
            raise ValidationError(
                _("This data sheet is %(status)s and cannot be changed.")
                % {"status": locked.get_status_display()}
            )
        observations = locked.observations.select_related("indicator").in_bulk(list(changes))
        for obs_id, (value, footnote) in changes.items():
            obs = observations.get(obs_id)
            if obs is None:
                result.refused[obs_id] = _("this value is not in this data sheet")
            elif value is None:
                if not delete_reason.strip():
                    result.refused[obs_id] = _("say why in the reason for deleting values")
                    continue
                _observation_delete(locked, obs, delete_reason.strip(), user, address)
                result.deleted += 1
            elif obs.value == value and obs.footnote == footnote:
                continue
            elif problem := _out_of_range(obs, value):
                result.refused[obs_id] = problem
            else:
                _observation_change(locked, obs, value, footnote, user, address)
                result.changed += 1
    return result


def _out_of_range(obs: Observation, value: Decimal) -> str:
    if value.adjusted() >= 20:  # the column keeps 20 digits before the point
        return _("%(value)s is too large") % {"value": value}
    low, high = obs.indicator.value_min, obs.indicator.value_max
    if (low is not None and value < Decimal(str(low))) or (
        high is not None and value > Decimal(str(high))
    ):
        return _("%(value)s is out of range: values must lie between %(low)s and %(high)s") % {
            "value": value.normalize(),
            "low": low,
            "high": high,
        }
    return ""


def _value_details(obs: Observation) -> dict[str, object]:
    """How the history names a value: the same key in every version of the sheet."""
    return {
        "observation": obs.pk,
        "indicator": obs.indicator.code,
        "year": obs.year,
        "area": obs.area_id,
        "disaggregation": obs.disaggregation,
    }


def _observation_delete(
    locked: DataSheet, obs: Observation, reason: str, user: User, address: str | None
) -> None:
    details = {
        **_value_details(obs),
        "deleted": True,
        "old_value": str(obs.value.normalize()),
        "new_value": "",
        "old_footnote": obs.footnote,
        "reason": reason,
        "upload": obs.upload.original_name if obs.upload else "",
        # the review comments on the value go with it; their words stay here
        "comments": list(obs.comments.values_list("text", flat=True)),
    }
    obs.delete()
    _event(locked, SheetEvent.Kind.EDITED, user, address=address, comment=reason, details=details)


def _observation_change(
    locked: DataSheet,
    obs: Observation,
    value: Decimal,
    footnote: str,
    user: User,
    address: str | None,
) -> None:
    old_value, old_footnote = obs.value, obs.footnote
    obs.value, obs.footnote, obs.entered_by, obs.entered_at, obs.upload, obs.source_row = (
        value,
        footnote,
        user,
        timezone.now(),
        None,
        None,
    )
    obs.save(
        update_fields=["value", "footnote", "entered_by", "entered_at", "upload", "source_row"]
    )
    _event(
        locked,
        SheetEvent.Kind.EDITED,
        user,
        address=address,
        details={
            **_value_details(obs),
            "old_value": str(old_value),
            "new_value": str(value),
            "old_footnote": old_footnote,
            "new_footnote": footnote,
        },
    )
