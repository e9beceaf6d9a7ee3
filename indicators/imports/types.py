"""Value types shared by every data-sheet parser (no Django, no database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One observation read from an uploaded file, before it is mapped to portal codes."""

    file: str
    row: int
    indicator: str
    series_code: str
    area: str
    disaggregation: tuple[tuple[str, str], ...]
    year: int
    value: float
    unit: str
    nature: str
    source: str
    footnote: str


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a file, a row or a cell was refused; ``reason`` is a lazy translatable string."""

    file: str
    row: int | None
    column: str
    value: str
    reason: Any


@dataclass
class ParseResult:
    """Rows and problems of one upload; the upload is acceptable only if ``problems`` is empty."""

    rows: list[ParsedRow]
    problems: list[Problem]
    format: str
    skipped_blank: int = 0
    encoding: str = ""
    notes: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems
