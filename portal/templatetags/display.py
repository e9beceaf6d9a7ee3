"""Display filters: `{{ value|num }}` (rounded, localised) and `{{ value|num_exact }}`."""

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
