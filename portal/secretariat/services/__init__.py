"""Writes of the secretariat, one module per concern; each change is audited in its
transaction.

- ``members``: roles and organisations, invitations and accounts
- ``rounds``: reporting rounds and reminders; ``round_indicators``: a round's indicators
  after opening
- ``indicators``: indicator definitions and targets
- ``area_codes``: a country's area codes
- ``activities``: an activity's status and progress notes; ``programme``: bienniums,
  objectives, activities
- ``organisations``: organisations and member countries

The names below stay importable as ``portal.secretariat.services.<name>``."""

from portal.secretariat.services.activities import activity_update
from portal.secretariat.services.area_codes import area_code_add, area_code_delete
from portal.secretariat.services.indicators import ENGINE_FIELDS, INDICATOR_FIELDS, indicator_update
from portal.secretariat.services.members import (
    COUNTRY_ROLES,
    INVITATION_VALIDITY,
    check_role_organisation,
    invitation_accept,
    invitation_create,
    invitation_find,
    invitation_resend,
    invitation_revoke,
    member_set_active,
    member_update,
)
from portal.secretariat.services.rounds import (
    DELIVERED,
    REMIND_DAYS_BEFORE,
    REMIND_LATE_EVERY_DAYS,
    round_open,
    round_reminders_send,
    round_set_deadline,
    round_set_open,
)

__all__ = [
    "COUNTRY_ROLES",
    "DELIVERED",
    "ENGINE_FIELDS",
    "INDICATOR_FIELDS",
    "INVITATION_VALIDITY",
    "REMIND_DAYS_BEFORE",
    "REMIND_LATE_EVERY_DAYS",
    "activity_update",
    "area_code_add",
    "area_code_delete",
    "check_role_organisation",
    "indicator_update",
    "invitation_accept",
    "invitation_create",
    "invitation_find",
    "invitation_resend",
    "invitation_revoke",
    "member_set_active",
    "member_update",
    "round_open",
    "round_reminders_send",
    "round_set_deadline",
    "round_set_open",
]
