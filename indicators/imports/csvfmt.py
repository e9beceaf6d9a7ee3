"""The portal CSV format and the Open SDG CSV format."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

from django.utils.translation import gettext_lazy as _

from ._common import (
    SDG_ATTRIBUTES,
    Collector,
    TooManyRows,
    cell_text,
    check_period,
    check_value,
    disaggregation,
    is_blank_value,
    msg,
)
from .columns import add_portal_row, map_header
from .detect import looks_binary, sniff_delimiter
from .types import ParsedRow

#: Open SDG attribute columns stored with the value: column (upper case, spaces as _) -> field.
#: Open SDG writes SDMX names (UNIT_MEASURE) or display labels (Units, Unit measure).
OPENSDG_FIELDS = {
    "UNIT_MEASURE": "unit",
    "UNITS": "unit",
    "UNIT": "unit",
    "SERIES": "series_code",
    "REF_AREA": "area",
    "NATURE": "nature",
    "COMMENT_OBS": "footnote",
    "FOOTNOTE": "footnote",
    "FOOTNOTES": "footnote",
    "NOTE": "footnote",
    "NOTES": "footnote",
    "COMMENT": "footnote",
    "COMMENTS": "footnote",
    "SOURCE_DETAIL": "source",
    "REPORTING_TYPE": "reporting_type",
}
#: attribute columns the portal has no field for: read, never a breakdown, dropped with a note.
#: GeoCode is Open SDG's map code, a copy of REF_AREA.
OPENSDG_IGNORED = (SDG_ATTRIBUTES - set(OPENSDG_FIELDS)) | {
    "GEOCODE",
    "FREQ",
    "UNIT_MULTIPLIER",
    "OBSERVATION_STATUS",
    "OBS_STATUS",
    "TIME_DETAIL",
}


def attribute_name(column: str) -> str:
    """`Unit measure`, `unit-measure` and `UNIT_MEASURE` are one attribute: UNIT_MEASURE."""
    return re.sub(r"[\s\-]+", "_", column.strip()).upper()


_INDICATOR_NAME = re.compile(r"(?:indicator_)?(\d{1,2}(?:[-.][0-9a-z]{1,2}){2,3})", re.IGNORECASE)


def indicator_from_name(name: str) -> str:
    """indicator_3-2-1.csv -> 3.2.1; indicator_16-3-2-1.csv -> 16.3.2.1 (a national sub-indicator)."""
    stem = re.split(r"[\\/]", name)[-1]
    stem = re.sub(r"\.(csv|txt|xml|xlsx)$", "", stem, flags=re.IGNORECASE)
    match = _INDICATOR_NAME.fullmatch(stem)
    return match.group(1).replace("-", ".").lower() if match else ""


def decode(col: Collector, data: bytes) -> str | None:
    """Text of a CSV upload: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, text = "utf-16", data.decode("utf-16", errors="replace")
    elif data.startswith(codecs.BOM_UTF8):
        encoding, text = "utf-8-sig", data.decode("utf-8-sig", errors="replace")
    else:
        try:
            encoding, text = "utf-8", data.decode("utf-8")
        except UnicodeDecodeError:
            encoding, text = "cp1252", data.decode("cp1252", errors="replace")
            col.notes.append(
                _(
                    "The file is not UTF-8; it was read as Windows-1252 (Latin-1). Check accented letters."
                )
            )
    col.encoding = encoding
    if looks_binary(text):
        col.problem(None, "", "", _("This is not a text file: it cannot be read as CSV."))
        return None
    return text


