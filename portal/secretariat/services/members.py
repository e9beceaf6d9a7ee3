"""Writes of the secretariat on members: roles and organisations, invitations (create,
accept, revoke, resend) and accounts. Each change is audited in its transaction."""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.authentication import hash_key
from portal.models import Organisation, User
from portal.secretariat import permissions
from portal.secretariat.models import Invitation
from portal.secretariat.services._common import _absolute, _require
from portal.services import audit_record

logger = logging.getLogger(__name__)

INVITATION_VALIDITY = datetime.timedelta(days=14)

COUNTRY_ROLES = (User.Role.COUNTRY_FOCAL_POINT, User.Role.COUNTRY_MEMBER)


# --- roles and organisations ---------------------------------------------------------------


def check_role_organisation(*, role: str, organisation: Organisation | None) -> None:
    """A country role needs a national organisation, an agency focal point an agency's."""
    if role not in User.Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    if organisation is None:
        if role in COUNTRY_ROLES or role == User.Role.AGENCY_FOCAL_POINT:
            raise ValidationError({"organisation": _("This role needs an organisation.")})
        return
    if role in COUNTRY_ROLES and organisation.country_id is None:
        raise ValidationError(
            {"organisation": _("A country role needs the organisation of a country.")}
        )
    if role == User.Role.AGENCY_FOCAL_POINT and organisation.agency_id is None:
        raise ValidationError(
            {
                "organisation": _(
                    "An agency focal point needs an international agency's organisation."
                )
            }
        )


# --- invitations -----------------------------------------------------------------------------


def _invitation_mail(invitation: Invitation, token: str, actor: User) -> str:
    """E-mail the invitation's link in the invitee's language; returns the link. A mail that
    cannot be sent leaves ``mail_failed`` set on the invitation (the page shows the link)."""
    link = _absolute(reverse("secretariat:invitation_accept", args=[token]))
    organisation = invitation.organisation
    with translation.override(invitation.language):
        subject = _("You are invited to the Statistics Working Group portal")
        body = "\n\n".join(
            [
                _("Dear %(name)s,") % {"name": invitation.full_name},
                _(
                    "%(actor)s invited you to the portal as %(role)s of %(organisation)s. "
                    "Choose your password here (the link works until %(expires)s UTC):"
                )
                % {
                    "actor": actor.full_name or actor.email,
                    "role": invitation.get_role_display(),
                    "organisation": organisation.name,
                    "expires": date_format(invitation.expires_at, "DATETIME_FORMAT"),
                },
                link,
            ]
        )
    try:
        send_mail(subject, body, None, [invitation.email])
    except (OSError, smtplib.SMTPException) as exc:
        # The invitation stands; the page gives the coordinator the link to pass on.
        logger.error("invitation e-mail to %s not sent: %s", invitation.email, exc)
        invitation.mail_failed = True  # type: ignore[attr-defined]
    return link


def invitation_create(
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    organisation: Organisation,
    language: str = "en",
    address: str | None = None,
) -> tuple[Invitation, str]:
    """Invite a person by e-mail; returns the invitation and the link (sent, never stored).

    An earlier pending invitation of the same address is withdrawn."""
    _require(permissions.can_manage_members(actor), _("Only the secretariat can invite members."))
    email = User.objects.normalize_email(email.strip()).lower()
    if not email:
        raise ValidationError({"email": _("Give an e-mail address.")})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("%(email)s already has an account.") % {"email": email}})
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": _("Give the person's name.")})
    check_role_organisation(role=role, organisation=organisation)
    if not organisation.is_active:
        raise ValidationError(
            {
                "organisation": _("%(name)s is deactivated: it takes no new members.")
                % {"name": organisation.name}
            }
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            email=email,
            full_name=full_name,
            role=role,
            organisation=organisation,
            language=language if language in ("en", "es") else "en",
            token_hash=hash_key(token),
            invited_by=actor,
            expires_at=now + INVITATION_VALIDITY,
        )
        audit_record(
            action="member.invite",
            obj=invitation,
            summary=f"{email} invited as {role} of {organisation.name}",
            actor=actor,
            address=address,
            details={"email": email, "role": role, "organisation": organisation.pk},
        )
    link = _invitation_mail(invitation, token, actor)
    return invitation, link


def invitation_find(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation").filter(token_hash=hash_key(token)).first()
    )


