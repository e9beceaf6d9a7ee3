"""Which meetings a user may see, the calendar and its filters, what a meeting page shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from portal import permissions as base
from portal.models import Country

from .. import permissions
from ..models import (
    AgendaItem,
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
