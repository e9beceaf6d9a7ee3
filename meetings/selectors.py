"""Reads of the meetings app: what a user may see, the calendar, statistics, the programme."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import permissions as base
from portal.models import Country, User
from portal.selectors import AttentionItem

from . import permissions
from .models import (
    ActionItem,
    Activity,
    AgendaItem,
    Biennium,
    Document,
    DocumentVersion,
    Meeting,
    MeetingPartner,
    Participant,
    Session,
    Visibility,
)

ORGANISING_ROLES = [MeetingPartner.Role.ORGANISER, MeetingPartner.Role.CO_ORGANISER]


def visible_meetings(*, user: Any) -> QuerySet[Meeting]:
    """Meetings the user may see (see meetings.permissions for the rules)."""
    meetings = Meeting.objects.all()
    if base.is_coordinator(user):
        return meetings
    if not base.is_member(user):
        return meetings.filter(visibility=Visibility.PUBLIC)
    restricted = Q(participants__user=user)
    org = user.organisation
    if org is not None:
        restricted |= Q(allowed_organisations=org)
        restricted |= Q(partners__role__in=ORGANISING_ROLES, partners__organisation=org)
        if org.agency_id:
            restricted |= Q(partners__role__in=ORGANISING_ROLES, partners__agency_id=org.agency_id)
        if org.country_id and org.kind != "agency":
            restricted |= Q(
                partners__role__in=ORGANISING_ROLES, partners__country_id=org.country_id
            )
    listed = Meeting.objects.filter(restricted).values("pk")
    return meetings.filter(
        Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(pk__in=listed)
    )


def _with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    attended = Q(participants__attendance=Participant.Attendance.ATTENDED)
    registered = ~Q(
        participants__attendance__in=[Participant.Attendance.ABSENT, Participant.Attendance.EXCUSED]
    )
    female = Q(participants__sex=Participant.Sex.FEMALE)
    return meetings.annotate(
        n_attended=Count("participants", filter=attended),
        n_attended_female=Count("participants", filter=attended & female),
        n_registered=Count("participants", filter=registered & Q(participants__isnull=False)),
        n_registered_female=Count("participants", filter=registered & female),
    )


@dataclass(frozen=True)
class Participation:
    """Totals from the list of participants, and the totals reported directly."""

    listed_total: int
    listed_female: int
    reported_total: int | None
    reported_female: int | None
    from_attendance: bool

    @property
    def has_list(self) -> bool:
        return self.listed_total > 0

    @property
    def total(self) -> int | None:
        return self.listed_total if self.has_list else self.reported_total

    @property
    def female(self) -> int | None:
        return self.listed_female if self.has_list else self.reported_female

    @property
    def disagrees(self) -> bool:
        if not self.has_list or self.reported_total is None:
            return False
        return self.reported_total != self.listed_total or (
            self.reported_female is not None and self.reported_female != self.listed_female
        )


def participation(meeting: Meeting) -> Participation:
    """Needs a meeting from `_with_counts` (or counts it with two queries)."""
    if not hasattr(meeting, "n_attended"):
        meeting = _with_counts(Meeting.objects.filter(pk=meeting.pk)).get()
    held = meeting.status == Meeting.Status.HELD
    use_attendance = held and meeting.n_attended > 0  # type: ignore[attr-defined]
    if use_attendance:
        total, female = meeting.n_attended, meeting.n_attended_female  # type: ignore[attr-defined]
    elif held:
        total, female = 0, 0
    else:
        total, female = meeting.n_registered, meeting.n_registered_female  # type: ignore[attr-defined]
    return Participation(
        total, female, meeting.reported_total, meeting.reported_female, use_attendance
    )


@dataclass
class CalendarFilters:
    kind: str = ""
    theme: str = ""
    country: str = ""


def calendar(*, user: Any, filters: CalendarFilters) -> dict[str, Any]:
    """Upcoming and past meetings the user may see, filtered; a fixed number of queries."""
    meetings = visible_meetings(user=user).select_related("country")
    if filters.kind:
        meetings = meetings.filter(kind=filters.kind)
    if filters.theme:
        meetings = meetings.filter(thematic_focus=filters.theme)
    if filters.country:
        meetings = meetings.filter(
            Q(country__iso3=filters.country) | Q(partners__country__iso3=filters.country)
        ).distinct()
    meetings = _with_counts(meetings).prefetch_related(
        Prefetch(
            "partners",
            queryset=MeetingPartner.objects.select_related("country", "agency", "organisation"),
        )
    )
    today = timezone.localdate()
    rows = list(meetings)
    for meeting in rows:
        meeting.participation = participation(meeting)  # type: ignore[attr-defined]
    upcoming = sorted((m for m in rows if m.end_date >= today), key=lambda m: m.start_date)
    past = [m for m in rows if m.end_date < today]
    return {"upcoming": upcoming, "past": past}


def filter_choices(*, user: Any) -> dict[str, Any]:
    meetings = visible_meetings(user=user)
    themes = sorted(
        {t for t in meetings.exclude(thematic_focus="").values_list("thematic_focus", flat=True)}
    )
    country_ids = set(meetings.exclude(country=None).values_list("country_id", flat=True))
    country_ids |= set(
        MeetingPartner.objects.filter(meeting__in=meetings, country__isnull=False).values_list(
            "country_id", flat=True
        )
    )
    return {
        "kinds": Meeting.Kind.choices,
        "themes": themes,
        "countries": list(Country.objects.filter(pk__in=country_ids)),
    }


def meeting_for_page(*, pk: int) -> Meeting:
    meeting = _with_counts(Meeting.objects.filter(pk=pk)).select_related("country").get()
    meeting.participation = participation(meeting)  # type: ignore[attr-defined]
    return meeting


def meeting_page(*, meeting: Meeting, user: Any) -> dict[str, Any]:
    """Everything the meeting page shows, filtered by what the user may see."""
    partners = list(meeting.partners.select_related("country", "agency", "organisation"))
    sessions = list(
        Session.objects.filter(meeting=meeting).prefetch_related(
            Prefetch("items", queryset=AgendaItem.objects.order_by("start_time", "order", "pk"))
        )
    )
    documents = [
        d
        for d in Document.objects.filter(meeting=meeting)
        .select_related("meeting", "agenda_item")
        .prefetch_related(
            Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number"))
        )
        if permissions.can_view_document(user, d)
    ]
    registration = None
    if base.is_member(user):
        registration = meeting.participants.filter(user=user).first()
    published = meeting.participants.filter(consent_to_publish=True).select_related(
        "organisation", "country"
    )
    return {
        "partners": partners,
        "organisers": [p for p in partners if p.role != MeetingPartner.Role.FUNDER],
        "funders": [p for p in partners if p.role == MeetingPartner.Role.FUNDER],
        "sessions": sessions,
        "documents": documents,
        "registration": registration,
        "published_participants": list(published),
        "conclusions": list(meeting.conclusions.all()),
        "actions": list(meeting.actions.select_related("owner")),
        "activities": list(meeting.activities.select_related("biennium")),
    }


def participant_list(*, meeting: Meeting) -> list[Participant]:
    return list(
        meeting.participants.select_related("organisation", "country", "user").order_by("full_name")
    )


def open_actions(*, user: Any) -> list[ActionItem]:
    """Open follow-up actions of every meeting the user may see, oldest due first."""
    return list(
        ActionItem.objects.filter(
            status__in=ActionItem.OPEN_STATUSES, meeting__in=visible_meetings(user=user)
        )
        .select_related("meeting", "owner")
        .order_by("due_date", "pk")
    )


def attention_items(*, user: User) -> list[AttentionItem]:
    """Upcoming meetings I am registered for; my organisation's actions due soon or overdue."""
    if not base.is_member(user):
        return []
    today = timezone.localdate()
    items: list[AttentionItem] = []
    registrations = (
        Participant.objects.filter(
            user=user, meeting__end_date__gte=today, meeting__status=Meeting.Status.PLANNED
        )
        .select_related("meeting")
        .order_by("meeting__start_date")
    )
    for reg in registrations:
        items.append(
            AttentionItem(
                title=_("Meeting: %(title)s") % {"title": reg.meeting.title},
                url=reverse("meetings:detail", args=[reg.meeting_id]),
                detail=_("You are registered; it starts on %(date)s.")
                % {"date": date_format(reg.meeting.start_date)},
            )
        )
    if user.organisation_id:
        soon = today + dt.timedelta(days=14)
        actions = ActionItem.objects.filter(
            owner_id=user.organisation_id,
            status__in=ActionItem.OPEN_STATUSES,
            due_date__lte=soon,
        ).select_related("meeting")
        for action in actions:
            overdue = action.due_date is not None and action.due_date < today
            items.append(
                AttentionItem(
                    title=_("Follow-up action: %(action)s") % {"action": action.description[:80]},
                    url=reverse("meetings:detail", args=[action.meeting_id]) + "#outcomes",
                    detail=(_("Overdue since %(date)s") if overdue else _("Due on %(date)s"))
                    % {"date": date_format(action.due_date or today)},
                    level="warning" if overdue else "info",
                )
            )
    return items


# --- participation statistics -------------------------------------------------------------


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


# --- the work programme -------------------------------------------------------------------


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
