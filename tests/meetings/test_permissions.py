"""The permission matrix: role x action x visibility, for a meeting organised by country A."""

import pytest
from django.contrib.auth.models import AnonymousUser

from meetings import permissions
from meetings.models import Document

ROLES = [
    "anonymous",
    "focal_point",
    "member",
    "focal_point_b",
    "agency_focal_point",
    "coordinator",
    "observer",
    "disabled_focal_point",
]
ACTIONS = {
    "view": permissions.can_view_meeting,
    "register": permissions.can_register,
    "manage_participants": permissions.can_manage_participants,
    "edit": permissions.can_edit_meeting,
}
ALL_ACTIVE = {
    "focal_point",
    "member",
    "focal_point_b",
    "agency_focal_point",
    "coordinator",
    "observer",
}
REGISTRANTS = ALL_ACTIVE - {"observer"}
ORGANISERS = {"focal_point", "member", "coordinator"}  # country A's offices and the secretariat

EXPECTED = {
    ("view", "public"): set(ROLES),
    ("view", "members"): ALL_ACTIVE,
    ("view", "restricted"): ORGANISERS,
    ("register", "public"): REGISTRANTS,
    ("register", "members"): REGISTRANTS,
    ("register", "restricted"): ORGANISERS,
    ("manage_participants", "public"): {"focal_point", "coordinator"},
    ("manage_participants", "members"): {"focal_point", "coordinator"},
    ("manage_participants", "restricted"): {"focal_point", "coordinator"},
    ("edit", "public"): {"coordinator"},
    ("edit", "members"): {"coordinator"},
    ("edit", "restricted"): {"coordinator"},
}


def _user(cast, role):
    return AnonymousUser() if role == "anonymous" else cast.users[role]


@pytest.mark.parametrize("visibility", ["public", "members", "restricted"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(cast, upcoming, role, action, visibility):
    upcoming.visibility = visibility
    upcoming.save()
    allowed = ACTIONS[action](_user(cast, role), upcoming)
    assert allowed is (role in EXPECTED[(action, visibility)]), (role, action, visibility)


@pytest.mark.parametrize("role", ROLES)
def test_restricted_meeting_opens_to_listed_organisations(cast, upcoming, role):
    upcoming.visibility = "restricted"
    upcoming.save()
    upcoming.allowed_organisations.add(cast.users["focal_point_b"].organisation)
    expected = ORGANISERS | {"focal_point_b"}
    assert permissions.can_view_meeting(_user(cast, role), upcoming) is (role in expected)


def test_nobody_registers_for_past_or_cancelled_meetings(cast, upcoming):
    upcoming.status = "cancelled"
    upcoming.save()
    assert not permissions.can_register(cast.users["member"], upcoming)


@pytest.mark.parametrize("visibility", ["public", "members", "restricted"])
@pytest.mark.parametrize("role", ROLES)
def test_document_visibility_on_a_public_meeting(cast, upcoming, role, visibility):
    upcoming.visibility = "public"
    upcoming.save()
    document = Document.objects.create(
        meeting=upcoming, title="Slides", kind="presentation", visibility=visibility
    )
    expected = {"public": set(ROLES), "members": ALL_ACTIVE, "restricted": ORGANISERS}[visibility]
    assert permissions.can_view_document(_user(cast, role), document) is (role in expected)


def test_agency_focal_point_manages_meetings_of_their_agency(cast, upcoming):
    from .factories import PartnerFactory

    PartnerFactory(meeting=upcoming, role="co_organiser", agency=cast.agency)
    assert permissions.can_manage_participants(cast.users["agency_focal_point"], upcoming)
    PartnerFactory(meeting=upcoming, role="funder", agency=cast.other_agency)
    assert not permissions.is_organiser(cast.users["focal_point_b"], upcoming)


def test_programme_is_managed_by_the_coordinator_only(cast):
    for role in ROLES:
        assert permissions.can_manage_programme(_user(cast, role)) is (role == "coordinator")
