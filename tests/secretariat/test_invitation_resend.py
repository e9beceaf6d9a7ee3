"""Re-sending an invitation: a new link by e-mail, the old link dead, a new expiry, audited."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, User
from portal.secretariat import services
from portal.secretariat.models import Invitation
from tests.factories import UserFactory
from tests.secretariat.test_members import _invite, _token


def test_resend_gives_a_new_link_and_kills_the_old_one(client, cast):
    invitation, old_link = _invite(cast)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(cast.users["coordinator"])
    response = client.post(reverse("secretariat:invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new_link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/secretariat/join/" in line
    )
    assert _token(new_link) != _token(old_link)
    invitation.refresh_from_db()
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=13)
    event = AuditEvent.objects.get(action="member.invitation_resent")
    assert event.object_id == str(invitation.pk)
    assert event.actor == cast.users["coordinator"]
    client.logout()
    old = reverse("secretariat:invitation_accept", args=[_token(old_link)])
    assert client.get(old).status_code == 410
    new = reverse("secretariat:invitation_accept", args=[_token(new_link)])
    response = client.post(
        new, {"password1": "a-long-pass-2026!", "password2": "a-long-pass-2026!"}
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new.person@example.org").exists()


@pytest.mark.parametrize("state", ["accepted", "withdrawn", "account"])
def test_resend_refused_for_used_or_withdrawn_invitations(client, cast, state):
    invitation, _link = _invite(cast)
    if state == "accepted":
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    elif state == "withdrawn":
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    else:
        UserFactory(email="new.person@example.org")
    before = Invitation.objects.get(pk=invitation.pk)
    client.force_login(cast.users["coordinator"])
    response = client.post(
        reverse("secretariat:invitation_resend", args=[invitation.pk]), follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    expected = {
        "accepted": "accepted this invitation already",
        "withdrawn": "was withdrawn",
        "account": "already has an account",
    }[state]
    assert expected in text
    after = Invitation.objects.get(pk=invitation.pk)
    assert (after.token_hash, after.expires_at) == (before.token_hash, before.expires_at)
    assert len(mail.outbox) == 1
    assert not AuditEvent.objects.filter(action="member.invitation_resent").exists()


def test_only_the_secretariat_resends(client, cast):
    invitation, _link = _invite(cast)
    with pytest.raises(PermissionDenied):
        services.invitation_resend(actor=cast.users["focal_point"], invitation=invitation)
    client.force_login(cast.users["focal_point"])
    url = reverse("secretariat:invitation_resend", args=[invitation.pk])
    assert client.post(url).status_code == 403
    client.force_login(cast.users["coordinator"])
    assert client.get(url).status_code == 405
    assert len(mail.outbox) == 1