def _records(col: Collector, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record after the header; line 1 is the header."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        col.problem(line, "", "", msg(_("The CSV file is malformed: %(error)s"), error=str(exc)))


def parse_portal_csv(col: Collector, data: bytes, indicator: str | None) -> None:
    text = decode(col, data)
    if text is None:
        return
    records = _records(col, text)
    header = next(records, None)
    if header is None:
        return
    index = map_header(col, header[1])
    if index is None:
        return
    decimal_comma = sniff_delimiter(text.split("\n", 1)[0]) == ";"
    try:
        for line, cells in _counted(col, records):
            values = {name: (cells[i] if i < len(cells) else "") for name, i in index.items()}
            add_portal_row(col, line, values, indicator=indicator, decimal_comma=decimal_comma)
    except TooManyRows:
        return


def _opensdg_columns(col: Collector, header: list[str]) -> tuple[int, dict[int, str]] | None:
    """(index of Value, {index: field or dimension name}) from an Open SDG header."""
    names = [h.lstrip("\ufeff").strip() for h in header]
    value_at = max((i for i, n in enumerate(names) if n), default=-1)
    if value_at < 1 or names[0].lower() != "year" or names[value_at].lower() != "value":
        col.problem(
            None,
            "",
            ",".join(names),
            _("An Open SDG file starts with a Year column and ends with a Value column."),
        )
        return None
    columns: dict[int, str] = {}
    dropped: list[str] = []
    for i in range(1, value_at):
        upper = attribute_name(names[i])
        if not names[i]:
            continue
        if upper in OPENSDG_IGNORED:
            dropped.append(names[i])
            continue
        if names[i] in names[1:i]:
            col.problem(None, names[i], "", _("This column appears twice."))
            return None
        columns[i] = OPENSDG_FIELDS.get(upper, names[i])
    if dropped:
        col.notes.append(
            msg(
                _(
                    "Attribute columns the portal does not store were read and left out "
                    "(never a breakdown): %(columns)s."
                ),
                columns=", ".join(dropped),
            )
        )
    return value_at, columns


def _add_opensdg_row(
    col: Collector,
    line: int,
    cells: Sequence[object],
    value_at: int,
    columns: dict[int, str],
    indicator: str,
    named_by_file: bool = False,
    decimal_comma: bool = False,
) -> None:
    raw = list(cells) + [None] * (value_at + 1 - len(cells))
    if is_blank_value(raw[value_at]):
        col.skipped_blank += 1
        return
    period = check_period(col, line, "Year", raw[0])
    value = check_value(col, line, "Value", raw[value_at], decimal_comma=decimal_comma)
    fields = dict.fromkeys(OPENSDG_FIELDS.values(), "")
    dims: list[tuple[str, str]] = []
    for i, name in columns.items():
        if name in fields:
            fields[name] = fields[name] or cell_text(raw[i])
        else:
            dims.append((name, cell_text(raw[i])))
    if not indicator and not fields["series_code"]:
        col.problem(line, "SERIES", "", _("The series code is missing."))
        return
    if period is None or value is None:
        return
    col.add(
        ParsedRow(
            file=col.file,
            row=line,
            indicator=indicator,
            disaggregation=disaggregation(dims),
            year=period.year,
            period=period.published,
            value=value,
            unit=fields["unit"],
            series_code=fields["series_code"],
            area=fields["area"],
            nature=fields["nature"],
            source=fields["source"],
            footnote=fields["footnote"],
            named_by_file=named_by_file,
            reporting_type=fields["reporting_type"].upper(),
        ),
        period.part,
    )


def read_opensdg(
    col: Collector,
    header: Sequence[object],
    records: Iterable[tuple[int, Sequence[object]]],
    indicator: str | None,
    *,
    decimal_comma: bool = False,
) -> None:
    """Open SDG rows from a header and (line, cells) records that are not blank.

    ``decimal_comma``: the file is a `;`-delimited CSV, where 17,25 is 17.25.
    """
    code = indicator or indicator_from_name(col.file)
    layout = _opensdg_columns(col, [cell_text(h) for h in header])
    if layout is None:
        return
    value_at, columns = layout
    if not code and "series_code" not in columns.values():
        col.problem(
            None,
            "",
            col.file,
            _(
                "The indicator cannot be told from the file name: name it like indicator_3-2-1.csv or choose the indicator."
            ),
        )
        return
    try:
        for line, cells in records:
            _add_opensdg_row(
                col, line, cells, value_at, columns, code, not indicator, decimal_comma
            )
    except TooManyRows:
        return


def _counted(
    col: Collector, records: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    for line, cells in records:
        if not any(c.strip() for c in cells):
            col.skipped_blank += 1
            continue
        col.count_row(line)
        yield line, cells


def parse_opensdg(col: Collector, data: bytes, indicator: str | None) -> None:
    text = decode(col, data)
    if text is None:
        return
    records = _records(col, text)
    header = next(records, None)
    if header is not None:
        decimal_comma = sniff_delimiter(text.split("\n", 1)[0]) == ";"
        read_opensdg(col, header[1], _counted(col, records), indicator, decimal_comma=decimal_comma)
