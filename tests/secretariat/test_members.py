"""Invitations, role changes and deactivation: each audited, bad input refused with a reason."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, Organisation, User
from portal.secretariat import services
from portal.secretariat.models import Invitation
from tests.factories import UserFactory


def _invite(cast, **overrides):
    values = {
        "actor": cast.users["coordinator"],
        "email": "New.Person@Example.org",
        "full_name": "New Person",
        "role": User.Role.COUNTRY_FOCAL_POINT,
        "organisation": Organisation.objects.get(name="NSO B"),
        "language": "es",
    }
    values.update(overrides)
    return services.invitation_create(**values)


def _token(link: str) -> str:
    match = re.search(r"/secretariat/join/([^/]+)/", link)
    assert match
    return match.group(1)


def test_invitation_is_mailed_in_the_invitees_language_and_audited(cast):
    invitation, link = _invite(cast)
    assert invitation.email == "new.person@example.org"
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=13)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Estimado" in message.body or "invitó" in message.body
    assert link in message.body
    assert _token(link) not in invitation.token_hash  # stored hashed only
    event = AuditEvent.objects.get(action="member.invite")
    assert event.actor == cast.users["coordinator"]
    assert event.object_id == str(invitation.pk)


def test_invitee_sets_a_password_and_gets_the_role(client, cast):
    _invitation, link = _invite(cast)
    url = reverse("secretariat:invitation_accept", args=[_token(link)])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"password1": "a-long-pass-2026!", "password2": "a-long-pass-2026!"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.role == User.Role.COUNTRY_FOCAL_POINT
    assert user.organisation.name == "NSO B"
    assert user.language == "es"
    assert user.check_password("a-long-pass-2026!")
    assert AuditEvent.objects.filter(action="member.join", actor=user).exists()
    # The link works once.
    assert client.get(url).status_code == 410
    assert client.login(username="new.person@example.org", password="a-long-pass-2026!")


def test_weak_or_mismatched_password_is_refused_and_nothing_is_created(client, cast):
    _invitation, link = _invite(cast)
    url = reverse("secretariat:invitation_accept", args=[_token(link)])
    response = client.post(url, {"password1": "abc", "password2": "abc"})
    assert response.status_code == 400
    response = client.post(url, {"password1": "a-long-pass-2026!", "password2": "other-pass-2026!"})
    assert response.status_code == 400
    # The invitation is in Spanish: so is its page, and the reason given.
    assert "Las dos contraseñas no coinciden." in response.content.decode()
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_expired_withdrawn_and_unknown_links_are_refused(client, cast):
    invitation, link = _invite(cast)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    url = reverse("secretariat:invitation_accept", args=[_token(link)])
    assert client.get(url).status_code == 410
    assert (
        client.post(
            url, {"password1": "a-long-pass-2026!", "password2": "a-long-pass-2026!"}
        ).status_code
        == 410
    )
    assert client.get(reverse("secretariat:invitation_accept", args=["nope"])).status_code == 410
    other, other_link = _invite(cast, email="second@example.org")
    services.invitation_revoke(actor=cast.users["coordinator"], invitation=other)
    assert (
        client.get(reverse("secretariat:invitation_accept", args=[_token(other_link)])).status_code
        == 410
    )
    assert not User.objects.filter(
        email__in=["new.person@example.org", "second@example.org"]
    ).exists()


def test_a_new_invitation_replaces_the_pending_one(cast):
    first, _ = _invite(cast)
    second, _ = _invite(cast)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.is_pending


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "fp.a@example.org"}, "email"),
        ({"full_name": "  "}, "full_name"),
        ({"role": "king"}, "role"),
        ({"organisation_name": "Secretariat"}, "organisation"),
        ({"role": User.Role.AGENCY_FOCAL_POINT}, "organisation"),
    ],
)
def test_bad_invitations_name_the_field(cast, overrides, field):
    if "organisation_name" in overrides:
        overrides = {"organisation": Organisation.objects.get(name=overrides["organisation_name"])}
    with pytest.raises(ValidationError) as error:
        _invite(cast, **overrides)
    assert field in error.value.message_dict
    assert not Invitation.objects.exists() and not mail.outbox


def test_invitation_form_shows_the_error_on_the_page(client, cast):
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:members"),
        {
            "email": "x@example.org",
            "full_name": "X",
            "role": "country_focal_point",
            "organisation": Organisation.objects.get(name="Secretariat").pk,
            "language": "en",
        },
    )
    assert response.status_code == 400
    assert "A country role needs the organisation of a country." in response.content.decode()


def test_role_change_and_deactivation_are_audited(client, cast):
    coordinator, target = cast.users["coordinator"], cast.users["member"]
    client.force_login(coordinator)
    response = client.post(
        reverse("secretariat:member_edit", args=[target.pk]),
        {"role": "country_focal_point", "organisation": target.organisation_id},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == User.Role.COUNTRY_FOCAL_POINT
    event = AuditEvent.objects.get(action="member.change")
    assert event.details["old"]["role"] == "country_member"
    assert event.details["new"]["role"] == "country_focal_point"
    client.post(reverse("secretariat:member_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    assert AuditEvent.objects.filter(action="member.deactivate", object_id=str(target.pk)).exists()
    assert not client.login(username=target.email, password="x")  # cannot log in any more
    client.force_login(coordinator)
    client.post(reverse("secretariat:member_active", args=[target.pk]), {"active": "1"})
    target.refresh_from_db()
    assert target.is_active
    assert AuditEvent.objects.filter(action="member.reactivate").exists()


def test_bad_role_change_is_refused_with_the_reason(client, cast):
    target = cast.users["member"]
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:member_edit", args=[target.pk]),
        {"role": "agency_focal_point", "organisation": target.organisation_id},
    )
    assert response.status_code == 400
    assert "agency" in response.content.decode()
    target.refresh_from_db()
    assert target.role == User.Role.COUNTRY_MEMBER
    assert not AuditEvent.objects.filter(action="member.change").exists()


def test_nobody_changes_themselves_and_only_superusers_change_superusers(cast):
    coordinator = cast.users["coordinator"]
    root = UserFactory(email="root@example.org", is_superuser=True, role=User.Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.member_set_active(actor=coordinator, account=coordinator, active=False)
    with pytest.raises(PermissionDenied):
        services.member_update(
            actor=coordinator, account=coordinator, role="observer", organisation=None
        )
    with pytest.raises(PermissionDenied):
        services.member_set_active(actor=coordinator, account=root, active=False)
    services.member_set_active(actor=root, account=coordinator, active=False)
    coordinator.refresh_from_db()
    assert not coordinator.is_active


def test_deactivation_revokes_api_tokens(cast):
    from portal.services import token_create

    target = cast.users["focal_point"]
    token, _key = token_create(user=target, name="script")
    services.member_set_active(actor=cast.users["coordinator"], account=target, active=False)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_members_page_lists_accounts_and_invitations_in_spanish(client, cast):
    _invite(cast)
    coordinator = cast.users["coordinator"]
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    response = client.get(reverse("secretariat:members"))
    body = response.content.decode()
    assert "fp.b@example.org" in body and "new.person@example.org" in body
    assert "Invitar a una persona" in body


def test_mail_failure_keeps_the_invitation_and_shows_the_link(client, cast, settings):
    # An SMTP server that refuses connections: nothing is listening on port 1.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:members"),
        {
            "email": "offline@example.org",
            "full_name": "Offline",
            "role": "observer",
            "organisation": Organisation.objects.get(name="Secretariat").pk,
            "language": "en",
        },
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "could not be sent" in body and "/secretariat/join/" in body
    assert Invitation.objects.get(email="offline@example.org").is_pending


def test_invitation_page_speaks_the_mails_language_until_the_invitee_chooses(client, cast):
    invitation, link = _invite(cast)
    url = reverse("secretariat:invitation_accept", args=[_token(link)])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es"' in page and "Repita la contraseña" in page
    # The mail gives the link's expiry in Spanish, never as an ISO date.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", mail.outbox[-1].body)
    assert "UTC" in mail.outbox[-1].body
    response = client.post(
        url, {"password1": "a-long-pass-2026!", "password2": "a-long-pass-2026!"}
    )
    assert response.cookies["django_language"].value == "es"
    # A language chosen in the selector wins.
    other, other_link = _invite(cast, email="other@example.org")
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("secretariat:invitation_accept", args=[_token(other_link)])
    ).content.decode()
    assert '<html lang="en"' in page and "Password again" in page