def invitation_accept(*, invitation: Invitation, password: str, address: str | None = None) -> User:
    """Create the invitee's account with the password they chose; the link works once."""
    if not invitation.is_pending:
        raise ValidationError(_("This invitation has expired or was already used."))
    validate_password(password)
    try:
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if not locked.is_pending:
                raise ValidationError(_("This invitation has expired or was already used."))
            user = User.objects.create_user(
                invitation.email,
                password,
                full_name=invitation.full_name,
                role=invitation.role,
                organisation=invitation.organisation,
                language=invitation.language,
            )
            locked.accepted_at = timezone.now()
            locked.user = user
            locked.save(update_fields=["accepted_at", "user"])
            audit_record(
                action="member.join",
                obj=user,
                summary=f"{user.email} accepted the invitation",
                actor=user,
                address=address,
                details={"invitation": locked.pk, "role": user.role},
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(email)s already has an account.") % {"email": invitation.email}
        ) from exc
    return user


def invitation_revoke(*, actor: User, invitation: Invitation, address: str | None = None) -> None:
    _require(
        permissions.can_manage_members(actor), _("Only the secretariat can withdraw invitations.")
    )
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation is no longer pending."))
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            action="member.invitation_withdrawn",
            obj=invitation,
            summary=f"invitation of {invitation.email} withdrawn",
            actor=actor,
            address=address,
        )


def invitation_resend(
    *, actor: User, invitation: Invitation, address: str | None = None
) -> tuple[Invitation, str]:
    """Send a pending or expired invitation again: a new link (the old one stops working)
    valid 14 days from now. Accepted or withdrawn invitations cannot be re-sent."""
    _require(
        permissions.can_manage_members(actor), _("Only the secretariat can re-send invitations.")
    )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update()
            .select_related("organisation")
            .get(pk=invitation.pk)
        )
        if locked.accepted_at is not None:
            raise ValidationError(
                _("%(email)s accepted this invitation already.") % {"email": locked.email}
            )
        if locked.revoked_at is not None:
            raise ValidationError(
                _("This invitation was withdrawn; invite %(email)s again instead.")
                % {"email": locked.email}
            )
        if User.objects.filter(email__iexact=locked.email).exists():
            raise ValidationError(_("%(email)s already has an account.") % {"email": locked.email})
        old_expiry = locked.expires_at
        locked.token_hash = hash_key(token)
        locked.expires_at = timezone.now() + INVITATION_VALIDITY
        locked.save(update_fields=["token_hash", "expires_at"])
        audit_record(
            action="member.invitation_resent",
            obj=locked,
            summary=f"invitation of {locked.email} re-sent, new link until "
            f"{locked.expires_at:%Y-%m-%d}",
            actor=actor,
            address=address,
            details={
                "old_expires_at": old_expiry.isoformat(),
                "new_expires_at": locked.expires_at.isoformat(),
            },
        )
    link = _invitation_mail(locked, token, actor)
    return locked, link


# --- accounts ----------------------------------------------------------------------------------


def member_update(
    *,
    actor: User,
    account: User,
    role: str,
    organisation: Organisation | None,
    address: str | None = None,
) -> bool:
    """Change an account's role and organisation; False when nothing changed."""
    _require(
        permissions.can_change_account(actor, account),
        _("You cannot change this account."),
    )
    check_role_organisation(role=role, organisation=organisation)
    if (
        organisation is not None
        and not organisation.is_active
        and organisation.pk != account.organisation_id
    ):
        raise ValidationError(
            {
                "organisation": _("%(name)s is deactivated: it takes no new members.")
                % {"name": organisation.name}
            }
        )
    old = {"role": account.role, "organisation": account.organisation_id}
    new = {"role": role, "organisation": organisation.pk if organisation else None}
    if old == new:
        return False
    with transaction.atomic():
        account.role = role
        account.organisation = organisation
        account.save(update_fields=["role", "organisation"])
        audit_record(
            action="member.change",
            obj=account,
            summary=f"{account.email}: role {old['role']} → {role}, organisation "
            f"{old['organisation']} → {new['organisation']}",
            actor=actor,
            address=address,
            details={"old": old, "new": new},
        )
    return True


def member_set_active(
    *, actor: User, account: User, active: bool, address: str | None = None
) -> None:
    """Deactivate (the person can no longer log in; their records stay) or reactivate."""
    _require(
        permissions.can_change_account(actor, account),
        _("You cannot change this account."),
    )
    if account.is_active == active:
        return
    with transaction.atomic():
        account.is_active = active
        account.save(update_fields=["is_active"])
        if not active:
            account.tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(
            action="member.reactivate" if active else "member.deactivate",
            obj=account,
            summary=f"{account.email} {'reactivated' if active else 'deactivated'}",
            actor=actor,
            address=address,
        )
