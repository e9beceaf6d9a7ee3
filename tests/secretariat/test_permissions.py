"""Every secretariat page and action as a matrix of roles: only the coordinator (and a
superuser) gets in; anonymous visitors are sent to log in; the others get 403."""

import pytest
from django.urls import reverse

from indicators.models import AreaCodeMapping, ReportingRound
from meetings.models import Activity, Biennium, Objective
from portal.models import Country, Organisation, User
from portal.secretariat.models import Invitation, RoundIndicator
from tests.factories import UserFactory
from tests.meetings.factories import ActivityFactory

ROLES = ["focal_point", "member", "agency_focal_point", "observer", "coordinator", "superuser"]
ALLOWED = {"coordinator", "superuser"}


@pytest.fixture
def world(sheet_world):
    from indicators.models import Indicator

    sheet_world.users["superuser"] = UserFactory(
        email="root@example.org", role=User.Role.OBSERVER, is_superuser=True, is_staff=True
    )
    activity = ActivityFactory()
    invitation = Invitation.objects.create(
        email="new@example.org",
        full_name="New",
        role=User.Role.OBSERVER,
        organisation=sheet_world.users["observer"].organisation,
        token_hash="x" * 64,
        expires_at="2099-01-01T00:00:00Z",
    )
    return {
        "cast": sheet_world,
        "indicator": Indicator.objects.get(code="3.2.1"),
        "activity": activity,
        "invitation": invitation,
        "area_code": AreaCodeMapping.objects.create(country=sheet_world.country_b, code="7"),
        "organisation": Organisation.objects.create(name="Old secretariat", kind="secretariat"),
    }


def _pages(world):
    cast = world["cast"]
    target = cast.users["focal_point_b"]
    round_pk = ReportingRound.objects.get().pk
    return {
        "GET": [
            reverse("secretariat:index"),
            reverse("secretariat:members"),
            reverse("secretariat:member_edit", args=[target.pk]),
            reverse("secretariat:rounds"),
            reverse("secretariat:completeness", args=[round_pk]),
            reverse("secretariat:completeness", args=[round_pk]) + "?format=csv",
            reverse("secretariat:round_indicators", args=[round_pk]),
            reverse("secretariat:indicators"),
            reverse("secretariat:indicator_edit", args=[world["indicator"].pk]),
            reverse("secretariat:activities"),
            reverse("secretariat:activity_edit", args=[world["activity"].pk]),
            reverse("secretariat:area_countries"),
            reverse("secretariat:organisations"),
            reverse("secretariat:bienniums"),
            reverse("secretariat:biennium_edit", args=[world["activity"].biennium_id]),
            reverse("secretariat:objective_edit", args=[world["activity"].objective_id]),
            reverse("secretariat:activity_create", args=[world["activity"].biennium_id]),
            reverse("secretariat:activity_details", args=[world["activity"].pk]),
            reverse("secretariat:organisation_edit", args=[world["organisation"].pk]),
            reverse("secretariat:member_countries"),
            reverse("secretariat:country_membership", args=["KGZ"]),
            reverse("secretariat:area_codes", args=["KGZ"]),
            reverse("secretariat:area_code_delete", args=[world["area_code"].pk]),
        ],
        "POST": [
            (
                reverse("secretariat:members"),
                {
                    "email": "someone@example.org",
                    "full_name": "Someone",
                    "role": "observer",
                    "organisation": cast.users["observer"].organisation_id,
                    "language": "en",
                },
            ),
            (
                reverse("secretariat:member_edit", args=[target.pk]),
                {"role": "country_member", "organisation": target.organisation_id},
            ),
            (reverse("secretariat:member_active", args=[target.pk]), {"active": "0"}),
            (reverse("secretariat:invitation_resend", args=[world["invitation"].pk]), {}),
            (reverse("secretariat:invitation_revoke", args=[world["invitation"].pk]), {}),
            (
                reverse("secretariat:rounds"),
                {
                    "code": "R99",
                    "name_en": "Round 99",
                    "opens_on": "2027-01-01",
                    "closes_on": "2027-02-01",
                },
            ),
            (reverse("secretariat:round_deadline", args=[round_pk]), {"closes_on": "2026-12-20"}),
            (reverse("secretariat:round_toggle", args=[round_pk]), {"open": "0"}),
            (
                reverse("secretariat:round_indicators", args=[round_pk]),
                {"indicators": [world["indicator"].pk]},
            ),
            (
                reverse("secretariat:indicator_edit", args=[world["indicator"].pk]),
                {
                    "target_kind": "absolute",
                    "target_value": "20",
                    "target_year": "2030",
                    "cutoff": "",
                    "desired_direction": "decrease",
                    "unit": "PER_1000_LIVE_BIRTHS",
                },
            ),
            (
                reverse("secretariat:activity_edit", args=[world["activity"].pk]),
                {"status": "done", "progress_notes": "Finished."},
            ),
            (reverse("secretariat:area_codes", args=["KGZ"]), {"code": "12", "area": ""}),
            (reverse("secretariat:area_code_delete", args=[world["area_code"].pk]), {}),
            (
                reverse("secretariat:organisations"),
                {"name": "Statistics Office C", "kind": "secretariat"},
            ),
            (
                reverse("secretariat:organisation_edit", args=[world["organisation"].pk]),
                {"name": "Renamed secretariat", "kind": "secretariat"},
            ),
            (
                reverse("secretariat:organisation_active", args=[world["organisation"].pk]),
                {"active": "0"},
            ),
            (
                reverse("secretariat:bienniums"),
                {"title": "Programme 2030", "start_year": "2030", "end_year": "2031"},
            ),
            (
                reverse("secretariat:objective_edit", args=[world["activity"].objective_id]),
                {"number": str(_renumbered(world)), "title": "Renumbered"},
            ),
            (
                reverse("secretariat:country_membership", args=["KGZ"]),
                {"is_member": "on", "member_since": "2001-05-01"},
            ),
        ],
    }


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(client, world, role):
    client.force_login(world["cast"].users[role])
    for url in _pages(world)["GET"]:
        response = client.get(url)
        assert response.status_code == (200 if role in ALLOWED else 403), (role, url)


