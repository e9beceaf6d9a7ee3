"""The work programme: bienniums, the activity timeline and the biennium report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from .. import permissions
from ..models import (
    Activity,
    Biennium,
    Document,
    Meeting,
)

# --- the work programme -------------------------------------------------------------------
from .meetings import visible_meetings


def bienniums() -> list[Biennium]:
    return list(Biennium.objects.annotate(n_activities=Count("activities")))


@dataclass(frozen=True)
class TimelineBar:
    activity: Activity
    depth: int
    x: int
    width: int
    y: int
    open_ended: bool
    label: str
    label_x: int


@dataclass(frozen=True)
class Timeline:
    bars: list[TimelineBar]
    years: list[tuple[int, int]]
    width: int
    height: int
    label_width: int


def _activity_tree(biennium: Biennium) -> list[tuple[Activity, int]]:
    activities = list(
        biennium.activities.select_related("objective").prefetch_related(
            "meetings", "lead_organisations"
        )
    )
    children: dict[int | None, list[Activity]] = defaultdict(list)
    for activity in activities:
        children[activity.parent_id].append(activity)
    ordered: list[tuple[Activity, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for child in children.get(parent, []):
            ordered.append((child, depth))
            walk(child.pk, depth + 1)

    walk(None, 0)
    return ordered


def timeline(
    *, biennium: Biennium, width: int = 640, row: int = 22, label_width: int = 330
) -> Timeline:
    """Geometry of the activities' timeline; open-ended activities run to the chart's end."""
    tree = _activity_tree(biennium)
    dates = [d for a, _ in tree for d in (a.start_date, a.end_date) if d]
    first = min([dt.date(biennium.start_year, 1, 1), *dates])
    last = max([dt.date(biennium.end_year, 12, 31), *dates])
    first, last = dt.date(first.year, 1, 1), dt.date(last.year, 12, 31)
    span = (last - first).days or 1

    def x(day: dt.date) -> int:
        return label_width + round(width * (day - first).days / span)

    bars = []
    for i, (activity, depth) in enumerate(tree):
        start = activity.start_date or first
        end = activity.end_date or last
        text = f"{activity.code} {activity.title}"
        limit = 52 - 3 * depth
        label = text if len(text) <= limit else text[: limit - 1] + "…"
        bars.append(
            TimelineBar(
                activity=activity,
                depth=depth,
                x=x(start),
                width=max(x(end) - x(start), 3),
                y=24 + i * row,
                open_ended=activity.end_date is None,
                label=label,
                label_x=4 + 14 * depth,
            )
        )
    years = [(year, x(dt.date(year, 1, 1))) for year in range(first.year, last.year + 1)]
    return Timeline(
        bars, years, label_width + width + 10, max(len(bars), 1) * row + 30, label_width
    )


@dataclass
class ActivityReport:
    activity: Activity
    depth: int
    meetings: list[Meeting]
    documents: list[Document]

    @property
    def done(self) -> bool:
        return self.activity.status == Activity.Status.DONE


def biennium_report(*, biennium: Biennium, user: Any) -> list[dict[str, Any]]:
    """Objectives with their activities, what was done (meetings, documents), what remains."""
    tree = _activity_tree(biennium)
    visible = set(visible_meetings(user=user).values_list("pk", flat=True))
    documents: dict[int, list[Document]] = defaultdict(list)
    for document in (
        Document.objects.filter(meeting__activities__biennium=biennium, meeting_id__in=visible)
        .select_related("meeting")
        .distinct()
    ):
        if permissions.can_view_document(user, document):
            documents[document.meeting_id].append(document)
    by_objective: dict[int | None, list[ActivityReport]] = defaultdict(list)
    for activity, depth in tree:
        meetings = [m for m in activity.meetings.all() if m.pk in visible]
        docs = [d for m in meetings for d in documents.get(m.pk, [])]
        by_objective[activity.objective_id].append(ActivityReport(activity, depth, meetings, docs))
    sections: list[dict[str, Any]] = [
        {
            "objective": objective,
            "done": [r for r in by_objective.get(objective.pk, []) if r.done],
            "activities": by_objective.get(objective.pk, []),
        }
        for objective in biennium.objectives.all()
    ]
    if by_objective.get(None):
        sections.append({"objective": None, "activities": by_objective[None], "done": []})
    for section in sections:
        section["remaining"] = [
            r
            for r in section["activities"]
            if not r.done and r.activity.status != Activity.Status.DROPPED
        ]
    return sections
