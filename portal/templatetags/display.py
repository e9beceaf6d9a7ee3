"""Display filters: `{{ value|num }}` (rounded, localised), `{{ value|num_exact }}`, and a
country's or agency's name from its code (`country_name`, `agency_acronym`)."""

from __future__ import annotations

from django import template

from portal import display

register = template.Library()


@register.filter
def num(value: object, significant: int = 4) -> str:
    return display.number(value, int(significant))


@register.filter
def num_exact(value: object) -> str:
    return display.exact(value)


@register.filter
def country_name(iso3: object) -> str:
    """A country's name in the active language from its ISO 3166 alpha-3 code (a filter's
    value in a query string); the code itself when no country has it."""
    from portal.models import Country

    country = Country.objects.filter(iso3=str(iso3).upper()).first()
    return country.name if country else str(iso3)


@register.filter
def agency_acronym(code: object) -> str:
    """An agency's acronym in the active language from its code; the code when unknown."""
    from portal.models import Agency

    agency = Agency.objects.filter(code=str(code)).first()
    return agency.acronym if agency else str(code)
