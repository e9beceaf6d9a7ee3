"""The permission matrix: every role x every action x own/other country."""

import pytest
from django.contrib.auth.models import AnonymousUser

from portal.permissions import Action, has_country_permission

A = Action
ROLES = [
    "focal_point",
    "member",
    "agency_focal_point",
    "coordinator",
    "observer",
    "disabled_focal_point",
    "anonymous",
]

# (role, action) -> (allowed on own country A, allowed on other country B).
# "Own" for users without a country (agency, secretariat, observer) means nothing special.
EXPECTED = {
    "focal_point": {
        A.VIEW_PUBLISHED: (True, True),
        A.VIEW_UNPUBLISHED: (True, False),
        A.EDIT_SHEET: (True, False),
        A.SUBMIT_SHEET: (True, False),
        A.REVIEW_SHEET: (False, False),
        A.ANSWER_CASE: (True, False),
        A.LOAD_INTERNATIONAL: (False, False),
        A.RUN_ENGINE: (False, False),
        A.MANAGE_REFERENCE: (False, False),
        A.MANAGE_MEETINGS: (False, False),
        A.MODERATE_FORUM: (False, False),
    },
    "member": {
        A.VIEW_PUBLISHED: (True, True),
        A.VIEW_UNPUBLISHED: (True, False),
        A.EDIT_SHEET: (False, False),
        A.SUBMIT_SHEET: (False, False),
        A.REVIEW_SHEET: (False, False),
        A.ANSWER_CASE: (False, False),
        A.LOAD_INTERNATIONAL: (False, False),
        A.RUN_ENGINE: (False, False),
        A.MANAGE_REFERENCE: (False, False),
        A.MANAGE_MEETINGS: (False, False),
        A.MODERATE_FORUM: (False, False),
    },
    "agency_focal_point": {
        A.VIEW_PUBLISHED: (True, True),
        A.VIEW_UNPUBLISHED: (False, False),
        A.EDIT_SHEET: (False, False),
        A.SUBMIT_SHEET: (False, False),
        A.REVIEW_SHEET: (False, False),
        A.ANSWER_CASE: (True, True),
        A.LOAD_INTERNATIONAL: (True, True),
        A.RUN_ENGINE: (False, False),
        A.MANAGE_REFERENCE: (False, False),
        A.MANAGE_MEETINGS: (False, False),
        A.MODERATE_FORUM: (False, False),
    },
    "coordinator": {
        A.VIEW_PUBLISHED: (True, True),
        A.VIEW_UNPUBLISHED: (True, True),
        A.EDIT_SHEET: (False, False),
        A.SUBMIT_SHEET: (False, False),
        A.REVIEW_SHEET: (True, True),
        A.ANSWER_CASE: (True, True),
        A.LOAD_INTERNATIONAL: (True, True),
        A.RUN_ENGINE: (True, True),
        A.MANAGE_REFERENCE: (True, True),
        A.MANAGE_MEETINGS: (True, True),
        A.MODERATE_FORUM: (True, True),
    },
    "observer": {action: (action == A.VIEW_PUBLISHED,) * 2 for action in A},
    "disabled_focal_point": {action: (False, False) for action in A},
    "anonymous": {action: (False, False) for action in A},
}


def test_matrix_covers_every_role_and_action():
    assert set(EXPECTED) == set(ROLES)
    for role in ROLES:
        assert set(EXPECTED[role]) == set(Action), role


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Action))
def test_permission_matrix(cast, role, action):
    user = AnonymousUser() if role == "anonymous" else cast.users[role]
    own, other = EXPECTED[role][action]
    assert has_country_permission(user, action, cast.country_a, cast.agency) is own
    assert has_country_permission(user, action, cast.country_b, cast.agency) is other


@pytest.mark.parametrize("action", [A.ANSWER_CASE, A.LOAD_INTERNATIONAL])
def test_agency_focal_point_acts_only_for_its_own_agency(cast, action):
    user = cast.users["agency_focal_point"]
    assert has_country_permission(user, action, cast.country_a, cast.other_agency) is False


@pytest.mark.parametrize("role", ROLES)
def test_country_workspace_url_matrix(client, cast, role):
    """Own country's working area opens; another country's is refused, whatever the role."""
    if role != "anonymous":
        client.force_login(cast.users[role]) if role != "disabled_focal_point" else None
    own, other = EXPECTED[role][A.VIEW_UNPUBLISHED]
    for country, allowed in ((cast.country_a, own), (cast.country_b, other)):
        response = client.get(f"/countries/{country.iso3}/workspace/")
        if role in ("anonymous", "disabled_focal_point"):
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == (200 if allowed else 403), (role, country.iso3)
            if not allowed:
                assert f"Working area of {country.name_en}" not in response.content.decode()
