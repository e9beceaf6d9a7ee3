"""Participation statistics by sex, country and type of institution, and their bar chart."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from portal.models import Country

from ..models import (
    Meeting,
    Participant,
)

# --- participation statistics -------------------------------------------------------------
from .meetings import visible_meetings


@dataclass
class StatRow:
    label: str
    meetings: int = 0
    total: int = 0
    female: int = 0

    @property
    def female_share(self) -> float | None:
        return round(100 * self.female / self.total, 1) if self.total else None


@dataclass
class Statistics:
    by_year: list[StatRow] = field(default_factory=list)
    by_kind: list[StatRow] = field(default_factory=list)
    by_country: list[StatRow] = field(default_factory=list)
    by_sex: list[StatRow] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    total: StatRow = field(default_factory=lambda: StatRow(""))


def _rows(groups: dict[str, StatRow], meetings: dict[str, set[int]]) -> list[StatRow]:
    for key, row in groups.items():
        row.meetings = len(meetings[key])
    return list(groups.values())


def participation_statistics(*, user: Any) -> Statistics:
    """Participants of held meetings by year, type, country and sex.

    Meetings with a list count those who attended; meetings with counts only (e.g. 47/21)
    count their reported totals, with country "not recorded". Returns the records too,
    one per (meeting, country, sex), for the exports.
    """
    held = visible_meetings(user=user).filter(status=Meeting.Status.HELD)
    attended = Participant.objects.filter(
        meeting__in=held, attendance=Participant.Attendance.ATTENDED
    )
    kinds = dict(Meeting.Kind.choices)
    sexes = dict(Participant.Sex.choices)
    records: list[dict[str, Any]] = []
    counted = (
        attended.values(
            "meeting_id", "meeting__start_date", "meeting__kind", "country__iso3", "sex"
        )
        .annotate(n=Count("pk"))
        .order_by("meeting__start_date", "meeting_id", "country__iso3", "sex")
    )
    countries = {c.iso3: c.name for c in Country.objects.all()}
    not_recorded = _("not recorded")
    for row in counted:
        records.append(
            {
                "meeting_id": row["meeting_id"],
                "year": row["meeting__start_date"].year,
                "kind": str(kinds[row["meeting__kind"]]),
                "country": countries.get(row["country__iso3"], not_recorded),
                "sex": str(sexes[row["sex"]]),
                "female": row["sex"] == Participant.Sex.FEMALE,
                "participants": row["n"],
            }
        )
    counts_only = held.filter(reported_total__isnull=False).exclude(
        Exists(attended.filter(meeting_id=OuterRef("pk")))
    )
    male_or_not_stated = _("male or not stated")
    for meeting in counts_only.order_by("start_date"):
        female = meeting.reported_female or 0
        base_record = {
            "meeting_id": meeting.pk,
            "year": meeting.start_date.year,
            "kind": str(kinds[meeting.kind]),
            "country": not_recorded,
        }
        records.append(
            {**base_record, "sex": str(sexes["female"]), "female": True, "participants": female}
        )
        rest = (meeting.reported_total or 0) - female
        records.append(
            {**base_record, "sex": male_or_not_stated, "female": False, "participants": rest}
        )
    return _aggregate(records)


def _aggregate(records: list[dict[str, Any]]) -> Statistics:
    stats = Statistics(records=records)
    groups: dict[str, dict[str, StatRow]] = defaultdict(dict)
    meetings: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for record in records:
        for dimension in ("year", "kind", "country", "sex"):
            key = str(record[dimension])
            row = groups[dimension].setdefault(key, StatRow(key))
            row.total += record["participants"]
            row.female += record["participants"] if record["female"] else 0
            if record["participants"]:
                meetings[dimension][key].add(record["meeting_id"])
        stats.total.total += record["participants"]
        stats.total.female += record["participants"] if record["female"] else 0
    stats.total.meetings = len({r["meeting_id"] for r in records if r["participants"]})
    stats.by_year = sorted(_rows(groups["year"], meetings["year"]), key=lambda r: r.label)
    stats.by_kind = sorted(_rows(groups["kind"], meetings["kind"]), key=lambda r: -r.total)
    stats.by_country = sorted(_rows(groups["country"], meetings["country"]), key=lambda r: -r.total)
    stats.by_sex = sorted(_rows(groups["sex"], meetings["sex"]), key=lambda r: -r.total)
    return stats


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    female: int
    y: int
    total_width: int
    female_width: int


def chart_bars(rows: list[StatRow], *, width: int = 480, height: int = 26) -> list[Bar]:
    """Geometry of a horizontal bar chart (inline SVG): total and female per row."""
    peak = max((r.total for r in rows), default=0) or 1
    return [
        Bar(
            label=row.label,
            total=row.total,
            female=row.female,
            y=i * height,
            total_width=round(width * row.total / peak),
            female_width=round(width * row.female / peak),
        )
        for i, row in enumerate(rows)
    ]
