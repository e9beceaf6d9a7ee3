"""Writes of the secretariat on organisations and member countries: create and edit
organisations, deactivate them (never deleted while accounts or records point at them), and a
country's membership of the working group with its dates. Each change is audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.models import Agency, Country, Organisation, User
from portal.secretariat import permissions
from portal.services import audit_record

NATIONAL_KINDS = (Organisation.Kind.NSO, Organisation.Kind.MINISTRY)
COUNTRY_ROLES = (User.Role.COUNTRY_FOCAL_POINT, User.Role.COUNTRY_MEMBER)


def _require(actor: User) -> None:
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied(_("Only the secretariat can manage organisations."))


def _name_error(name: str, existing: Organisation | None) -> str | None:
    if not name:
        return _("Give the organisation's name.")
    if len(name) > 200:
        return _("The name has %(n)s characters; at most 200.") % {"n": len(name)}
    clash = Organisation.objects.filter(name__iexact=name)
    if existing is not None:
        clash = clash.exclude(pk=existing.pk)
    if clash.exists():
        return _("An organisation named %(name)s exists already.") % {"name": name}
    return None


def _link_errors(kind: str, country: Country | None, agency: Agency | None) -> dict[str, str]:
    """A national organisation names its country, an agency's its agency, the secretariat
    neither."""
    if kind not in Organisation.Kind.values:
        return {"kind": _("Unknown kind “%(kind)s”.") % {"kind": kind}}
    errors: dict[str, str] = {}
    if kind in NATIONAL_KINDS:
        if country is None:
            errors["country"] = _("A national organisation needs its country.")
        if agency is not None:
            errors["agency"] = _("A national organisation is not an agency's.")
    elif kind == Organisation.Kind.AGENCY:
        if agency is None:
            errors["agency"] = _("An agency's organisation needs the agency.")
        if country is not None:
            errors["country"] = _("An agency's organisation has no country.")
    elif country is not None or agency is not None:
        errors["kind"] = _("The secretariat is linked to no country and no agency.")
    return errors


def _move_errors(
    existing: Organisation, country: Country | None, agency: Agency | None
) -> dict[str, str]:
    """Accounts follow their organisation: it does not change country or agency under them."""
    errors: dict[str, str] = {}
    members = existing.users.filter(role__in=COUNTRY_ROLES)
    if existing.country_id != (country.pk if country else None) and members.exists():
        errors["country"] = _(
            "%(n)s country accounts belong to this organisation: change their organisation "
            "before moving it to another country."
        ) % {"n": members.count()}
    agency_members = existing.users.filter(role=User.Role.AGENCY_FOCAL_POINT)
    if existing.agency_id != (agency.pk if agency else None) and agency_members.exists():
        errors["agency"] = _(
            "%(n)s agency focal points belong to this organisation: change their "
            "organisation first."
        ) % {"n": agency_members.count()}
    return errors


def _check(
    *,
    name: str,
    kind: str,
    country: Country | None,
    agency: Agency | None,
    existing: Organisation | None = None,
) -> dict[str, Any]:
    """The organisation's fields, checked: every error names its field."""
    name = " ".join(name.split())
    errors = _link_errors(kind, country, agency)
    name_error = _name_error(name, existing)
    if name_error:
        errors["name"] = name_error
    if existing is not None and not errors:
        errors = _move_errors(existing, country, agency)
    if errors:
        raise ValidationError(errors)
    return {"name": name, "kind": kind, "country": country, "agency": agency}


def organisation_create(
    *,
    actor: User,
    name: str,
    kind: str,
    country: Country | None = None,
    agency: Agency | None = None,
    address: str | None = None,
) -> Organisation:
    _require(actor)
    values = _check(name=name, kind=kind, country=country, agency=agency)
    with transaction.atomic():
        organisation = Organisation.objects.create(**values)
        audit_record(
            action="organisation.create",
            obj=organisation,
            summary=f"organisation {organisation.name} ({kind}) created",
            actor=actor,
            address=address,
            details={
                "kind": kind,
                "country": country.iso3 if country else None,
                "agency": agency.code if agency else None,
            },
        )
    return organisation


