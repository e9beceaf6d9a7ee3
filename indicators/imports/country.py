"""Which country an uploaded file says it is for: the template's README line, the geography
columns of CSV files. Plain reading, no database: the caller compares what is found with the
data sheet's country."""

from __future__ import annotations

import csv
import io
import itertools
import re

from django.conf import settings
from django.utils import translation

from .detect import sniff_delimiter

#: Columns that name the country of a row (upper case): SDMX/Open SDG, Open SDG's map column,
#: the SDG global database, and a plain "Country" column.
GEOGRAPHY_COLUMNS = ("REF_AREA", "GEOCODE", "GEOAREACODE", "GEOAREANAME", "COUNTRY")
MAX_VALUES = 50


def declared_countries(data: bytes, fmt: str) -> list[tuple[str, str]]:
    """(where, what) pairs naming the file's country, e.g. ("Country:", "Kazakhstan") from
    the template's README sheet or ("GeoAreaCode", "417") from a CSV column; [] when the file
    names none or cannot be read (the parsers report unreadable files)."""
    try:
        if fmt == "xlsx":
            return _template_country(data)
        if fmt in ("csv", "opensdg"):
            return _csv_geography(data)
    except Exception:  # noqa: BLE001 - damaged files are the parsers' to report
        return []
    return []


def _readme_prefixes() -> list[str]:
    """ "Country:" in every language the template is written in, longest first."""
    from .excel import README_LINES

    line = next(text for text in README_LINES if "%(country)s" in str(text))
    prefixes = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            prefixes.add(str(line).split("%(country)s")[0].strip())
    return sorted(prefixes, key=len, reverse=True)


def _template_country(data: bytes) -> list[tuple[str, str]]:
    """The README's "Country:" line. Read with the fast reader, which opens the README sheet
    only: openpyxl's read-only workbook parsed the whole Data sheet once more to size it
    (workbooks without a ``<dimension>``, the template among them: 40 % of a 50,000-row
    preview's time); a README the fast reader does not take is read by openpyxl."""
    from . import sheetxml

    try:
        book = sheetxml.open_workbook(data)
        try:
            if "README" not in book.sheetnames:
                return []
            lines = [row[0] if row else None for row in itertools.islice(book.rows("README"), 20)]
        finally:
            book.close()
    except sheetxml.Unsupported:
        lines = _readme_by_openpyxl(data)
    prefixes = _readme_prefixes()
    for cell in lines:
        text = str(cell or "").strip()
        for prefix in prefixes:
            if prefix and text.casefold().startswith(prefix.casefold()):
                found = text[len(prefix) :].strip()
                return [(prefix, found)] if found else []
    return []


def _readme_by_openpyxl(data: bytes) -> list[object]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if "README" not in book.sheetnames:
            return []
        return [
            cell
            for (cell,) in book["README"].iter_rows(
                min_col=1, max_col=1, max_row=20, values_only=True
            )
        ]
    finally:
        book.close()


def _csv_geography(data: bytes) -> list[tuple[str, str]]:
    text = data.decode("utf-8-sig", errors="replace")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    header = [re.sub(r"\s+", "", cell).upper() for cell in next(reader, [])]
    columns = {i: name for i, name in enumerate(header) if name in GEOGRAPHY_COLUMNS}
    if not columns:
        return []
    found: dict[tuple[str, str], None] = {}
    for record in reader:
        for i, name in columns.items():
            value = record[i].strip() if i < len(record) else ""
            if value:
                found[(name, value)] = None
        if len(found) >= MAX_VALUES:
            break
    return list(found)
