"""Parsers of data-sheet uploads (portal Excel template and CSV, Open SDG CSV, SDMX-ML) and of
agencies' releases (SDG API CSV, SDMX-ML), with one rule for years and numbers.

``parse_upload`` never raises on bad input and never touches the database: it returns the
rows it read and every problem found (file, row, column, value, reason). Mapping codes to
the portal's indicators and storing rows is the import service's job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from django.utils.translation import gettext_lazy as _

from ._common import Collector, msg
from .csvfmt import indicator_from_name, parse_opensdg, parse_portal_csv
from .detect import FORMATS, HEAD_BYTES, describe_unknown, detect_format
from .excel import parse_xlsx, write_template
from .sdgcsv import parse_sdg_csv
from .sdmxml import parse_sdmx
from .types import ParsedRow, ParseResult, Problem

__all__ = [
    "FORMATS",
    "ParseResult",
    "ParsedRow",
    "Problem",
    "detect_format",
    "indicator_from_name",
    "parse_upload",
    "write_template",
]

_PARSERS: dict[str, Callable[[Collector, bytes, str | None], None]] = {
    "xlsx": parse_xlsx,
    "csv": parse_portal_csv,
    "opensdg": parse_opensdg,
    "sdmx": parse_sdmx,
    # agencies' releases only: never detected from content (not in FORMATS)
    "sdg-csv": parse_sdg_csv,
}


def _read(data: bytes | bytearray | memoryview | BinaryIO, limit: int) -> bytes:
    """At most ``limit + 1`` bytes: one more than allowed tells the file is too big."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[: limit + 1])
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = data.read(min(2**20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _refuse(name: str, fmt: str, column: str, value: str, reason: object) -> ParseResult:
    return ParseResult(rows=[], problems=[Problem(name, None, column, value, reason)], format=fmt)


def parse_upload(
    name: str,
    data: bytes | BinaryIO,
    fmt: str | None = None,
    *,
    indicator: str | None = None,
    max_bytes: int = 20 * 2**20,
    max_rows: int = 200_000,
) -> ParseResult:
    """Read one uploaded file. ``fmt`` is one of FORMATS, or None to tell it from the content."""
    try:
        content = _read(data, max_bytes)
    except (OSError, ValueError) as exc:
        return _refuse(
            name, fmt or "", "", "", msg(_("The file cannot be read: %(error)s"), error=str(exc))
        )
    if len(content) > max_bytes:
        return _refuse(
            name,
            fmt or "",
            "",
            "",
            msg(_("The file is larger than %(limit)s MB."), limit=round(max_bytes / 2**20, 1)),
        )
    if not content.strip():
        return _refuse(name, fmt or "", "", "", _("The file is empty."))
    if fmt is not None and fmt not in _PARSERS:
        return _refuse(name, fmt, "", fmt, _("Unknown format."))
    detected = fmt or detect_format(name, content[:HEAD_BYTES])
    if detected is None:
        return _refuse(name, "", "", "", describe_unknown(content[:HEAD_BYTES]))
    collector = Collector(name, detected, max_rows)
    _PARSERS[detected](collector, content, indicator)
    return collector.result()
