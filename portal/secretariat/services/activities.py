"""Writes of the secretariat on a programme activity's status and progress notes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meetings.models import Activity
from portal.models import User
from portal.secretariat import permissions
from portal.secretariat.services._common import _require
from portal.services import audit_record

# --- work programme ------------------------------------------------------------------------


def activity_update(
    *,
    actor: User,
    activity: Activity,
    status: str,
    progress_notes: str,
    address: str | None = None,
) -> bool:
    """Record an activity's status and progress notes; False when nothing changed."""
    _require(
        permissions.can_edit_activities(actor),
        _("Only the secretariat can edit the work programme."),
    )
    if status not in Activity.Status.values:
        raise ValidationError({"status": _("Unknown status “%(status)s”.") % {"status": status}})
    old = {"status": activity.status, "progress_notes": activity.progress_notes}
    new = {"status": status, "progress_notes": progress_notes.strip()}
    if old == new:
        return False
    with transaction.atomic():
        activity.status = new["status"]
        activity.progress_notes = new["progress_notes"]
        activity.save(update_fields=["status", "progress_notes", "updated_at"])
        audit_record(
            action="programme.activity_change",
            obj=activity,
            summary=f"activity {activity.code}: status {old['status']} → {status}",
            actor=actor,
            address=address,
            details={"old": old, "new": new},
        )
    return True
