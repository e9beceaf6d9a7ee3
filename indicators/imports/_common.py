"""Helpers shared by the parsers: problem collection, number/year checks, row assembly."""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .types import ParsedRow, ParseResult, Problem

MAX_PROBLEMS = 20_000
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
#: no value: an empty cell, NaN (pandas, Open SDG) or ".." (the UN's "not available")
_BLANK_VALUES = frozenset({"", "nan", "NaN", "NAN", "..", "\u2026"})
#: thousands separated by a space, a no-break space, an apostrophe, or repeated , or .
_THOUSANDS = re.compile(
    r"[+-]?\d{1,3}(?:[ \u00a0\u202f']\d{3})+(?:[.,]\d+)?|[+-]?\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?"
    r"|[+-]?\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?"
)
#: a number with a flag or sign beside it: <5, >95, 12.3e, 12.3 (p), 45*
_FLAGGED = re.compile(r"[<>\u2264\u2265~]\s*[\d.,]+|[\d.,]*\d\s*\(?[A-Za-z*]{1,3}\)?")
#: a survey period over two years: 2014-15, 2014/15, 2014/2015, 2014-2015
_SURVEY = re.compile(r"(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})")
#: a part of a year: 2000 Q1, 2000-Q1, 2000Q1, 2000-S2, 2000-M01, 2000 M1
_PART = re.compile(r"(\d{4})\s*-?\s*([QSM])\s*0?(\d{1,2})", re.IGNORECASE)
#: parts of a year: letter -> how many make the whole year
PARTS_IN_YEAR = {"Q": 4, "S": 2, "M": 12}


def _interpolate(message: Any, params: Mapping[str, Any]) -> str:
    return str(message) % dict(params)


_lazy_interpolate = lazy(_interpolate, str)


def msg(message: Any, **params: Any) -> Any:
    """Interpolate ``params`` into a lazy message when it is rendered, not now."""
    if not params:
        return message
    return _lazy_interpolate(message, params)


@dataclass(frozen=True, slots=True)
class Period:
    """A time period as published and the reference year the engine uses for it."""

    year: int
    published: str = ""  # "" for a plain year
    part: tuple[str, int] | None = None  # ("Q", 1) for a quarter, ("M", 12) for December


def _survey(start: int, end_text: str) -> int | None:
    """The ending year of a survey period, or None when the end is not 1-5 years after the start."""
    end = int(end_text)
    if len(end_text) == 2:
        end += start - start % 100
        if end <= start:
            end += 100
    return end if 1 <= end - start <= 5 else None


