"""Writes of the secretariat on a country's area codes (code -> subnational area)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import AreaCodeMapping
from portal.models import Country, SubnationalArea, User
from portal.secretariat import permissions
from portal.secretariat.services._common import _require
from portal.services import audit_record

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
