"""Every role check of the portal app lives here; other apps build on these.

The rule of the design: a user acts only for their own organisation's country or
agency; the coordinator (secretariat) reviews everything; nobody reads another
country's unpublished data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.models import Agency, Country, User

    AnyUser = User | AnonymousUser


class Action(StrEnum):
    VIEW_PUBLISHED = "view_published"
    VIEW_UNPUBLISHED = "view_unpublished"
    EDIT_SHEET = "edit_sheet"
    SUBMIT_SHEET = "submit_sheet"
    REVIEW_SHEET = "review_sheet"
    ANSWER_CASE = "answer_case"
    LOAD_INTERNATIONAL = "load_international"
    RUN_ENGINE = "run_engine"
    MANAGE_REFERENCE = "manage_reference"
    MANAGE_MEETINGS = "manage_meetings"
    MODERATE_FORUM = "moderate_forum"


def is_member(user: AnyUser) -> bool:
    """An active, logged-in user of any role."""
    return bool(user.is_authenticated and user.is_active)


def is_coordinator(user: AnyUser) -> bool:
    if not is_member(user):
        return False
    return bool(user.is_superuser or user.role == "coordinator")  # type: ignore[union-attr]


def _own_country_id(user: AnyUser) -> int | None:
    if not is_member(user):
        return None
    org = user.organisation  # type: ignore[union-attr]
    if org is None or user.role not in ("country_focal_point", "country_member"):  # type: ignore[union-attr]
        return None
    return org.country_id


def is_country_focal_point(user: AnyUser, country: Country) -> bool:
    return _own_country_id(user) == country.pk and user.role == "country_focal_point"  # type: ignore[union-attr]


def belongs_to_country(user: AnyUser, country: Country) -> bool:
    """Focal points and members of the country's own offices."""
    return _own_country_id(user) == country.pk


def is_agency_focal_point(user: AnyUser, agency: Agency | None = None) -> bool:
    if not is_member(user) or user.role != "agency_focal_point":  # type: ignore[union-attr]
        return False
    org = user.organisation  # type: ignore[union-attr]
    if org is None or org.agency_id is None:
        return False
    return agency is None or org.agency_id == agency.pk


def can_view_published(user: AnyUser) -> bool:
    return is_member(user)


def can_view_unpublished(user: AnyUser, country: Country) -> bool:
    return is_coordinator(user) or belongs_to_country(user, country)


def can_edit_sheet(user: AnyUser, country: Country) -> bool:
    return is_country_focal_point(user, country)


def can_review_sheets(user: AnyUser) -> bool:
    return is_coordinator(user)


def can_answer_case(user: AnyUser, country: Country, agency: Agency | None = None) -> bool:
    if is_coordinator(user) or is_country_focal_point(user, country):
        return True
    return agency is not None and is_agency_focal_point(user, agency)


def can_load_international(user: AnyUser, agency: Agency | None = None) -> bool:
    return is_coordinator(user) or is_agency_focal_point(user, agency)


def can_run_engine(user: AnyUser) -> bool:
    return is_coordinator(user)


def can_manage_reference(user: AnyUser) -> bool:
    return is_coordinator(user)


def can_manage_meetings(user: AnyUser) -> bool:
    return is_coordinator(user)


def can_moderate_forum(user: AnyUser) -> bool:
    return is_coordinator(user)


def has_country_permission(
    user: AnyUser, action: Action, country: Country, agency: Agency | None = None
) -> bool:
    """One entry point for `action` on `country` (and, for agency actions, `agency`)."""
    checks = {
        Action.VIEW_PUBLISHED: lambda: can_view_published(user),
        Action.VIEW_UNPUBLISHED: lambda: can_view_unpublished(user, country),
        Action.EDIT_SHEET: lambda: can_edit_sheet(user, country),
        Action.SUBMIT_SHEET: lambda: can_edit_sheet(user, country),
        Action.REVIEW_SHEET: lambda: can_review_sheets(user),
        Action.ANSWER_CASE: lambda: can_answer_case(user, country, agency),
        Action.LOAD_INTERNATIONAL: lambda: can_load_international(user, agency),
        Action.RUN_ENGINE: lambda: can_run_engine(user),
        Action.MANAGE_REFERENCE: lambda: can_manage_reference(user),
        Action.MANAGE_MEETINGS: lambda: can_manage_meetings(user),
        Action.MODERATE_FORUM: lambda: can_moderate_forum(user),
    }
    return checks[action]()
