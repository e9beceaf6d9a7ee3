"""The portal's own columns, shared by the CSV format and the Excel template."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext_lazy as _

from ._common import (
    NOT_DISAGGREGATION,
    Collector,
    cell_text,
    check_value,
    check_year,
    disaggregation,
    is_blank_value,
    msg,
)
from .types import ParsedRow

PORTAL_COLUMNS = (
    "indicator",
    "area",
    "disaggregation",
    "year",
    "value",
    "unit",
    "nature",
    "source",
    "footnote",
)
#: accepted as well, not written by the template: an SDMX SERIES code
OPTIONAL_COLUMNS = ("series",)
REQUIRED_COLUMNS = ("indicator", "year", "value")


def map_header(col: Collector, names: Sequence[object]) -> dict[str, int] | None:
    """Column name -> index; None (with problems) when required columns are missing."""
    known = set(PORTAL_COLUMNS) | set(OPTIONAL_COLUMNS)
    index: dict[str, int] = {}
    for i, raw in enumerate(names):
        name = cell_text(raw).lstrip("\ufeff").strip().lower()
        if not name:
            continue
        if name not in known:
            col.problem(
                None,
                cell_text(raw),
                "",
                msg(
                    _("Unknown column. The columns are: %(columns)s."),
                    columns=", ".join(PORTAL_COLUMNS),
                ),
            )
        elif name in index:
            col.problem(None, name, "", _("This column appears twice."))
        else:
            index[name] = i
    missing = [name for name in REQUIRED_COLUMNS if name not in index]
    for name in missing:
        col.problem(None, name, "", _("A required column is missing."))
    return None if missing else index


def format_disaggregation(pairs: Sequence[tuple[str, str]] | Mapping[str, str] | str) -> str:
    """("SEX","F"),("AGE","Y0T4") -> "AGE=Y0T4;SEX=F" (a string is returned as is)."""
    if isinstance(pairs, str):
        return pairs
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return ";".join(f"{dim}={code}" for dim, code in sorted(items))


def parse_disaggregation(
    col: Collector, row: int, raw: object
) -> tuple[tuple[str, str], ...] | None:
    text = cell_text(raw)
    pairs, reasons = _split_disaggregation(text)
    for reason in reasons:
        col.problem(row, "disaggregation", text, reason)
    return pairs


@lru_cache(maxsize=4096)
def _split_disaggregation(text: str) -> tuple[tuple[tuple[str, str], ...] | None, tuple[Any, ...]]:
    """(sorted pairs, or None when refused; the reasons): a sheet repeats a few texts many times."""
    pairs: dict[str, str] = {}
    reasons: list[Any] = []
    for token in filter(None, (t.strip() for t in text.split(";"))):
        dim, sep, code = token.partition("=")
        dim, code = dim.strip().upper(), code.strip()
        if not sep or not dim or not code:
            return None, (
                *reasons,
                _(
                    "Write the disaggregation as DIMENSION=CODE pairs separated by ';', e.g. SEX=F;AGE=Y0T4."
                ),
            )
        if dim in NOT_DISAGGREGATION:
            reasons.append(
                msg(
                    _(
                        "%(dimension)s is not a disaggregation; use the area, unit or indicator column."
                    ),
                    dimension=dim,
                )
            )
        elif dim in pairs:
            reasons.append(msg(_("The dimension %(dimension)s is given twice."), dimension=dim))
        pairs[dim] = code
    return (None if reasons else disaggregation(pairs.items())), tuple(reasons)


def _indicator(col: Collector, row: int, cells: Mapping[str, object], given: str | None) -> str:
    indicator = cell_text(cells.get("indicator"))
    if given and indicator and indicator != given:
        col.problem(
            row,
            "indicator",
            indicator,
            msg(_("This file is being imported for indicator %(indicator)s."), indicator=given),
        )
    indicator = indicator or (given or "")
    if not indicator and not cell_text(cells.get("series")):
        col.problem(row, "indicator", "", _("The indicator is missing."))
    return indicator


def add_portal_row(
    col: Collector,
    row: int,
    cells: Mapping[str, Any],
    *,
    indicator: str | None,
    decimal_comma: bool = False,
) -> None:
    """Check one row of portal columns (name -> raw cell) and add it to the collector."""
    if is_blank_value(cells.get("value")):
        col.skipped_blank += 1
        return
    code = _indicator(col, row, cells, indicator)
    year = check_year(col, row, "year", cells.get("year"))
    value = check_value(col, row, "value", cells.get("value"), decimal_comma=decimal_comma)
    disagg = parse_disaggregation(col, row, cells.get("disaggregation"))
    if year is None or value is None or disagg is None:
        return
    if not code and not cell_text(cells.get("series")):
        return
    col.add(
        ParsedRow(
            file=col.file,
            row=row,
            indicator=code,
            series_code=cell_text(cells.get("series")),
            area=cell_text(cells.get("area")),
            disaggregation=disagg,
            year=year,
            value=value,
            unit=cell_text(cells.get("unit")),
            nature=cell_text(cells.get("nature")),
            source=cell_text(cells.get("source")),
            footnote=cell_text(cells.get("footnote")),
        )
    )
