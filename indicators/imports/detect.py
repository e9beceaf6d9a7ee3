"""Tell the format of an upload from its first bytes (the file name is only a hint)."""

from __future__ import annotations

import codecs
import csv
import re
from typing import Any

from django.utils.translation import gettext_lazy as _

FORMATS = ("xlsx", "csv", "opensdg", "sdmx")
HEAD_BYTES = 64 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SDMX_NS = re.compile(rb"sdmx\.org/resources/sdmxml/schemas", re.IGNORECASE)
_HTML = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PORTAL_REQUIRED = frozenset({"indicator", "year", "value"})


def _strip_bom(head: bytes) -> bytes:
    if head.startswith(codecs.BOM_UTF8):
        return head[3:]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return head.decode("utf-16", errors="ignore").encode("utf-8")
        except UnicodeError:  # pragma: no cover - errors="ignore" never raises
            return head
    return head


def looks_binary(text: str) -> bool:
    """True when decoded text holds NUL bytes or too many control characters to be a CSV."""
    sample = text[:4096]
    if "\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)


def decode_head(head: bytes) -> str:
    head = _strip_bom(head)
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a multi-byte character cut by the head limit
            return head[: exc.start].decode("utf-8")
        return head.decode("cp1252", errors="replace")


def sniff_delimiter(line: str) -> str:
    counts = {delim: line.count(delim) for delim in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_fields(text: str) -> list[str]:
    first_line = text.splitlines()[0] if text else ""
    delim = sniff_delimiter(first_line)
    try:
        return next(csv.reader([first_line], delimiter=delim), [])
    except csv.Error:
        return []


def is_opensdg_header(fields: list[str]) -> bool:
    names = [f.strip() for f in fields]
    while names and not names[-1]:
        names.pop()
    return len(names) >= 2 and names[0].lower() == "year" and names[-1].lower() == "value"


def detect_format(name: str, head: bytes) -> str | None:
    """One of FORMATS from the first bytes of a file, or None when it is none of them."""
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    body = _strip_bom(head).lstrip()
    if body.startswith(b"<?xml") or (body.startswith(b"<") and _SDMX_NS.search(head)):
        return "sdmx"
    if body.startswith((b"<", b"%PDF", OLE_MAGIC)) or not body:
        return None
    text = decode_head(head)
    if looks_binary(text):
        return None
    fields = header_fields(text)
    if is_opensdg_header(fields):
        return "opensdg"
    if _PORTAL_REQUIRED & {f.strip().lower() for f in fields}:
        return "csv"
    if name.lower().endswith((".csv", ".txt")) and len(fields) > 1:
        return "csv"
    return None


def describe_unknown(head: bytes) -> Any:
    """Why a file of unknown format was refused, naming what it seems to be."""
    body = _strip_bom(head).lstrip()
    if not body:
        return _("The file is empty.")
    if body.startswith(b"%PDF"):
        return _(
            "This is a PDF document, not a data file. Upload the Excel template, a CSV file or an SDMX-ML message."
        )
    if body.startswith(OLE_MAGIC):
        return _(
            "This is an old Excel (.xls) or password-protected workbook. Save it as an unprotected .xlsx workbook and upload it again."
        )
    if _HTML.match(body):
        return _("This is a web page (HTML), not a data file.")
    if body.startswith(b"<"):
        return _("This XML file is not an SDMX-ML data message.")
    if body.startswith(b"\x1f\x8b"):
        return _("This is a compressed (gzip) file. Upload the file itself, not an archive.")
    if looks_binary(decode_head(head)):
        return _("This is not a text file: it cannot be read as CSV.")
    return _(
        "The format of this file is not recognised. Upload the Excel template, a CSV file with the template's columns, an Open SDG CSV file or an SDMX-ML message."
    )
