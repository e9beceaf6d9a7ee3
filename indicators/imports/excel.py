"""The portal's Excel template: a safe reader and the writer of the downloadable template."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from . import sheetwrite, sheetxml
from ._common import Collector, TooManyRows, cell_text, msg
from .columns import PORTAL_COLUMNS, add_portal_row, format_disaggregation, map_header
from .csvfmt import read_opensdg
from .detect import is_opensdg_header
from .types import ParsedRow

DATA_SHEET = "Data"
MAX_UNCOMPRESSED = 100 * 2**20
MAX_RATIO = 200
RATIO_CHECK_ABOVE = 5 * 2**20
MAX_MEMBERS = 5000
EMPTY_ROWS_STOP = 1000
NATURE_CODES = ("C", "CA", "E", "G", "M", "N", "_X")


# -- the ZIP container ------------------------------------------------------------------
def _not_a_workbook(names: set[str]) -> Any:
    if "content.xml" in names or "mimetype" in names:
        return _("This is an OpenDocument file. Save it as an Excel .xlsx workbook.")
    if "word/document.xml" in names:
        return _("This is a Word document, not a workbook.")
    return _("This ZIP archive is not an Excel workbook.")


#: The most a workbook may expand to: in all, per part, and for the shared strings that
#: openpyxl reads whole before the first row (a 198 MB sharedStrings.xml packed at a ratio
#: under MAX_RATIO used to pass and keep a worker busy for two minutes at 1.5 GB).
MAX_PART_UNCOMPRESSED = 64 * 2**20
MAX_SHARED_STRINGS = 16 * 2**20
SHARED_STRINGS = "xl/sharedstrings.xml"


def _mb(size: int) -> int:
    """Whole megabytes, rounded up (a whole number reads the same in every language)."""
    return -(-size // 2**20)


def _too_big(infos: Sequence[zipfile.ZipInfo]) -> Any:
    """Why the archive expands to too much data, naming the part and the limit; else None."""
    if len(infos) > MAX_MEMBERS:
        return msg(
            _("The workbook has %(count)s parts; at most %(limit)s are read."),
            count=len(infos),
            limit=MAX_MEMBERS,
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        return msg(
            _("The workbook expands to %(size)s MB; at most %(limit)s MB are read."),
            size=_mb(total),
            limit=_mb(MAX_UNCOMPRESSED),
        )
    for info in infos:
        limit = (
            MAX_SHARED_STRINGS if info.filename.lower() == SHARED_STRINGS else MAX_PART_UNCOMPRESSED
        )
        if info.file_size > limit:
            return msg(
                _("The workbook part %(part)s expands to %(size)s MB; the limit is %(limit)s MB."),
                part=info.filename,
                size=_mb(info.file_size),
                limit=_mb(limit),
            )
        if info.file_size > RATIO_CHECK_ABOVE and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            return msg(
                _(
                    "The workbook part %(part)s is compressed more than %(ratio)s times, "
                    "as ZIP bombs are: it is not read."
                ),
                part=info.filename,
                ratio=MAX_RATIO,
            )
    return None


def check_zip(col: Collector, data: bytes) -> bool:
    """Refuse damaged archives, ZIP bombs, non-workbooks and workbooks with macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            too_big = _too_big(infos)
            if too_big is not None:
                col.problem(None, "", "", too_big)
                return False
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                col.problem(None, "", "", _not_a_workbook(names))
                return False
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        col.problem(None, "", "", msg(_("The workbook is damaged: %(error)s"), error=str(exc)))
        return False
    macros = any(n.lower().endswith("vbaproject.bin") for n in names)
    if macros or b"macroenabled" in types.lower():
        col.problem(
            None,
            "",
            "",
            _("The workbook contains macros. Save it as a plain .xlsx workbook without macros."),
        )
        return False
    return True


# -- reading ----------------------------------------------------------------------------
def _is_formula(cell: object) -> bool:
    if isinstance(cell, str):
        return cell.startswith("=")
    return type(cell).__name__ in {"ArrayFormula", "DataTableFormula"}


