"""Old import path of ``portal.secretariat.services.organisations``."""

from portal.secretariat.services.organisations import (
    COUNTRY_ROLES,
    NATIONAL_KINDS,
    country_membership_update,
    organisation_create,
    organisation_set_active,
    organisation_update,
)

__all__ = [
    "COUNTRY_ROLES",
    "NATIONAL_KINDS",
    "country_membership_update",
    "organisation_create",
    "organisation_set_active",
    "organisation_update",
]