def _renumbered(world):
    """A number the world's objective does not have yet (its factory's sequence numbers it)."""
    return Objective.objects.get(pk=world["activity"].objective_id).number + 1


@pytest.mark.parametrize("role", ROLES)
def test_actions_by_role(client, world, role):
    client.force_login(world["cast"].users[role])
    target = world["cast"].users["focal_point_b"]
    renumbered = _renumbered(world)
    for url, data in _pages(world)["POST"]:
        response = client.post(url, data)
        assert response.status_code == (302 if role in ALLOWED else 403), (role, url)
    target.refresh_from_db()
    world["activity"].refresh_from_db()
    world["indicator"].refresh_from_db()
    changed = role in ALLOWED
    assert (not target.is_active) is changed
    assert (target.role == "country_member") is changed
    assert (world["activity"].status == Activity.Status.DONE) is changed
    assert (world["indicator"].target_value == 20) is changed
    assert Invitation.objects.filter(email="someone@example.org").exists() is changed
    deadline = ReportingRound.objects.get(code="2026").closes_on
    assert (deadline.isoformat() == "2026-12-20") is changed
    asked = RoundIndicator.objects.filter(round__code="2026").values_list("indicator", flat=True)
    assert (list(asked) == [world["indicator"].pk]) is changed
    organisation = Organisation.objects.get(pk=world["organisation"].pk)
    assert (organisation.name == "Renamed secretariat") is changed
    assert organisation.is_active is not changed
    assert Organisation.objects.filter(name="Statistics Office C").exists() is changed
    assert Biennium.objects.filter(start_year=2030).exists() is changed
    # The world's own objective, renumbered from what its factory gave it.
    objective = Objective.objects.get(pk=world["activity"].objective_id)
    assert (objective.number == renumbered) is changed
    kgz = Country.objects.get(iso3="KGZ")
    assert (kgz.member_since is not None) is changed
    codes = set(AreaCodeMapping.objects.values_list("code", flat=True))
    assert codes == ({"12"} if changed else {"7"})


def test_anonymous_is_sent_to_log_in(client, world):
    pages = _pages(world)
    for url in pages["GET"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data in pages["POST"]:
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_get_on_post_only_actions_is_refused(client, world):
    client.force_login(world["cast"].users["coordinator"])
    target = world["cast"].users["focal_point_b"]
    assert client.get(reverse("secretariat:member_active", args=[target.pk])).status_code == 405


def test_deactivated_coordinator_is_refused(client, world):
    coordinator = world["cast"].users["coordinator"]
    client.force_login(coordinator)
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    response = client.get(reverse("secretariat:members"))
    assert response.status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_no_admin_link_unless_superuser(client, world, role):
    """The Django admin is for superusers: nobody else is shown a link into it."""
    from meetings.models import Biennium

    client.force_login(world["cast"].users[role])
    assert Biennium.objects.exists()
    for url in ("/", reverse("meetings:programme")):
        body = client.get(url).content.decode()
        assert ("/admin/" in body) is (role == "superuser"), (role, url)
