"""The UN SDG Global Database / SDG API CSV (one row per value), as agencies publish it.

Read with the national CSV readers' rules (`csvfmt`): the same encodings and delimiters,
blank values, numbers and time periods (README.md, *One rule for years and numbers*).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from ._common import (
    Collector,
    TooManyRows,
    check_period,
    check_value,
    disaggregation,
    is_blank_value,
)
from .csvfmt import _counted, _records, decode
from .detect import sniff_delimiter
from .types import ParsedRow

#: UN SDG API dimension (bracketed column) -> (SDMX dimension, API code -> SDMX code; "" = total)
SDG_API_CODES = {
    "SEX": ("SEX", {"BOTHSEX": "", "FEMALE": "F", "MALE": "M"}),
    "LOCATION": ("URBANISATION", {"ALLAREA": "", "URBAN": "U", "RURAL": "R"}),
    "AGE": ("AGE", {"ALLAGE": ""}),
}
#: attribute columns, bracketed or not (compared in upper case, spaces as _) -> ParsedRow
#: field; "" = read and dropped, never a breakdown
SDG_API_ATTRIBUTES = {
    "UNITS": "unit",
    "UNIT": "unit",
    "UNIT_MEASURE": "unit",
    "NATURE": "nature",
    "SOURCE": "source",
    "FOOTNOTE": "footnote",
    "COMMENT": "footnote",
    "COMMENT_OBS": "footnote",
    "REPORTING_TYPE": "",
    "OBSERVATION_STATUS": "",
    "OBS_STATUS": "",
    "UNIT_MULTIPLIER": "",
    "UNIT_MULT": "",
}
#: required columns (compared without case) -> the column the problems name
SDG_REQUIRED = {
    "SERIESCODE": "SeriesCode",
    "GEOAREACODE": "GeoAreaCode",
    "TIMEPERIOD": "TimePeriod",
    "VALUE": "Value",
}


def _name(column: str) -> tuple[str, bool]:
    """(`Unit Multiplier` -> UNIT_MULTIPLIER, whether it was bracketed like `[Sex]`)."""
    name = column.lstrip("\ufeff").strip()
    bracketed = name.startswith("[") and name.endswith("]")
    bare = name[1:-1].strip() if bracketed else name
    return re.sub(r"[\s\-]+", "_", bare).upper(), bracketed


class Layout:
    """Where each column of an SDG API CSV goes."""

    def __init__(self, header: Sequence[str]) -> None:
        self.required: dict[str, int] = {}
        self.attributes: dict[int, str] = {}
        #: index -> dimension as written (Sex, Education level)
        self.dimensions: dict[int, str] = {}
        for i, column in enumerate(header):
            upper, bracketed = _name(column)
            bare = column.lstrip("\ufeff").strip().strip("[]").strip()
            if upper in SDG_REQUIRED and upper not in self.required:
                self.required[upper] = i
            elif upper in SDG_API_ATTRIBUTES:
                self.attributes[i] = SDG_API_ATTRIBUTES[upper]
            elif bracketed or upper in SDG_API_CODES:
                # The Global Database writes dimensions in brackets ([Sex], [Age]); older
                # exports write Sex, Age, Location without them. Other plain columns
                # (Goal, Target, SeriesDescription, GeoAreaName, UpperBound...) are labels.
                self.dimensions[i] = bare

    def missing(self) -> list[str]:
        return [column for upper, column in SDG_REQUIRED.items() if upper not in self.required]


def _dimension(name: str, code: str) -> tuple[str, str]:
    """An API dimension and code as SDMX: Sex=FEMALE -> SEX=F, Education level=X -> EDUCATION_LEVEL=X."""
    upper = re.sub(r"[\s\-]+", "_", name).upper()
    if upper in SDG_API_CODES:
        dimension, codes = SDG_API_CODES[upper]
        return dimension, codes.get(code.upper(), code)
    return upper, code


def parse_sdg_csv(col: Collector, data: bytes, indicator: str | None) -> None:
    """Rows of an SDG API CSV into ``col``; ``indicator`` is unused (the file names series)."""
    text = decode(col, data)
    if text is None:
        return
    decimal_comma = sniff_delimiter(text.split("\n", 1)[0]) == ";"
    lines = _records(col, text)
    header = next(lines, None)
    if header is None:
        return
    layout = Layout(header[1])
    missing = layout.missing()
    for column in missing:
        col.problem(None, column, "", _("A required column is missing."))
    if missing:
        return
    try:
        for line, cells in _counted(col, lines):
            _add_row(col, line, cells, layout, decimal_comma)
    except TooManyRows:
        return


def _add_row(
    col: Collector, line: int, cells: list[str], layout: Layout, decimal_comma: bool
) -> None:
    def cell(i: int) -> str:
        return cells[i].strip() if i < len(cells) else ""

    at = layout.required
    raw_value = cell(at["VALUE"])
    if is_blank_value(raw_value):
        col.skipped_blank += 1
        return
    value = check_value(col, line, "Value", raw_value, decimal_comma=decimal_comma)
    period = check_period(col, line, "TimePeriod", cell(at["TIMEPERIOD"]))
    if value is None or period is None:
        return
    fields = {"unit": "", "nature": "", "source": "", "footnote": ""}
    for i, target in layout.attributes.items():
        if target:
            fields[target] = fields[target] or cell(i)
    pairs = [_dimension(name, cell(i)) for i, name in layout.dimensions.items()]
    col.add(
        ParsedRow(
            file=col.file,
            row=line,
            indicator="",
            series_code=cell(at["SERIESCODE"]),
            area=cell(at["GEOAREACODE"]),
            disaggregation=disaggregation(pairs),
            year=period.year,
            period=period.published,
            value=value,
            unit=fields["unit"],
            nature=fields["nature"],
            source=fields["source"][:300],
            footnote=fields["footnote"],
        ),
        period.part,
    )
