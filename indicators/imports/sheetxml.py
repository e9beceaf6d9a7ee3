"""A fast reader of one worksheet of an .xlsx workbook, for the plain case.

openpyxl's read-only reader builds an ElementTree element, a dict and often a rich-text object
for every cell and, for workbooks without a ``<dimension>`` (those openpyxl itself writes),
parses the whole sheet once more just to size it: 100 to 200 µs a row. This reader walks the
sheet's XML with expat callbacks and yields, row by row, what openpyxl's
``iter_rows(values_only=True)`` yields for cells holding numbers, text, booleans and errors.

Anything else (a formula, a date, a DTD, an odd structure) raises ``Unsupported`` and the
caller reads the workbook with openpyxl instead, so formulas and damaged files are reported
exactly as before. The workbook's parts (sheet names, shared strings, date styles) are read
with openpyxl's own readers.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Container, Generator, Sequence
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from ._common import xml_encoding_problem

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _VALUE, _FORMULA, _INLINE, _TEXT, _DIMENSION = (
    f"{_MAIN} {tag}" for tag in ("row", "c", "v", "f", "is", "t", "dimension")
)
_CHUNK = 2**16
_LETTERS: dict[str, int] = {}


class Unsupported(Exception):
    """This workbook needs openpyxl: the fast reader does not take what it found."""


@dataclass
class Workbook:
    """What the reader needs of a workbook: sheet names, where each sheet is, shared strings."""

    archive: zipfile.ZipFile
    sheetnames: list[str]
    paths: dict[str, str]
    shared_strings: Sequence[str]
    date_styles: Container[int]

    def rows(self, name: str) -> Generator[tuple[Any, ...], None, None]:
        """The rows of sheet ``name`` from row 1, as ``iter_rows(values_only=True)`` gives them."""
        with self.archive.open(self.paths[name]) as source:
            yield from iter_rows(source, self.shared_strings, self.date_styles)

    def close(self) -> None:
        self.archive.close()


def open_workbook(data: bytes) -> Workbook:
    """Read a workbook's parts with openpyxl's readers, leaving its sheets unread."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    names: list[str] = []
    paths: dict[str, str] = {}
    for sheet, rel in reader.parser.find_sheets():
        if rel.target not in reader.valid_files:
            continue
        if "chartsheet" in rel.Type or sheet.name in paths:
            raise Unsupported(sheet.name)
        names.append(sheet.name)
        paths[sheet.name] = rel.target
    return Workbook(
        archive=reader.archive,
        sheetnames=names,
        paths=paths,
        shared_strings=reader.shared_strings,
        date_styles=frozenset(reader.wb._date_formats) | frozenset(reader.wb._timedelta_formats),
    )


def _column(ref: str) -> int:
    """The column number of a cell reference such as "AB12", as openpyxl reads it."""
    letters = ref.rstrip("0123456789")
    index = _LETTERS.get(letters)
    if index is None:
        if not (letters.isascii() and letters.isalpha() and letters.isupper()) or len(letters) > 3:
            raise Unsupported(ref)
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        _LETTERS[letters] = index
    if len(letters) == len(ref):
        raise Unsupported(ref)
    return index


