"""Writes of the secretariat: invitations and accounts, reporting rounds and reminders,
indicator definitions and programme activities. Each change is audited in its transaction."""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators.models import AreaCodeMapping, DataSheet, EngineRun, Indicator, ReportingRound
from meetings.models import Activity
from portal.authentication import hash_key
from portal.models import Country, Organisation, SubnationalArea, User
from portal.secretariat import permissions
from portal.secretariat.models import IndicatorChange, Invitation, RoundIndicator, RoundReminder
from portal.services import audit_record

logger = logging.getLogger(__name__)

INVITATION_VALIDITY = datetime.timedelta(days=14)
REMIND_DAYS_BEFORE = 7
REMIND_LATE_EVERY_DAYS = 7

COUNTRY_ROLES = (User.Role.COUNTRY_FOCAL_POINT, User.Role.COUNTRY_MEMBER)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


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
                    "expires": invitation.expires_at.strftime("%Y-%m-%d %H:%M"),
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


# --- reporting rounds ----------------------------------------------------------------------


def round_open(
    *,
    actor: User,
    code: str,
    name_en: str,
    name_es: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    indicators: Iterable[Indicator] = (),
    address: str | None = None,
) -> ReportingRound:
    """Open a round for submissions with its deadline and the indicators it asks for
    (none: every indicator)."""
    _require(permissions.can_manage_rounds(actor), _("Only the secretariat can open rounds."))
    code = code.strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("Give the round a code.")
    elif ReportingRound.objects.filter(code__iexact=code).exists():
        errors["code"] = _("A round with the code %(code)s exists already.") % {"code": code}
    if not name_en.strip():
        errors["name_en"] = _("Give the round an English name.")
    if closes_on < opens_on:
        errors["closes_on"] = _("The deadline (%(closes)s) is before the opening (%(opens)s).") % {
            "closes": closes_on.isoformat(),
            "opens": opens_on.isoformat(),
        }
    if errors:
        raise ValidationError(errors)
    indicators = list(indicators)
    with transaction.atomic():
        round_ = ReportingRound.objects.create(
            code=code,
            name_en=name_en.strip(),
            name_es=name_es.strip() or name_en.strip(),
            opens_on=opens_on,
            closes_on=closes_on,
            is_open=True,
        )
        RoundIndicator.objects.bulk_create(
            [RoundIndicator(round=round_, indicator=indicator) for indicator in indicators]
        )
        audit_record(
            action="round.open",
            obj=round_,
            summary=f"round {code} opened, deadline {closes_on.isoformat()}",
            actor=actor,
            address=address,
            details={
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
                "indicators": sorted(indicator.code for indicator in indicators),
            },
        )
    return round_


def round_set_open(
    *, actor: User, round_: ReportingRound, is_open: bool, address: str | None = None
) -> bool:
    """Close a round (no new sheets or submissions) or open it again; False when unchanged."""
    _require(permissions.can_manage_rounds(actor), _("Only the secretariat can close rounds."))
    if round_.is_open == is_open:
        return False
    with transaction.atomic():
        round_.is_open = is_open
        round_.save(update_fields=["is_open", "updated_at"])
        audit_record(
            action="round.reopen" if is_open else "round.close",
            obj=round_,
            summary=f"round {round_.code} {'reopened' if is_open else 'closed'}",
            actor=actor,
            address=address,
        )
    return True


def round_set_deadline(
    *,
    actor: User,
    round_: ReportingRound,
    closes_on: datetime.date | None,
    address: str | None = None,
) -> bool:
    """Move a round's deadline (not before its opening); False when unchanged."""
    _require(permissions.can_manage_rounds(actor), _("Only the secretariat can change deadlines."))
    if closes_on is None:
        raise ValidationError({"closes_on": _("Give the new deadline.")})
    if closes_on < round_.opens_on:
        raise ValidationError(
            {
                "closes_on": _("The deadline (%(closes)s) is before the opening (%(opens)s).")
                % {"closes": closes_on.isoformat(), "opens": round_.opens_on.isoformat()}
            }
        )
    old = round_.closes_on
    if old == closes_on:
        return False
    with transaction.atomic():
        round_.closes_on = closes_on
        round_.save(update_fields=["closes_on", "updated_at"])
        audit_record(
            action="round.deadline",
            obj=round_,
            summary=f"round {round_.code}: deadline {old.isoformat()} → {closes_on.isoformat()}",
            actor=actor,
            address=address,
            details={"old": old.isoformat(), "new": closes_on.isoformat()},
        )
    return True


