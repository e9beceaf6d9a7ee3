"""Helpers shared by the parsers: problem collection, number/year checks, row assembly."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .types import ParsedRow, ParseResult, Problem

MAX_PROBLEMS = 1000
MIN_YEAR = 1900
MAX_YEAR = 2100

#: codes meaning "total" or "not applicable": left out of the disaggregation
TOTAL_CODES = frozenset({"", "_T", "_Z"})
#: dimensions that never become part of the disaggregation
NOT_DISAGGREGATION = frozenset(
    {"FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "TIME_PERIOD", "UNIT_MEASURE"}
)
#: the attributes of the global SDG data structure (SDG_DSD 1.8); never dimensions
SDG_ATTRIBUTES = frozenset(
    {
        "OBS_STATUS",
        "UNIT_MULT",
        "UNIT_MEASURE",
        "NATURE",
        "COMMENT_OBS",
        "TIME_COVERAGE",
        "UPPER_BOUND",
        "LOWER_BOUND",
        "BASE_PER",
        "TIME_DETAIL",
        "SOURCE_DETAIL",
        "COMMENT_TS",
        "GEO_INFO_URL",
        "GEO_INFO_TYPE",
        "CUST_BREAKDOWN_LB",
        "DATA_LAST_UPDATE",
    }
)

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_YEAR = re.compile(r"\d{4}(?:\.0*)?")
_BLANK_VALUES = frozenset({"", "nan", "NaN", "NAN"})


def _interpolate(message: Any, params: Mapping[str, Any]) -> str:
    return str(message) % dict(params)


_lazy_interpolate = lazy(_interpolate, str)


def msg(message: Any, **params: Any) -> Any:
    """Interpolate ``params`` into a lazy message when it is rendered, not now."""
    if not params:
        return message
    return _lazy_interpolate(message, params)


class TooManyRows(Exception):
    """Raised inside a parser to stop reading once ``max_rows`` is exceeded."""


class Collector:
    """Collects rows and problems for one file: caps problems, finds duplicates, counts rows."""

    def __init__(self, file: str, fmt: str, max_rows: int) -> None:
        self.file = file
        self.fmt = fmt
        self.max_rows = max_rows
        self.rows: list[ParsedRow] = []
        self.problems: list[Problem] = []
        self.extra_problems = 0
        self.skipped_blank = 0
        self.seen_rows = 0
        self.encoding = ""
        self.notes: list[Any] = []
        self._keys: dict[tuple[Any, ...], int] = {}

    def fork(self) -> Collector:
        """An empty collector for the same file: read into it, then adopt it or drop it."""
        return Collector(self.file, self.fmt, self.max_rows)

    def adopt(self, other: Collector) -> None:
        """Take everything ``other`` collected, in place of what this one holds."""
        self.rows, self.problems, self.extra_problems = (
            other.rows,
            other.problems,
            other.extra_problems,
        )
        self.skipped_blank, self.seen_rows = other.skipped_blank, other.seen_rows
        self.encoding, self.notes, self._keys = other.encoding, other.notes, other._keys

    def problem(self, row: int | None, column: str, value: object, reason: Any) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.extra_problems += 1
            return
        text = "" if value is None else str(value)
        if len(text) > 200:
            text = text[:197] + "..."
        self.problems.append(Problem(self.file, row, column, text, reason))

    def count_row(self, row: int) -> None:
        """Count one data row (blank or not); refuse the file past ``max_rows``."""
        self.seen_rows += 1
        if self.seen_rows > self.max_rows:
            self.problem(
                row,
                "",
                "",
                msg(
                    _("The file has more than %(max)s rows; split it into smaller files."),
                    max=self.max_rows,
                ),
            )
            raise TooManyRows

    def add(self, parsed: ParsedRow) -> None:
        key = (
            parsed.indicator,
            parsed.series_code,
            parsed.area,
            parsed.disaggregation,
            parsed.year,
            parsed.unit,
        )
        first = self._keys.get(key)
        if first is not None:
            self.problem(
                parsed.row,
                "",
                describe_key(parsed),
                msg(
                    _("Rows %(first)s and %(second)s give a value for the same observation."),
                    first=first,
                    second=parsed.row,
                ),
            )
            return
        self._keys[key] = parsed.row
        self.rows.append(parsed)

    def result(self) -> ParseResult:
        problems = list(self.problems)
        if self.extra_problems:
            problems.append(
                Problem(
                    self.file,
                    None,
                    "",
                    "",
                    msg(_("... and %(count)s more problems."), count=self.extra_problems),
                )
            )
        if not problems and not self.rows:
            problems.append(
                Problem(self.file, None, "", "", _("The file contains no observations."))
            )
        return ParseResult(
            rows=self.rows,
            problems=problems,
            format=self.fmt,
            skipped_blank=self.skipped_blank,
            encoding=self.encoding,
            notes=self.notes,
        )


def describe_key(parsed: ParsedRow) -> str:
    parts = [parsed.indicator or parsed.series_code]
    if parsed.area:
        parts.append(parsed.area)
    parts.extend(f"{dim}={code}" for dim, code in parsed.disaggregation)
    parts.append(str(parsed.year))
    if parsed.unit:
        parts.append(parsed.unit)
    return " ".join(parts)


def is_blank_value(raw: object) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float):
        return math.isnan(raw)
    return isinstance(raw, str) and raw.strip() in _BLANK_VALUES


def parse_number(raw: object, *, decimal_comma: bool = False) -> float | None:
    """A finite float from a cell, or None when it is not a plain number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if decimal_comma and _DECIMAL_COMMA.fullmatch(text):
            text = text.replace(",", ".")
        if not _NUMBER.fullmatch(text):
            return None
        number = float(text)
    else:
        return None
    return number if math.isfinite(number) else None


def parse_year(raw: object) -> int | None:
    """An integer year from 1900 to 2100, or None."""
    year: int | None = None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        year = raw
    elif isinstance(raw, float) and raw.is_integer():
        year = int(raw)
    elif isinstance(raw, str) and _YEAR.fullmatch(raw.strip()):
        year = int(raw.strip().split(".")[0])
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return year


def cell_text(raw: object) -> str:
    """Text of a cell: numbers stored by spreadsheets as 417.0 become "417"."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def disaggregation(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Sorted (dimension, code) pairs without totals and without key/unit dimensions."""
    return tuple(
        sorted(
            (dim, code)
            for dim, code in pairs
            if code not in TOTAL_CODES and dim not in NOT_DISAGGREGATION
        )
    )


def check_value(
    col: Collector,
    row: int,
    column: str,
    raw: object,
    *,
    decimal_comma: bool = False,
) -> float | None:
    number = parse_number(raw, decimal_comma=decimal_comma)
    if number is None:
        col.problem(row, column, raw, _("The value is not a number."))
    return number


def check_year(col: Collector, row: int, column: str, raw: object) -> int | None:
    year = parse_year(raw)
    if year is None:
        col.problem(
            row,
            column,
            raw,
            msg(
                _("The year must be a whole year from %(min)s to %(max)s."),
                min=MIN_YEAR,
                max=MAX_YEAR,
            ),
        )
    return year