def _number(text: str) -> int | float:
    """As openpyxl reads a number cell: an int unless it has a point or an exponent."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _refuse(*_args: object) -> None:
    raise Unsupported("DTD or entity")


class _Events:
    """expat callbacks for one worksheet: collects finished rows as (number, [(column, value)])."""

    def __init__(self, shared_strings: Sequence[str], date_styles: Container[int]) -> None:
        self.shared_strings = shared_strings
        self.date_styles = date_styles
        self.done: list[tuple[int, list[tuple[int, Any]]]] = []
        self.cells: list[tuple[int, Any]] = []
        self.bounds: tuple[int, int] | None = None  # max column, max row, from <dimension>
        self.seen_row = False
        self.depth = self.row_depth = self.cell_depth = self.inline_depth = 0
        self.row_number = self.column = 0
        self.kind = self.style = ""
        self.value: str | None = None
        self.parts: list[str] = []
        self.collect: list[str] | None = None
        self.plain: str | None = None
        self.runs: list[str] = []
        self.in_run = self.in_phonetic = False

    # -- starts -------------------------------------------------------------------------
    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.cell_depth:
            if self.depth == self.cell_depth + 1:
                self._cell_child(name)
            elif self.inline_depth and not self.in_phonetic:
                self._text_child("t" if name == _TEXT else name.rpartition(" ")[2])
        elif self.row_depth:
            self._cell(name, attrs)
        elif name == _ROW:
            self._row(attrs)
        elif name == _DIMENSION and not self.seen_row and self.bounds is None:
            self._dimension(attrs)

    def _row(self, attrs: dict[str, str]) -> None:
        self.seen_row = True
        self.row_depth = self.depth
        number = attrs.get("r")
        self.row_number = int(number) if number is not None else self.row_number + 1
        self.column = 0
        self.cells.clear()

    def _cell(self, name: str, attrs: dict[str, str]) -> None:
        if self.depth != self.row_depth + 1 or name != _CELL:
            raise Unsupported(name)
        self.cell_depth = self.depth
        ref = attrs.get("r")
        self.column = _column(ref) if ref else self.column + 1
        self.kind = attrs.get("t", "n")
        self.style = attrs.get("s", "")
        self.value = None

    def _cell_child(self, name: str) -> None:
        if name == _VALUE:
            if self.value is None:
                self.parts.clear()
                self.collect = self.parts
        elif name == _FORMULA:
            raise Unsupported("formula")
        elif name == _INLINE:
            if self.inline_depth:
                raise Unsupported("two inline strings")
            self.inline_depth = self.depth
            self.plain = None
            self.runs.clear()
            self.in_run = self.in_phonetic = False

    def _text_child(self, local: str) -> None:
        """An element inside <is>: plain text, a run, or phonetic text (left out)."""
        if self.depth == self.inline_depth + 1:
            if local == "r":
                self.in_run = True
            elif local == "rPh":
                self.in_phonetic = True
            elif local == "t":
                if self.plain is not None:
                    raise Unsupported("two plain texts")
                self.parts.clear()
                self.collect = self.parts
        elif self.in_run and self.depth == self.inline_depth + 2 and local == "t":
            self.parts.clear()
            self.collect = self.parts

    def _dimension(self, attrs: dict[str, str]) -> None:
        from openpyxl.utils.cell import range_boundaries

        _min_col, _min_row, max_col, max_row = range_boundaries(attrs.get("ref", ""))
        if max_col is None or max_row is None:
            raise Unsupported("dimension")
        self.bounds = (max_col, max_row)

    # -- text and ends ------------------------------------------------------------------
    def characters(self, text: str) -> None:
        if self.collect is not None:
            self.collect.append(text)

    def end(self, _name: str) -> None:
        depth = self.depth
        self.depth = depth - 1
        collect = self.collect
        if collect is not None:
            self.collect = None
            text = "".join(collect)
            if not self.inline_depth:
                self.value = text
            elif self.in_run:
                self.runs.append(text)
            else:
                self.plain = text
        if depth == self.cell_depth:
            self.cells.append((self.column, self._cell_value()))
            self.cell_depth = self.inline_depth = 0
        elif depth == self.row_depth:
            self.done.append((self.row_number, list(self.cells)))
            self.row_depth = 0
        elif self.inline_depth and depth == self.inline_depth + 1:
            self.in_run = self.in_phonetic = False

    def _cell_value(self) -> Any:
        """The value as openpyxl's WorkSheetParser.parse_cell gives it, for the kinds taken."""
        kind = self.kind
        if kind == "inlineStr":
            if not self.inline_depth:
                return None
            runs = "".join(self.runs)
            return runs if self.plain is None else self.plain + runs
        text = self.value or None
        if text is None:
            return None
        if kind == "n":
            if self.style and int(self.style) in self.date_styles:
                raise Unsupported("date")
            return _number(text)
        if kind == "s":
            return self.shared_strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            raise Unsupported("ISO date")
        return text


def _parser(events: _Events) -> Any:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse  # type: ignore[assignment]
    parser.StartElementHandler = events.start
    parser.EndElementHandler = events.end
    parser.CharacterDataHandler = events.characters
    return parser


def iter_rows(
    source: IO[bytes], shared_strings: Sequence[str], date_styles: Container[int]
) -> Generator[tuple[Any, ...], None, None]:
    """Rows of a worksheet part from row 1, missing rows included, as openpyxl yields them.

    Like openpyxl, a ``<dimension>`` given before the data bounds the rows and pads each one
    to its width; without one, a row is as long as its last cell.
    """
    events = _Events(shared_strings, date_styles)
    parser = _parser(events)
    expected = 1
    first = True
    while True:
        chunk = source.read(_CHUNK)
        if first and xml_encoding_problem(chunk) is not None:
            raise Unsupported("encoding")  # openpyxl reads it, or reports it
        first = False
        parser.Parse(chunk, not chunk)
        width, last = events.bounds or (0, 0)
        for number, row in events.done:
            if last and number > last:
                yield from [(None,) * width] * (last + 1 - expected)
                return
            if number < expected:
                continue  # as openpyxl: a row numbered before the one expected is dropped
            yield from [(None,) * width] * (number - expected)
            expected = number + 1
            yield _values(row, width)
        events.done.clear()
        if not chunk:
            return


def _values(row: list[tuple[int, Any]], width: int) -> tuple[Any, ...]:
    if not row and not width:
        return ()
    width = width or row[-1][0]
    values: list[Any] = [None] * width
    for at, cell in row:
        if at <= width:
            values[at - 1] = cell
    return tuple(values)