def parse_period(raw: object, *, sdmx: bool = False) -> Period | None:
    """A year, a survey period, a half-year, a quarter or a month, else None.

    The rule (docs/methodology.md): a survey period (2014-15, 2014/2015) counts for its ending
    year; a half-year, quarter or month (2000-S1, 2000-Q1, 2000 Q1, 2000-M01) for its year, but
    only once every part of that year is given (see `Collector.result`). ``YYYY-MM`` is a month
    in SDMX (its time format); in a CSV it is a survey period when MM is the next year
    (2011-12), else a month (2011-03).
    """
    year = parse_year(raw)
    if year is not None:
        return Period(year)
    text = cell_text(raw)
    part = _PART.fullmatch(text)
    if part:
        letter, number = part.group(2).upper(), int(part.group(3))
        start = int(part.group(1))
        if 1 <= number <= PARTS_IN_YEAR[letter] and MIN_YEAR <= start <= MAX_YEAR:
            return Period(start, text, (letter, number))
        return None
    survey = _SURVEY.fullmatch(text)
    if not survey:
        return None
    start, end_text = int(survey.group(1)), survey.group(2)
    month = int(end_text) if len(end_text) == 2 and "-" in text else 0
    is_next_year = _survey(start, end_text) == start + 1
    if 1 <= month <= 12 and (sdmx or not is_next_year):
        return Period(start, text, ("M", month)) if MIN_YEAR <= start <= MAX_YEAR else None
    end = _survey(start, end_text)
    if end is None or not MIN_YEAR <= end <= MAX_YEAR:
        return None
    return Period(end, text)


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
        self.not_used: dict[str, int] = {}
        self._keys: dict[tuple[Any, ...], ParsedRow] = {}
        self._parts: dict[tuple[Any, ...], dict[int, ParsedRow]] = {}

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
        self.not_used = other.not_used
        self._parts = other._parts

    def problem(
        self,
        row: int | None,
        column: str,
        value: object,
        reason: Any,
        *,
        where: str = "",
        kind: str = "",
        subject: ParsedRow | None = None,
    ) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.extra_problems += 1
            return
        text = "" if value is None else str(value)
        if len(text) > 200:
            text = text[:197] + "..."
        self.problems.append(Problem(self.file, row, column, text, reason, where, kind, subject))

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

    def add(self, parsed: ParsedRow, part: tuple[str, int] | None = None) -> None:
        """Keep one observation; a part of a year (``("Q", 1)``) waits for the rest of its year.

        Two values for one series and reference year are refused with both values shown,
        unless an attribute that makes them distinct differs (unit, series code).
        """
        key = (
            parsed.indicator,
            parsed.series_code,
            parsed.area,
            parsed.disaggregation,
            parsed.year,
            parsed.unit,
            parsed.reporting_type,
        )
        if part is not None:
            parts = self._parts.setdefault((*key, part[0]), {})
            if part[1] in parts:
                self._duplicate(parts[part[1]], parsed)
                return
            parts[part[1]] = parsed
            return
        first = self._keys.get(key)
        if first is not None:
            self._duplicate(first, parsed)
            return
        self._keys[key] = parsed
        self.rows.append(parsed)

    def _duplicate(self, first: ParsedRow, second: ParsedRow) -> None:
        values = {"value1": plain(first.value), "value2": plain(second.value)}
        if second.where:
            reason = msg(
                _("%(where)s is given twice, with %(value1)s and %(value2)s."),
                where=second.where,
                **values,
            )
        else:
            reason = msg(
                _(
                    "Rows %(first)s and %(second)s give two values for the same observation: "
                    "%(value1)s and %(value2)s."
                ),
                first=first.row,
                second=second.row,
                **values,
            )
        self.problem(
            second.row,
            "",
            describe_key(second),
            reason,
            where=second.where,
            kind="duplicate",
            subject=second,
        )

    def _whole_years(self) -> None:
        """Each year given by all its quarters (months, halves) becomes one annual value.

        The annual value is the mean of the parts (right for the rates and ratios that SDG
        indicators are); a year with a part missing, or also given as a whole year, is listed
        in ``not_used`` and not stored.
        """
        for key, parts in self._parts.items():
            letter = key[-1]
            annual = self._keys.get(key[:-1])
            ordered = [parts[n] for n in sorted(parts)]
            first, last = ordered[0], ordered[-1]
            label = f"{describe_key(first)} {first.period}..{last.period}"
            if annual is not None or len(parts) < PARTS_IN_YEAR[letter]:
                self.not_used[label] = len(parts)
                continue
            mean = math.fsum(row.value for row in ordered) / len(ordered)
            whole = replace(first, value=mean, period=f"{first.period}..{last.period}"[:30])
            self._keys[key[:-1]] = whole
            self.rows.append(whole)

    def result(self) -> ParseResult:
        self._whole_years()
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
            not_used=self.not_used,
        )


def plain(number: float) -> str:
    """12.0 as 12, 12.5 as 12.5: a value as the file wrote it."""
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def describe_key(parsed: ParsedRow) -> str:
    parts = [parsed.indicator or parsed.series_code]
    if parsed.area:
        parts.append(parsed.area)
    parts.extend(f"{dim}={code}" for dim, code in parsed.disaggregation)
    parts.append(str(parsed.year))
    if parsed.unit:
        parts.append(parsed.unit)
    return " ".join(parts)


