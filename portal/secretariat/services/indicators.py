"""Writes of the secretariat on indicator definitions and targets (an engine re-run when a
field the engine reads changes). Each change is audited in its transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import EngineRun, Indicator
from portal.models import User
from portal.secretariat import permissions
from portal.secretariat.models import IndicatorChange
from portal.secretariat.services._common import _require
from portal.services import audit_record

# --- indicators ----------------------------------------------------------------------------

INDICATOR_FIELDS = (
    "target_kind",
    "target_value",
    "target_year",
    "cutoff",
    "desired_direction",
    "unit",
    "ratio_base_year",
    "ratio_target_year",
    "ratio_on_track",
    "ratio_acceleration",
)
ENGINE_FIELDS = {"target_kind", "target_value", "target_year", "cutoff", "desired_direction"}


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (int, float, str)) else str(value)


def indicator_update(
    *,
    actor: User,
    indicator: Indicator,
    values: Mapping[str, Any],
    reason: str = "",
    address: str | None = None,
) -> IndicatorChange | None:
    """Change an indicator's target, cut-off, direction or unit; keeps the history and queues
    an engine run for the indicator when what the engine reads changed. None: nothing changed."""
    _require(permissions.can_edit_indicators(actor), _("Only the secretariat can edit indicators."))
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be edited here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    changes = {
        field: [_plain(getattr(indicator, field)), _plain(value)]
        for field, value in values.items()
        if getattr(indicator, field) != value
    }
    if not changes:
        return None
    after = {field: values.get(field, getattr(indicator, field)) for field in INDICATOR_FIELDS}
    if after["target_kind"] != Indicator.TargetKind.NONE and after["target_value"] is None:
        raise ValidationError({"target_value": _("A target of this kind needs a target value.")})
    if after["target_year"] <= indicator.baseline_year:
        raise ValidationError(
            {
                "target_year": _("The target year must come after the baseline year (%(year)s).")
                % {"year": indicator.baseline_year}
            }
        )
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        for field in changes:
            setattr(locked, field, values[field])
        locked.full_clean()
        locked.save(update_fields=[*changes, "updated_at"])
        run = None
        if ENGINE_FIELDS & set(changes):
            from indicators.reports.services import engine_run_queue

            run = engine_run_queue(
                trigger=EngineRun.Trigger.MANUAL, user=actor, indicator_codes=[locked.code]
            )
        change = IndicatorChange.objects.create(
            indicator=locked,
            changed_by=actor,
            changes=changes,
            reason=reason.strip()[:300],
            engine_run=run,
        )
        audit_record(
            action="indicator.change",
            obj=locked,
            summary=f"indicator {locked.code}: "
            + ", ".join(f"{field} {old} → {new}" for field, (old, new) in changes.items()),
            actor=actor,
            address=address,
            details={"changes": changes, "engine_run": run.pk if run else None},
        )
    for field in changes:
        setattr(indicator, field, values[field])
    return change