def _formulas(col: Collector, row: int, cells: Sequence[object], header: Sequence[object]) -> bool:
    from openpyxl.utils import get_column_letter

    found = False
    for i, cell in enumerate(cells):
        if cell is not None and _is_formula(cell):
            name = header[i] if i < len(header) and header[i] is not None else ""
            col.problem(
                row,
                str(name) or get_column_letter(i + 1),
                str(getattr(cell, "text", cell)),
                msg(
                    _("Cell %(cell)s holds a formula. Paste the values only."),
                    cell=f"{get_column_letter(i + 1)}{row}",
                ),
            )
            found = True
    return found


def _is_empty(cells: Sequence[object]) -> bool:
    if cells.count(None) == len(cells):
        return True
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _records(
    col: Collector, rows: Iterator[Sequence[object]], header: Sequence[object]
) -> Iterator[tuple[int, Sequence[object]]]:
    """(row number, cells) of rows that are neither blank nor formulas; stops at a long blank run."""
    empty_run = 0
    for rownum, cells in enumerate(rows, start=2):
        if _is_empty(cells):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_STOP:
                break
            continue
        col.skipped_blank += empty_run
        empty_run = 0
        col.count_row(rownum)
        if not _formulas(col, rownum, cells, header):
            yield rownum, cells
    col.skipped_blank += empty_run


def _read_template(
    col: Collector,
    header: Sequence[object],
    rows: Iterator[Sequence[object]],
    indicator: str | None,
) -> None:
    index = map_header(col, header)
    if index is None:
        return
    for rownum, cells in _records(col, rows, header):
        values = {name: (cells[i] if i < len(cells) else None) for name, i in index.items()}
        add_portal_row(col, rownum, values, indicator=indicator)


def _read_book(
    col: Collector,
    sheetnames: Sequence[str],
    rows: Iterator[Sequence[object]],
    indicator: str | None,
) -> None:
    """Read the rows of the Data sheet, or of the first sheet when there is none."""
    header = next(rows, None) or ()
    names = [cell_text(h) for h in header]
    if DATA_SHEET in sheetnames:
        _read_template(col, header, rows, indicator)
    elif is_opensdg_header(names):
        col.notes.append(_("The first sheet was read as an Open SDG table (Year, ..., Value)."))
        read_opensdg(col, header, _records(col, rows, header), indicator)
    elif "Parameters" in sheetnames:
        col.problem(
            None,
            "",
            ", ".join(sheetnames),
            _(
                "This is an SDMX Converter workbook, not the portal's template. Convert it to an SDMX-ML message, or copy the values into the portal's Excel template."
            ),
        )
    else:
        col.problem(
            None,
            "",
            ", ".join(sheetnames),
            _("The workbook has no sheet named Data. Use the portal's Excel template."),
        )


def _read_fast(col: Collector, data: bytes, indicator: str | None) -> bool:
    """Read the workbook with the fast sheet reader; False when openpyxl must read it instead.

    Anything the fast reader does not take (formulas, dates, damage) is left to openpyxl,
    which reports it as it always has; what was read so far is then dropped.
    """
    attempt = col.fork()
    try:
        book = sheetxml.open_workbook(data)
        try:
            if not book.sheetnames:
                return False
            rows = book.rows(DATA_SHEET if DATA_SHEET in book.sheetnames else book.sheetnames[0])
            try:
                _read_book(attempt, book.sheetnames, rows, indicator)
            finally:
                rows.close()
        finally:
            book.close()
    except TooManyRows:
        pass
    except Exception:  # the fast reader's refusal or any damage: openpyxl decides
        return False
    col.adopt(attempt)
    return True


def parse_xlsx(col: Collector, data: bytes, indicator: str | None) -> None:
    if not check_zip(col, data) or _read_fast(col, data, indicator):
        return
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        col.problem(None, "", "", msg(_("The workbook cannot be read: %(error)s"), error=str(exc)))
        return
    try:
        sheet = book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]
        _read_book(col, book.sheetnames, sheet.iter_rows(values_only=True), indicator)
    except TooManyRows:
        return
    except Exception as exc:  # a damaged sheet: report it, never a traceback
        col.problem(None, "", "", msg(_("The workbook cannot be read: %(error)s"), error=str(exc)))
    finally:
        book.close()


