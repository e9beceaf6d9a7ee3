"""A small streaming writer of the portal's Excel template (the writing side of ``sheetxml``).

openpyxl's write-only workbook builds an element tree per cell and, imported for one
download, costs a web worker its import time; the template needs none of its features: three
sheets of inline strings and numbers, a frozen header row and four data validations. This
module writes exactly that, row by row into the ZIP stream, with the standard library only.
Strings are written as inline strings, as openpyxl writes them, so ``sheetxml`` and openpyxl
read the workbook back alike (tested).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape

#: Characters XML 1.0 cannot carry (as openpyxl's ILLEGAL_CHARACTERS_RE): dropped.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_FLUSH_ROWS = 500

#: A value with a validation: (column letter, validation attributes, formula1, formula2).
Validation = tuple[str, dict[str, str], str, str]


def _column(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: object) -> str:
    """One cell: an int or float is a number, anything else an inline string (never a
    formula, even when it starts with "="); None or empty text is no cell at all."""
    kind = type(value)
    if kind is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is float:  # 16 significant digits, as openpyxl writes them (Excel keeps 15)
        return f'<c r="{ref}"><v>{value:.16g}</v></c>'
    text: str = value if isinstance(value, str) else ("" if value is None else str(value))
    if not text.isprintable():  # a cheap test first: most texts have nothing to drop
        text = _ILLEGAL.sub("", text)
    if not text:
        return ""
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        text = escape(text, {"\r": "&#13;"})  # a bare CR would be read back as LF
    if text[0] == " " or text[-1] == " " or text != text.strip():
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _rows_xml(rows: Iterable[Sequence[object]], columns: list[str]) -> Iterable[str]:
    for number, row in enumerate(rows, start=1):
        cells = "".join(
            [_cell(f"{column}{number}", value) for column, value in zip(columns, row, strict=False)]
        )
        yield f'<row r="{number}">{cells}</row>'


def _validations_xml(validations: Sequence[Validation]) -> str:
    if not validations:
        return ""
    parts = [f'<dataValidations count="{len(validations)}">']
    for column, attrs, formula1, formula2 in validations:
        attributes = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
        parts.append(
            f'<dataValidation{attributes} allowBlank="1" sqref="{column}2:{column}1048576">'
            f"<formula1>{escape(formula1)}</formula1>"
            + (f"<formula2>{escape(formula2)}</formula2>" if formula2 else "")
            + "</dataValidation>"
        )
    parts.append("</dataValidations>")
    return "".join(parts)


def _write_sheet(
    book: zipfile.ZipFile,
    name: str,
    rows: Iterable[Sequence[object]],
    width: int,
    *,
    freeze_header: bool = False,
    validations: Sequence[Validation] = (),
) -> None:
    columns = [_column(i) for i in range(width)]
    view = (
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
        'sqref="A2"/></sheetView></sheetViews>'
        if freeze_header
        else ""
    )
    with book.open(name, "w") as part:
        part.write(f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">{view}<sheetData>'.encode())
        chunk: list[str] = []
        for row_xml in _rows_xml(rows, columns):
            chunk.append(row_xml)
            if len(chunk) >= _FLUSH_ROWS:
                part.write("".join(chunk).encode())
                chunk = []
        part.write("".join(chunk).encode())
        part.write(f"</sheetData>{_validations_xml(validations)}</worksheet>".encode())


def _package_parts(names: Sequence[str]) -> dict[str, str]:
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    )
    styles_id = len(names) + 1
    return {
        "[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'
        ),
        "_rels/.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/>'
            f"</bookViews><sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{sheet_rels}<Relationship '
            f'Id="rId{styles_id}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/>'
            '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
            'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
            '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
            '</border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" '
            'fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle '
            'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        ),
    }


def write_workbook(
    target: str | IO[bytes] | Any,
    sheets: Sequence[tuple[str, Iterable[Sequence[object]], int, dict[str, Any]]],
) -> None:
    """Write an .xlsx of the given sheets: (name, rows, number of columns, options), the
    options being ``freeze_header`` and ``validations`` (see `_write_sheet`). Rows are
    consumed one by one: a generator is never held whole in memory."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as book:
        for name, text in _package_parts([sheet[0] for sheet in sheets]).items():
            book.writestr(name, text)
        for number, (_name, rows, width, options) in enumerate(sheets, start=1):
            _write_sheet(book, f"xl/worksheets/sheet{number}.xml", rows, width, **options)
