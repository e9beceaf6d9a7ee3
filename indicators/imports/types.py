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
    #: the time period as published when it is not a plain year ("2014-15", "2000-Q1..2000-Q4")
    period: str = ""
    #: where the row is, for messages, when a row number means little (SDMX: series key, period)
    where: str = ""
    #: the indicator was told from the file name (indicator_3-2-1.csv): an indicator the portal
    #: does not have is then an untracked one, not a typing slip
    named_by_file: bool = False
    #: SDMX REPORTING_TYPE: N national, G global; makes two values of one year distinct
    reporting_type: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a file, a row or a cell was refused; ``reason`` is a lazy translatable string."""

    file: str
    row: int | None
    column: str
    value: str
    reason: Any
    #: where in the file, when a row number means little (SDMX: series key and period)
    where: str = ""
    #: what sort of problem, when the reason names rows or values ("duplicate"): for grouping
    kind: str = ""
    #: the row refused, when the problem is about one read row (a duplicate): the import
    #: drops the problem when that row belongs to a series the portal does not track
    subject: ParsedRow | None = None

    @property
    def place(self) -> str:
        """The row as a focal point finds it: the SDMX series key and period, else the row number."""
        if self.where:
            return self.where
        return "" if self.row is None else str(self.row)


@dataclass
class ParseResult:
    """Rows and problems of one upload; the upload is acceptable only if ``problems`` is empty."""

    rows: list[ParsedRow]
    problems: list[Problem]
    format: str
    skipped_blank: int = 0
    encoding: str = ""
    notes: list[Any] = field(default_factory=list)
    #: observations read but not usable by the engine (a quarter of an incomplete year): label -> rows
    not_used: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


#: the kind of an unknown area code's problem
UNKNOWN_AREA = "unknown_area"
#: kinds of problem shown as one line for the whole upload, listing every distinct value
#: (unknown area codes: the secretariat maps them all at once)
ONE_LINE_KINDS = frozenset({UNKNOWN_AREA})


@dataclass
class ProblemGroup:
    """One distinct problem of an upload: how many rows have it, and the first of them."""

    file: str
    column: str
    reason: Any
    count: int = 0
    places: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    kind: str = ""

    FIRST = 3

    @property
    def more(self) -> bool:
        return self.count > len(self.places)


def group_problems(problems: list[Problem]) -> list[ProblemGroup]:
    """One line per distinct problem (file, column, reason), with its count and first rows.

    "3.2.1 is measured in PER_1000_LIVE_BIRTHS, not in this unit" on 391 rows is one line
    naming the first three rows and the values seen, never 391 lines.
    """
    groups: dict[tuple[str, str, str], ProblemGroup] = {}
    for problem in problems:
        every_file = problem.kind in ONE_LINE_KINDS
        key = (
            "" if every_file else problem.file,
            problem.column,
            problem.kind or str(problem.reason),
        )
        group = groups.get(key)
        if group is None:
            group = groups[key] = ProblemGroup(
                problem.file, problem.column, problem.reason, kind=problem.kind
            )
        elif every_file and problem.file not in group.file.split(", "):
            group.file = f"{group.file}, {problem.file}"
        group.count += 1
        if len(group.places) < ProblemGroup.FIRST and problem.place:
            group.places.append(problem.place)
        if problem.value not in group.values and (
            every_file or len(group.values) < ProblemGroup.FIRST
        ):
            group.values.append(problem.value)
    return list(groups.values())
