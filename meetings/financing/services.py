"""Writes of fund-raising consultations: one transaction, secretariat only, audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from meetings import permissions
from meetings.models import Consultation
from portal.models import User
from portal.services import audit_record


@transaction.atomic
def consultation_save(*, user: User, consultation: Consultation) -> Consultation:
    """Create or update one consultation from a valid form (checked again here)."""
    if not permissions.can_manage_capacity(user):
        raise PermissionDenied(_("Only the secretariat may record fund-raising consultations."))
    created = consultation.pk is None
    consultation.full_clean()
    consultation.save()
    audit_record(
        actor=user,
        action=f"consultation.{'create' if created else 'update'}",
        obj=consultation,
        summary=str(consultation),
    )
    return consultation
