"""Writes of the secretariat on the work programme: bienniums, their objectives, activities
and sub-activities (leads as organisations, timelines, status and progress notes). Every
error names its field; each change is audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meetings.models import Activity, Biennium, Objective
from portal.models import Organisation, User
from portal.secretariat import permissions
from portal.services import audit_record


def _require(actor: User) -> None:
    if not permissions.can_edit_activities(actor):
        raise PermissionDenied(_("Only the secretariat can edit the work programme."))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (Biennium, Objective, Activity)):
        return value.pk
    return value


def _save(
    *, actor: User, obj: Any, values: dict[str, Any], kind: str, label: str, address: str | None
) -> bool:
    """Set the values, save and audit (create or change); False when nothing changed."""
    creating = obj.pk is None
    old = {field: _plain(getattr(obj, field)) for field in values}
    new = {field: _plain(value) for field, value in values.items()}
    if not creating and old == new:
        return False
    for field, value in values.items():
        setattr(obj, field, value)
    obj.save()
    changed = {field: [old[field], new[field]] for field in new if old[field] != new[field]}
    audit_record(
        action=f"programme.{kind}_{'create' if creating else 'change'}",
        obj=obj,
        summary=f"{kind} {label} {'created' if creating else 'changed'}: "
        + ", ".join(sorted(changed))[:200],
        actor=actor,
        address=address,
        details={"changes": changed},
    )
    return True


def biennium_save(
    *,
    actor: User,
    biennium: Biennium | None,
    title: str,
    start_year: int,
    end_year: int,
    description: str = "",
    address: str | None = None,
) -> Biennium:
    _require(actor)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the biennium a title.")
    if end_year < start_year:
        errors["end_year"] = _("The last year (%(end)s) is before the first (%(start)s).") % {
            "end": end_year,
            "start": start_year,
        }
    if errors:
        raise ValidationError(errors)
    target = biennium or Biennium()
    values = {
        "title": title.strip(),
        "start_year": start_year,
        "end_year": end_year,
        "description": description.strip(),
    }
    with transaction.atomic():
        _save(
            actor=actor,
            obj=target,
            values=values,
            kind="biennium",
            label=f"{start_year}-{end_year}",
            address=address,
        )
    return target


def objective_save(
    *,
    actor: User,
    biennium: Biennium,
    objective: Objective | None,
    number: int,
    title: str,
    address: str | None = None,
) -> Objective:
    _require(actor)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the objective's text.")
    clash = Objective.objects.filter(biennium=biennium, number=number)
    if objective is not None:
        clash = clash.exclude(pk=objective.pk)
    if clash.exists():
        errors["number"] = _("Objective %(number)s exists already in %(period)s.") % {
            "number": number,
            "period": biennium.period,
        }
    if errors:
        raise ValidationError(errors)
    target = objective or Objective(biennium=biennium)
    with transaction.atomic():
        _save(
            actor=actor,
            obj=target,
            values={"number": number, "title": title.strip()},
            kind="objective",
            label=f"{biennium.period} {number}",
            address=address,
        )
    return target


def _parent_error(
    biennium: Biennium, activity: Activity | None, parent: Activity | None
) -> str | None:
    """Two levels: a sub-activity hangs from a main activity of the same biennium."""
    if parent is None:
        return None
    if parent.biennium_id != biennium.pk:
        return _("Choose an activity of %(period)s.") % {"period": biennium.period}
    if parent.parent_id is not None or (activity is not None and parent.pk == activity.pk):
        return _("A sub-activity belongs to a main activity, not to itself.")
    if activity is not None and activity.sub_activities.exists():
        return _("This activity has sub-activities: it stays a main activity.")
    return None


def _activity_errors(
    biennium: Biennium, activity: Activity | None, values: dict[str, Any]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    code = values["code"]
    if not code:
        errors["code"] = _("Give the activity a code.")
    else:
        clash = Activity.objects.filter(biennium=biennium, code__iexact=code)
        if activity is not None:
            clash = clash.exclude(pk=activity.pk)
        if clash.exists():
            errors["code"] = _("The code %(code)s is taken in %(period)s.") % {
                "code": code,
                "period": biennium.period,
            }
    if not values["title"]:
        errors["title"] = _("Give the activity's title.")
    objective, parent = values["objective"], values["parent"]
    if objective is not None and objective.biennium_id != biennium.pk:
        errors["objective"] = _("Choose an objective of %(period)s.") % {"period": biennium.period}
    parent_error = _parent_error(biennium, activity, parent)
    if parent_error:
        errors["parent"] = parent_error
    start, end = values["start_date"], values["end_date"]
    if start and end and end < start:
        errors["end_date"] = _("The end (%(end)s) is before the start (%(start)s).") % {
            "end": end.isoformat(),
            "start": start.isoformat(),
        }
    if values["status"] not in Activity.Status.values:
        errors["status"] = _("Unknown status “%(status)s”.") % {"status": values["status"]}
    return errors


def activity_save(
    *,
    actor: User,
    biennium: Biennium,
    activity: Activity | None,
    values: dict[str, Any],
    lead_organisations: Iterable[Organisation] = (),
    address: str | None = None,
) -> Activity:
    """Create or change an activity or sub-activity of the biennium with its lead
    organisations; a deactivated organisation is not made a new lead."""
    _require(actor)
    values = dict(values)
    for field in ("code", "title", "description", "entities", "timeline_note", "progress_notes"):
        values[field] = (values.get(field) or "").strip()
    errors = _activity_errors(biennium, activity, values)
    leads = list(lead_organisations)
    current = set(activity.lead_organisations.values_list("pk", flat=True)) if activity else set()
    inactive = [org.name for org in leads if not org.is_active and org.pk not in current]
    if inactive:
        errors["lead_organisations"] = _(
            "Deactivated organisations cannot become leads: %(names)s"
        ) % {"names": ", ".join(inactive)}
    if errors:
        raise ValidationError(errors)
    target = activity or Activity(biennium=biennium)
    new_leads = {org.pk for org in leads}
    with transaction.atomic():
        _save(
            actor=actor,
            obj=target,
            values=values,
            kind="activity",
            label=values["code"],
            address=address,
        )
        if new_leads != current:
            target.lead_organisations.set(leads)
            audit_record(
                action="programme.activity_leads",
                obj=target,
                summary=f"activity {target.code}: leads "
                + (", ".join(sorted(org.name for org in leads)) or "-")[:250],
                actor=actor,
                address=address,
                details={"old": sorted(current), "new": sorted(new_leads)},
            )
    return target