# -- writing ----------------------------------------------------------------------------
# In the language of the user who downloads it (the sheet and column names stay English: the
# reader needs them).
README_LINES = (
    _("Data sheet template of the working-group portal"),
    "",
    _("Country: %(country)s"),
    _("Round: %(round)s"),
    "",
    _("How to fill the Data sheet:"),
    _("- One row per value. Keep the header row (row 1) as it is."),
    _("- indicator: the indicator code, as listed in the Indicators sheet (e.g. 3.2.1)."),
    _("- area: blank for the national total, else the code of the subnational area."),
    _(
        "- disaggregation: blank for the total, else DIMENSION=CODE pairs separated by ';' (e.g. SEX=F;AGE=Y0T4), with the codes of the global SDG code lists."
    ),
    _("- year: a whole year (e.g. 2021). value: a number, with no thousands separator."),
    _(
        "- unit: the unit (see the Indicators sheet). nature: C country data, CA country adjusted, E estimated, M modelled, G global monitoring data, N non-relevant, _X not available."
    ),
    _("- source: the statistical operation or source. footnote: any note on the value."),
    _(
        "- unit, nature, source and footnote are attributes of the value; only the disaggregation is a breakdown."
    ),
    _(
        "- Open SDG CSV files are accepted too: between Year and Value, the columns Units, Unit measure, Unit multiplier, Observation status, Nature, Series, Reporting type, GeoCode, REF_AREA and footnote or comment columns are attributes; every other column is a breakdown (blank or _T = total)."
    ),
    _(
        "- Type or paste values only: cells with formulas are refused, and so are workbooks with macros."
    ),
    _("- Rows with an empty value are skipped. Reading stops after 1,000 empty rows in a row."),
    _("- Do not rename the Data sheet. Save as .xlsx."),
)


def _row_values(row: Mapping[str, Any] | ParsedRow) -> list[object]:
    """A template row's cells: year and value as numbers when they are, all else as text."""
    data: Mapping[str, Any] = (
        {name: getattr(row, name) for name in ParsedRow.__slots__}
        if isinstance(row, ParsedRow)
        else row
    )
    cells: list[object] = []
    for name in PORTAL_COLUMNS:
        value = data.get(name)
        if name == "disaggregation":
            value = format_disaggregation(value or ())
        if (
            name in {"year", "value"}
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            cells.append(value)
        else:
            cells.append(None if value is None else str(value))
    return cells


def _validations(n_indicators: int) -> list[sheetwrite.Validation]:
    last = max(n_indicators + 1, 2)
    return [
        ("A", {"type": "list"}, f"Indicators!$A$2:$A${last}", ""),
        ("D", {"type": "whole", "operator": "between"}, "1900", "2100"),
        ("E", {"type": "decimal", "operator": "between"}, "-1E+300", "1E+300"),
        ("G", {"type": "list"}, '"' + ",".join(NATURE_CODES) + '"', ""),
    ]


def write_template(
    path_or_buffer: str | IO[bytes] | Any,
    rows: Iterable[Mapping[str, Any] | ParsedRow],
    *,
    country_name: str,
    round_name: str,
    indicators: Iterable[tuple[str, str, str]],
) -> None:
    """Write the Excel template: Data (header + rows), README, Indicators (code, name, unit).

    Written by `sheetwrite` (standard library, streaming), not openpyxl: see its docstring."""
    listing: list[Sequence[object]] = [("code", "name", "unit"), *indicators]
    readme = [
        (str(line) % {"country": country_name, "round": round_name} if line else "",)
        for line in README_LINES
    ]
    data = itertools.chain([PORTAL_COLUMNS], (_row_values(row) for row in rows))
    sheetwrite.write_workbook(
        path_or_buffer,
        [
            (
                DATA_SHEET,
                data,
                len(PORTAL_COLUMNS),
                {"freeze_header": True, "validations": _validations(len(listing) - 1)},
            ),
            ("README", readme, 1, {}),
            ("Indicators", listing, 3, {}),
        ],
    )
