"""Organisations and member countries edited by the secretariat: audited, bad input refused
naming the field, organisations deactivated rather than deleted."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators.models import ReportingRound
from portal.models import Agency, AuditEvent, Country, Organisation, User
from portal.secretariat import selectors, services
from portal.secretariat.services import organisations as services_organisations

TODAY = datetime.date(2026, 12, 6)


def test_create_and_edit_an_organisation(client, cast):
    client.force_login(cast.users["coordinator"])
    url = reverse("secretariat:organisations")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": " Ministry  of Health B ", "kind": "ministry", "country": cast.country_b.pk}
    )
    assert response.status_code == 302
    ministry = Organisation.objects.get(name="Ministry of Health B")
    assert ministry.country == cast.country_b and ministry.is_active
    assert AuditEvent.objects.filter(action="organisation.create").count() == 1
    edit = reverse("secretariat:organisation_edit", args=[ministry.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, {"name": "Ministry of Health A", "kind": "ministry", "country": cast.country_a.pk}
    )
    assert response.status_code == 302
    ministry.refresh_from_db()
    assert (ministry.name, ministry.country) == ("Ministry of Health A", cast.country_a)
    event = AuditEvent.objects.get(action="organisation.change")
    assert event.details["old"]["country"] == "KGZ" and event.details["new"]["country"] == "KAZ"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "", "kind": "nso"}, "name"),
        ({"name": "nso a", "kind": "nso", "country": "A"}, "name"),
        ({"name": "New NSO", "kind": "nso"}, "country"),
        ({"name": "New agency office", "kind": "agency"}, "agency"),
        ({"name": "New agency office", "kind": "agency", "country": "A", "agency": "X"}, "country"),
        ({"name": "New secretariat", "kind": "secretariat", "country": "A"}, "kind"),
        ({"name": "Odd", "kind": "club"}, "kind"),
    ],
)
def test_bad_organisations_are_refused_naming_the_field(client, cast, values, field):
    data = dict(values)
    if data.get("country") == "A":
        data["country"] = cast.country_a.pk
    if data.get("agency") == "X":
        data["agency"] = Agency.objects.get(code="UNICEF").pk
    before = Organisation.objects.count()
    client.force_login(cast.users["coordinator"])
    response = client.post(reverse("secretariat:organisations"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.filter(action="organisation.create").exists()


def test_an_organisation_with_country_accounts_does_not_move_country(client, cast):
    nso_b = Organisation.objects.get(name="NSO B")
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:organisation_edit", args=[nso_b.pk]),
        {"name": "NSO B", "kind": "nso", "country": cast.country_a.pk},
    )
    assert response.status_code == 400
    assert "country accounts belong to this organisation" in response.content.decode()
    nso_b.refresh_from_db()
    assert nso_b.country == cast.country_b


def test_deactivate_keeps_accounts_and_refuses_new_members(client, cast):
    nso_b = Organisation.objects.get(name="NSO B")
    client.force_login(cast.users["coordinator"])
    url = reverse("secretariat:organisation_active", args=[nso_b.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"active": "0"}).status_code == 302
    nso_b.refresh_from_db()
    assert not nso_b.is_active
    assert cast.users["focal_point_b"].organisation_id == nso_b.pk
    assert User.objects.filter(organisation=nso_b).count() >= 1
    assert AuditEvent.objects.filter(action="organisation.deactivate").exists()
    with pytest.raises(ValidationError) as refused:
        services.invitation_create(
            actor=cast.users["coordinator"],
            email="x@stat.kg",
            full_name="X",
            role=User.Role.COUNTRY_MEMBER,
            organisation=nso_b,
        )
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.member_update(
            actor=cast.users["coordinator"],
            account=cast.users["focal_point"],
            role=User.Role.COUNTRY_MEMBER,
            organisation=nso_b,
        )
    # The invitation form does not offer it; the organisations page still lists it.
    page = client.get(reverse("secretariat:members"))
    assert "NSO B" not in str(page.context["form"]["organisation"])
    assert client.post(url, {"active": "1"}).status_code == 302
    nso_b.refresh_from_db()
    assert nso_b.is_active


def test_only_the_secretariat_manages_organisations(cast):
    with pytest.raises(PermissionDenied):
        services_organisations.organisation_create(
            actor=cast.users["focal_point"], name="X", kind="secretariat"
        )


def test_membership_dates_and_the_rounds_that_count_a_country(client, cast, round_2026):
    """The 2026 round runs from its opening to 15 December 2026."""
    client.force_login(cast.users["coordinator"])
    assert client.get(reverse("secretariat:member_countries")).status_code == 200
    url = reverse("secretariat:country_membership", args=["KGZ"])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"is_member": "on", "member_since": "2010-01-01", "member_until": ""}
    )
    assert response.status_code == 302
    response = client.post(url, {"member_since": "2010-01-01", "member_until": "2026-12-01"})
    assert response.status_code == 302
    kgz = Country.objects.get(iso3="KGZ")
    assert not kgz.is_member and kgz.member_until == datetime.date(2026, 12, 1)
    assert AuditEvent.objects.filter(action="country.membership").count() == 2
    round_ = ReportingRound.objects.get(code="2026")
    rows = selectors.round_completeness(round_=round_, today=TODAY)
    assert "KGZ" in {row.country.iso3 for row in rows}  # a member during the round
    round_.opens_on = datetime.date(2027, 1, 1)
    round_.closes_on = datetime.date(2027, 3, 1)
    rows = selectors.round_completeness(round_=round_, today=TODAY)
    assert "KGZ" not in {row.country.iso3 for row in rows}  # left before it opened


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"member_since": "2020-01-01", "member_until": "2019-01-01"}, "member_until"),
        ({"is_member": "on", "member_until": "2020-01-01"}, "member_until"),
        ({"is_member": "on", "member_since": "2099-01-01"}, "member_since"),
        ({"member_since": "yesterday"}, "member_since"),
    ],
)
def test_bad_membership_dates_are_refused(client, cast, data, field):
    client.force_login(cast.users["coordinator"])
    response = client.post(reverse("secretariat:country_membership", args=["KGZ"]), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    kgz = Country.objects.get(iso3="KGZ")
    assert kgz.member_since is None and kgz.member_until is None
