"""Cells of every CSV and Excel export, safe from formula injection.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``, ``=cmd|...``,
DDE). Following OWASP, such text is prefixed with a single quote, which the spreadsheet shows
as text. Numbers stay numbers: an int, float or Decimal is never touched, and neither is
text that is a plain number such as ``-3.5`` or ``+1e3`` (CSV values are text).

Every ``csv.writer`` and every openpyxl row of the apps goes through ``safe_row`` (or
``SafeWriter``); the tests of each export plant a formula and check it arrives neutralised.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def starts_like_a_formula(text: str) -> bool:
    """True for text a spreadsheet would run as a formula (a plain number is not)."""
    return text.startswith(FORMULA_STARTS) and _PLAIN_NUMBER.fullmatch(text) is None


def safe_cell(value: Any) -> Any:
    """The value, with a quote before text that would start a formula."""
    if isinstance(value, str) and starts_like_a_formula(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeWriter:
    """``csv.writer`` whose rows are neutralised cell by cell."""

    def __init__(self, handle: IO[str] | Any, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