def sdmx_where(key: Mapping[str, str], period: str) -> str:
    """An SDMX observation as a focal point finds it: series, area, breakdown and period."""
    parts = [key.get("SERIES", ""), key.get("REF_AREA", "")]
    parts.extend(f"{dim}={code}" for dim, code in disaggregation(key.items()))
    parts.append(period)
    return " ".join(part for part in parts if part)


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
    """The number in a value cell, or None with a problem saying why it is not one.

    One rule for every file (README.md): a plain number with a decimal point; a decimal
    comma only in a `;`-delimited CSV; no thousands separators; flags and signs (<5, 12.3e)
    belong in an attribute column, not in the value.
    """
    number = parse_number(raw, decimal_comma=decimal_comma)
    if number is None:
        text = cell_text(raw)
        if _THOUSANDS.fullmatch(text):
            reason = _("The value has thousands separators: write it without them (1234567.5).")
        elif _FLAGGED.fullmatch(text):
            reason = _(
                "The value carries a flag or sign: write only the number and put the flag "
                "in an attribute column (OBS_STATUS or COMMENT)."
            )
        else:
            reason = _("The value is not a number.")
        col.problem(row, column, raw, reason)
    return number


def check_period(
    col: Collector, row: int, column: str, raw: object, *, sdmx: bool = False, where: str = ""
) -> Period | None:
    period = parse_period(raw, sdmx=sdmx)
    if period is None:
        col.problem(
            row,
            column,
            raw,
            msg(
                _(
                    "The time period must be a year from %(min)s to %(max)s (2015), a survey "
                    "period (2014-15), a quarter (2015-Q1) or a month (2015-M01)."
                ),
                min=MIN_YEAR,
                max=MAX_YEAR,
            ),
            where=where,
        )
    return period


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


#: The XML declaration at the start of a document (after a UTF-8 byte-order mark), in an
#: ASCII-compatible encoding; a UTF-16 document (with its byte-order mark) is read by expat.
_XML_DECLARATION = re.compile(
    rb"\A(?:\xef\xbb\xbf)?<\?xml\s[^>]{0,200}?encoding\s*=\s*[\"']([^\"'>]{0,60})[\"']"
)
#: The encodings expat reads itself; any other goes through Python's codecs, one byte a character.
_EXPAT_ENCODINGS = frozenset({"utf8", "utf16", "utf16be", "utf16le", "iso88591", "usascii"})


def declared_xml_encoding(data: bytes) -> str:
    """The encoding an XML document's declaration names ("" when it names none)."""
    match = _XML_DECLARATION.match(data[:300])
    return match.group(1).decode("ascii", "replace").strip() if match else ""


def xml_encoding_problem(data: bytes) -> Any | None:
    """Why an XML reader (expat, directly or through defusedxml) cannot read the encoding this
    document's declaration names, as a problem's reason; None when it can.

    expat reads UTF-8, UTF-16, ISO-8859-1 and US-ASCII itself and other encodings only when
    Python knows them and they give one character a byte; a name Python does not know
    (LookupError) or a multi-byte encoding such as Shift-JIS (ValueError) would otherwise stop
    the reader with an exception. Every XML reader checks this before parsing."""
    name = declared_xml_encoding(data)
    if not name or re.sub(r"[^a-z0-9]", "", name.lower()) in _EXPAT_ENCODINGS:
        return None
    try:
        codecs.lookup(name)
        # pyexpat's own test: the 256 byte values decode to 256 characters
        one_byte = len(bytes(range(256)).decode(name, "replace")) == 256
    except (LookupError, ValueError, UnicodeError):
        one_byte = False
    return None if one_byte else xml_encoding_reason()


def xml_encoding_reason() -> Any:
    """The reason given for an XML document whose encoding cannot be read."""
    return _("The file's character encoding is not supported: save it as UTF-8.")