DELIVERED = (DataSheet.Status.SUBMITTED, DataSheet.Status.ACCEPTED)


def _countries_owing(round_: ReportingRound) -> list[Country]:
    """Member countries with nothing submitted or accepted in the round."""
    delivered = DataSheet.objects.filter(round=round_).filter(
        Q(status__in=DELIVERED) | Q(is_current=True)
    )
    from portal.secretariat.selectors import members_during

    return list(
        Country.objects.filter(is_member=True)
        .filter(members_during(round_.opens_on, round_.closes_on))
        .exclude(pk__in=delivered.values("country_id"))
    )


def _reminder_due(
    round_: ReportingRound, country: Country, today: datetime.date
) -> RoundReminder.Kind | None:
    days_left = (round_.closes_on - today).days
    sent = RoundReminder.objects.filter(round=round_, country=country)
    if 0 <= days_left <= REMIND_DAYS_BEFORE:
        if not sent.filter(kind=RoundReminder.Kind.BEFORE).exists():
            return RoundReminder.Kind.BEFORE
        return None
    if days_left < 0:
        since = today - datetime.timedelta(days=REMIND_LATE_EVERY_DAYS)
        if not sent.filter(kind=RoundReminder.Kind.LATE, sent_on__gt=since).exists():
            return RoundReminder.Kind.LATE
    return None


def _reminder_send(
    round_: ReportingRound, country: Country, kind: str, today: datetime.date
) -> int:
    focal_points = User.objects.filter(
        role=User.Role.COUNTRY_FOCAL_POINT, organisation__country=country, is_active=True
    )
    path = reverse("indicators:index")
    sent = 0
    for user in focal_points:
        with translation.override(user.language):
            if kind == RoundReminder.Kind.BEFORE:
                subject = _(
                    "Reminder: the data sheet of %(country)s for %(round)s is due on %(date)s"
                )
            else:
                subject = _("Late: the data sheet of %(country)s for %(round)s was due on %(date)s")
            subject = subject % {
                "country": country.name,
                "round": round_.name,
                "date": round_.closes_on.isoformat(),
            }
            body = "\n\n".join(
                [
                    subject + ".",
                    _("Nothing has been submitted for your country yet. Open the portal: %(url)s")
                    % {"url": _absolute(path)},
                ]
            )
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent


def round_reminders_send(*, today: datetime.date | None = None) -> int:
    """E-mail the focal points of member countries that have not submitted: once in the week
    before an open round's deadline, then every week after it. Returns the e-mails sent."""
    today = today or timezone.localdate()
    total = 0
    for round_ in ReportingRound.objects.filter(is_open=True, opens_on__lte=today):
        for country in _countries_owing(round_):
            kind = _reminder_due(round_, country, today)
            if kind is None:
                continue
            with transaction.atomic():
                reminder, created = RoundReminder.objects.get_or_create(
                    round=round_, country=country, kind=kind, sent_on=today
                )
                if not created:
                    continue
                reminder.recipients = _reminder_send(round_, country, kind, today)
                reminder.save(update_fields=["recipients"])
            total += reminder.recipients
    return total


# --- indicators ----------------------------------------------------------------------------

INDICATOR_FIELDS = (
    "target_kind",
    "target_value",
    "target_year",
    "cutoff",
    "desired_direction",
    "unit",
    "ratio_base_year",
    "ratio_target_year",
    "ratio_on_track",
    "ratio_acceleration",
)
ENGINE_FIELDS = {"target_kind", "target_value", "target_year", "cutoff", "desired_direction"}


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (int, float, str)) else str(value)


