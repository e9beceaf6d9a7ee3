"""What validating parsed rows yields (a ``Candidate`` value ready to store, a
``MappingResult``) and the keys and code lists the checks rely on. Nothing here writes."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from django.utils.translation import gettext as _

from indicators.imports.types import ParsedRow, Problem
from indicators.models.sheets import Observation

CODELISTS = (
    Path(__file__).resolve().parents[2] / "portal" / "fixtures" / "reference" / "sdmx_codelists.csv"
)
#: the longest disaggregation key the database column holds
MAX_KEY = Observation._meta.get_field("disaggregation").max_length or 200


@cache
def codelists() -> dict[str, frozenset[str]]:
    """Dimension name -> allowed codes, from the global SDG code lists (CL_SEX -> SEX)."""
    lists: dict[str, set[str]] = {}
    with open(CODELISTS, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["codelist"].removeprefix("CL_")
            lists.setdefault(name, set()).add(row["code"])
    return {name: frozenset(codes) for name, codes in lists.items()}


@lru_cache(maxsize=8192)
def disaggregation_key(pairs: tuple[tuple[str, str], ...]) -> str:
    return ";".join(f"{dim}={code}" for dim, code in sorted(pairs))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A validated value, ready to be stored."""

    indicator_id: int
    area_id: int | None
    disaggregation: str
    year: int
    period: str
    value: Decimal
    unit: str
    nature: str
    operation_id: int | None
    source: str
    footnote: str
    file: str
    row: int

    @property
    def key(self) -> tuple[int, int | None, str, int]:
        return (self.indicator_id, self.area_id, self.disaggregation, self.year)


@dataclass
class MappingResult:
    candidates: list[Candidate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    not_tracked: dict[str, int] = field(default_factory=dict)
    unknown_sources: set[str] = field(default_factory=set)
    #: accepted with a warning: message -> rows (file, row or SDMX place)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def warn(self, message: str, row: ParsedRow) -> None:
        self.warnings.setdefault(message, []).append(row.where or str(row.row))


def key_too_long(row: ParsedRow, key: str) -> Problem | None:
    """A disaggregation key the database column cannot hold, refused before anything is stored."""
    if len(key) <= MAX_KEY:
        return None
    return Problem(
        file=row.file,
        row=row.row,
        column="disaggregation",
        value=key,
        reason=_(
            "the breakdown is %(length)s characters long once written as a key; the portal "
            "holds at most %(max)s: use shorter codes or fewer breakdown columns"
        )
        % {"length": len(key), "max": MAX_KEY},
        where=row.where,
    )