def _plain(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country.iso3 if organisation.country else None,
        "agency": organisation.agency.code if organisation.agency else None,
    }


def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    kind: str,
    country: Country | None = None,
    agency: Agency | None = None,
    address: str | None = None,
) -> bool:
    """Change an organisation's name, kind or link; False when nothing changed. Moving an
    organisation with country accounts to another country is refused (their data would
    follow)."""
    _require(actor)
    values = _check(name=name, kind=kind, country=country, agency=agency, existing=organisation)
    old = _plain(organisation)
    with transaction.atomic():
        for field, value in values.items():
            setattr(organisation, field, value)
        new = _plain(organisation)
        if old == new:
            return False
        organisation.save(update_fields=[*values, "updated_at"])
        audit_record(
            action="organisation.change",
            obj=organisation,
            summary=f"organisation {organisation.name}: "
            + ", ".join(f"{k} {old[k]} → {new[k]}" for k in old if old[k] != new[k]),
            actor=actor,
            address=address,
            details={"old": old, "new": new},
        )
    return True


def organisation_set_active(
    *, actor: User, organisation: Organisation, active: bool, address: str | None = None
) -> bool:
    """Deactivate (accounts and records keep it; no new invitations or role changes to it)
    or reactivate an organisation. Organisations are never deleted here."""
    _require(actor)
    if organisation.is_active == active:
        return False
    with transaction.atomic():
        organisation.is_active = active
        organisation.save(update_fields=["is_active", "updated_at"])
        audit_record(
            action="organisation.reactivate" if active else "organisation.deactivate",
            obj=organisation,
            summary=f"organisation {organisation.name} "
            f"{'reactivated' if active else 'deactivated'}",
            actor=actor,
            address=address,
            details={"accounts": organisation.users.count()},
        )
    return True


def country_membership_update(
    *,
    actor: User,
    country: Country,
    is_member: bool,
    member_since: datetime.date | None,
    member_until: datetime.date | None,
    today: datetime.date,
    address: str | None = None,
) -> bool:
    """Record whether a country takes part in the working group and since/until when;
    False when nothing changed. A country that left (a past leaving date) is not a member."""
    _require(actor)
    errors: dict[str, str] = {}
    if member_since and member_until and member_until < member_since:
        errors["member_until"] = _(
            "The leaving date (%(until)s) is before the joining date (%(since)s)."
        ) % {
            "until": date_format(member_until, "DATE_FORMAT"),
            "since": date_format(member_since, "DATE_FORMAT"),
        }
    elif is_member and member_until is not None and member_until < today:
        errors["member_until"] = _(
            "The country left on %(until)s: untick “member” or clear the leaving date."
        ) % {"until": date_format(member_until, "DATE_FORMAT")}
    elif is_member and member_since is not None and member_since > today:
        errors["member_since"] = _(
            "The country joins on %(since)s: tick “member” from that day."
        ) % {"since": date_format(member_since, "DATE_FORMAT")}
    if errors:
        raise ValidationError(errors)
    old = {
        "is_member": country.is_member,
        "member_since": country.member_since.isoformat() if country.member_since else None,
        "member_until": country.member_until.isoformat() if country.member_until else None,
    }
    new = {
        "is_member": is_member,
        "member_since": member_since.isoformat() if member_since else None,
        "member_until": member_until.isoformat() if member_until else None,
    }
    if old == new:
        return False
    with transaction.atomic():
        country.is_member = is_member
        country.member_since = member_since
        country.member_until = member_until
        country.save(update_fields=["is_member", "member_since", "member_until"])
        audit_record(
            action="country.membership",
            obj=country,
            summary=f"{country.iso3}: member {old['is_member']} → {is_member}, "
            f"since {new['member_since'] or '-'}, until {new['member_until'] or '-'}",
            actor=actor,
            address=address,
            details={"old": old, "new": new},
        )
    return True
