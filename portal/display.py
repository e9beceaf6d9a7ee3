"""How values are shown to people: numbers in the active language's format, rounded for reading.

Display only: exports and the engine keep the stored values untouched.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats

# Spanish (like the SI) leaves four-digit numbers ungrouped ("2015", "1500") and groups from
# five digits ("12 500"); English readers get the same rule, so years never get a separator.
GROUPING_FROM = 10_000
MAX_DECIMALS = 4
EMPTY = "–"


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def rounded(
    value: object, significant: int = 4, max_decimals: int = MAX_DECIMALS
) -> Decimal | None:
    """The value with `significant` significant digits (never more than `max_decimals`
    decimals, never fewer than its integer digits), trailing zeros dropped; None if not a number."""
    number = _decimal(value)
    if number is None:
        return None
    if number == 0:
        return Decimal(0)
    magnitude = math.floor(math.log10(abs(float(number))))
    decimals = min(max(significant - 1 - magnitude, 0), max_decimals)
    quantum = Decimal(1).scaleb(-decimals)
    try:
        result = number.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than a Decimal context holds: nothing to round
        return number
    if result == result.to_integral_value():
        return result.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return result.normalize()


def number(value: object, significant: int = 4, max_decimals: int = MAX_DECIMALS) -> str:
    """A number for reading: rounded (see `rounded`) and in the active language's format
    (decimal comma and non-breaking-space thousands in Spanish); "–" when there is none."""
    result = rounded(value, significant, max_decimals)
    if result is None:
        return EMPTY if value is None or value == "" else str(value)
    return formats.number_format(result, force_grouping=abs(result) >= GROUPING_FROM)


def exact(value: object) -> str:
    """A number as stored, every digit kept, in the active language's format (history, diffs)."""
    result = _decimal(value)
    if result is None:
        return EMPTY if value is None or value == "" else str(value)
    result = Decimal(format(result.normalize(), "f"))  # no exponent, no trailing zeros
    return formats.number_format(result, force_grouping=abs(result) >= GROUPING_FROM)