def indicator_update(
    *,
    actor: User,
    indicator: Indicator,
    values: Mapping[str, Any],
    reason: str = "",
    address: str | None = None,
) -> IndicatorChange | None:
    """Change an indicator's target, cut-off, direction or unit; keeps the history and queues
    an engine run for the indicator when what the engine reads changed. None: nothing changed."""
    _require(permissions.can_edit_indicators(actor), _("Only the secretariat can edit indicators."))
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be edited here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    changes = {
        field: [_plain(getattr(indicator, field)), _plain(value)]
        for field, value in values.items()
        if getattr(indicator, field) != value
    }
    if not changes:
        return None
    after = {field: values.get(field, getattr(indicator, field)) for field in INDICATOR_FIELDS}
    if after["target_kind"] != Indicator.TargetKind.NONE and after["target_value"] is None:
        raise ValidationError({"target_value": _("A target of this kind needs a target value.")})
    if after["target_year"] <= indicator.baseline_year:
        raise ValidationError(
            {
                "target_year": _("The target year must come after the baseline year (%(year)s).")
                % {"year": indicator.baseline_year}
            }
        )
    with transaction.atomic():
        locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
        for field in changes:
            setattr(locked, field, values[field])
        locked.full_clean()
        locked.save(update_fields=[*changes, "updated_at"])
        run = None
        if ENGINE_FIELDS & set(changes):
            from indicators.reports.services import engine_run_queue

            run = engine_run_queue(
                trigger=EngineRun.Trigger.MANUAL, user=actor, indicator_codes=[locked.code]
            )
        change = IndicatorChange.objects.create(
            indicator=locked,
            changed_by=actor,
            changes=changes,
            reason=reason.strip()[:300],
            engine_run=run,
        )
        audit_record(
            action="indicator.change",
            obj=locked,
            summary=f"indicator {locked.code}: "
            + ", ".join(f"{field} {old} → {new}" for field, (old, new) in changes.items()),
            actor=actor,
            address=address,
            details={"changes": changes, "engine_run": run.pk if run else None},
        )
    for field in changes:
        setattr(indicator, field, values[field])
    return change


# --- work programme ------------------------------------------------------------------------


def activity_update(
    *,
    actor: User,
    activity: Activity,
    status: str,
    progress_notes: str,
    address: str | None = None,
) -> bool:
    """Record an activity's status and progress notes; False when nothing changed."""
    _require(
        permissions.can_edit_activities(actor),
        _("Only the secretariat can edit the work programme."),
    )
    if status not in Activity.Status.values:
        raise ValidationError({"status": _("Unknown status “%(status)s”.") % {"status": status}})
    old = {"status": activity.status, "progress_notes": activity.progress_notes}
    new = {"status": status, "progress_notes": progress_notes.strip()}
    if old == new:
        return False
    with transaction.atomic():
        activity.status = new["status"]
        activity.progress_notes = new["progress_notes"]
        activity.save(update_fields=["status", "progress_notes", "updated_at"])
        audit_record(
            action="programme.activity_change",
            obj=activity,
            summary=f"activity {activity.code}: status {old['status']} → {status}",
            actor=actor,
            address=address,
            details={"old": old, "new": new},
        )
    return True


# --- area codes of a country -------------------------------------------------------------------


def area_code_add(
    *,
    actor: User,
    country: Country,
    code: str,
    area: SubnationalArea | None,
    address: str | None = None,
) -> AreaCodeMapping:
    """Map a code as the country's files write it ("1".."40") to one of its areas, or to the
    whole country when ``area`` is None."""
    _require(permissions.can_map_area_codes(actor), _("Only the secretariat can map area codes."))
    code = code.strip()
    if not code or len(code) > 20:
        raise ValidationError({"code": _("Give a code of 1 to 20 characters.")})
    if area is not None and area.country_id != country.pk:
        raise ValidationError({"area": _("Choose an area of %(country)s.") % {"country": country}})
    taken = AreaCodeMapping.objects.filter(country=country, code__iexact=code).first()
    if taken is not None or country.areas.filter(code__iexact=code).exists():
        raise ValidationError(
            {
                "code": _("%(code)s already means an area of %(country)s.")
                % {"code": code, "country": country}
            }
        )
    with transaction.atomic():
        mapping = AreaCodeMapping.objects.create(country=country, code=code, area=area)
        audit_record(
            action="area_code.added",
            obj=mapping,
            summary=f"{country.iso3} {code} -> {area.code if area else country.iso3}",
            actor=actor,
            address=address,
        )
    return mapping


def area_code_delete(*, actor: User, mapping: AreaCodeMapping, address: str | None = None) -> None:
    _require(permissions.can_map_area_codes(actor), _("Only the secretariat can map area codes."))
    with transaction.atomic():
        audit_record(
            action="area_code.deleted",
            obj=mapping,
            summary=f"{mapping.country.iso3} {mapping.code} deleted",
            actor=actor,
            address=address,
        )
        mapping.delete()
