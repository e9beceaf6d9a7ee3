"""Meetings over the API, read only: the calendar and one meeting with its agenda, documents and
outcomes. Every check is the pages' own (meetings.permissions through meetings.selectors): a
restricted meeting is visible to its listed organisations, organisers and participants and to
the secretariat only; documents are filtered one by one; participants are listed only when
they agreed to publish their name."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.errors import ERRORS
from portal.api.inputs import StrictQueryMixin, user_of

from . import permissions, selectors
from .models import (
    ActionItem,
    Activity,
    AgendaItem,
    Document,
    DocumentVersion,
    Meeting,
    MeetingPartner,
    Participant,
    Session,
    Visibility,
)


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", "example": "09:30:00"}
)
class LocalTimeField(serializers.TimeField):
    """A time of day in the meeting's own time zone (`time_zone`), so without a UTC offset:
    not an RFC 3339 `time`, which needs one."""


class MeetingSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TimeField: LocalTimeField,
    }


class ParticipationOutput(serializers.Serializer):
    total = serializers.IntegerField(
        allow_null=True,
        help_text=_("From the list of participants when there is one, else as reported."),
    )
    female = serializers.IntegerField(allow_null=True)
    listed_total = serializers.IntegerField()
    listed_female = serializers.IntegerField()
    reported_total = serializers.IntegerField(allow_null=True)
    reported_female = serializers.IntegerField(allow_null=True)
    from_attendance = serializers.BooleanField(
        help_text=_("The listed figures count those who attended (else those registered).")
    )


class MeetingOutput(MeetingSerializer):
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True, allow_null=True)
    participation = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "mode",
            "status",
            "visibility",
            "thematic_focus",
            "city",
            "country",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "time_zone",
            "participation",
        ]

    @extend_schema_field(ParticipationOutput)
    def get_participation(self, meeting: Meeting) -> dict[str, Any]:
        return ParticipationOutput(selectors.participation(meeting)).data


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices)
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices)
    theme = django_filters.CharFilter(field_name="thematic_focus")
    country = django_filters.CharFilter(
        method="filter_country",
        label=_("ISO 3166 alpha-3: meetings held in the country or organised by it."),
    )
    date_from = django_filters.DateFilter(field_name="end_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["kind", "status", "visibility", "theme", "country", "date_from", "date_to"]

    def filter_country(
        self, queryset: QuerySet[Meeting], name: str, value: str
    ) -> QuerySet[Meeting]:
        partnered = MeetingPartner.objects.filter(country__iso3=value.upper()).values("meeting_id")
        return queryset.filter(Q(country__iso3=value.upper()) | Q(pk__in=partnered))


class MeetingListApi(StrictQueryMixin, generics.ListAPIView):
    """Meetings, workshops and seminars you may see, the latest first, with their participation
    (total and female)."""

    serializer_class = MeetingOutput
    filterset_class = MeetingFilter

    def get_queryset(self) -> QuerySet[Meeting]:
        meetings = selectors.visible_meetings(user=user_of(self.request)).select_related("country")
        return selectors._with_counts(meetings).order_by("-start_date", "-pk")


class PartnerOutput(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True, allow_null=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = MeetingPartner
        fields = ["role", "label", "country", "agency"]


class AgendaItemOutput(MeetingSerializer):
    class Meta:
        model = AgendaItem
        fields = ["title", "start_time", "end_time", "speakers", "description"]


class SessionOutput(MeetingSerializer):
    items = AgendaItemOutput(many=True, read_only=True)

    class Meta:
        model = Session
        fields = ["title", "date", "start_time", "end_time", "chairs", "items"]


class DocumentVersionOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = ["number", "original_name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, version: DocumentVersion) -> str:
        return reverse("meetings:document_download", args=[version.pk])


class DocumentOutput(serializers.ModelSerializer):
    agenda_item = serializers.CharField(source="agenda_item.title", read_only=True, allow_null=True)
    versions = DocumentVersionOutput(many=True, read_only=True)

    class Meta:
        model = Document
        fields = ["id", "title", "kind", "language", "visibility", "agenda_item", "versions"]


class ActionOutput(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_date", "status", "is_overdue"]


class ActivityOutput(serializers.ModelSerializer):
    biennium = serializers.CharField(source="biennium.period", read_only=True)

    class Meta:
        model = Activity
        fields = ["code", "title", "biennium"]


class PublishedParticipantOutput(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation_label", read_only=True)
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True, allow_null=True)

    class Meta:
        model = Participant
        fields = ["full_name", "organisation", "country"]


class MeetingDetailOutput(MeetingOutput):
    # What meetings.selectors.meeting_page gives the page, set on the meeting as `page`.
    organisers = PartnerOutput(source="page.organisers", many=True, read_only=True)
    funders = PartnerOutput(source="page.funders", many=True, read_only=True)
    activities = ActivityOutput(source="page.activities", many=True, read_only=True)
    sessions = SessionOutput(source="page.sessions", many=True, read_only=True)
    documents = DocumentOutput(
        source="page.documents",
        many=True,
        read_only=True,
        help_text=_("Only the documents you may open."),
    )
    conclusions = serializers.ListField(
        source="page.conclusions", child=serializers.CharField(), read_only=True
    )
    actions = ActionOutput(source="page.actions", many=True, read_only=True)
    participants = PublishedParticipantOutput(
        source="page.participants",
        many=True,
        read_only=True,
        help_text=_("Only the participants who agreed to publish their name."),
    )
    my_attendance = serializers.CharField(
        source="page.my_attendance",
        read_only=True,
        allow_null=True,
        help_text=_("Your registration's attendance; null when you are not on the list."),
    )
    can_register = serializers.BooleanField(source="page.can_register", read_only=True)

    class Meta(MeetingOutput.Meta):
        fields = [
            *MeetingOutput.Meta.fields,
            "objectives",
            "summary",
            "online_url",
            "external_url",
            "organisers",
            "funders",
            "activities",
            "sessions",
            "documents",
            "conclusions",
            "actions",
            "participants",
            "my_attendance",
            "can_register",
        ]


class MeetingDetailApi(StrictQueryMixin, APIView):
    """One meeting as its page shows it to you; a meeting you may not see is a 404."""

    @extend_schema(responses={200: MeetingDetailOutput, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        user = user_of(request)
        try:
            meeting = selectors.meeting_for_page(pk=pk)
        except Meeting.DoesNotExist as exc:
            raise NotFound() from exc
        if not permissions.can_view_meeting(user, meeting):
            raise NotFound()
        page = selectors.meeting_page(meeting=meeting, user=user)
        registration = page["registration"]
        meeting.page = {  # type: ignore[attr-defined]
            "organisers": page["organisers"],
            "funders": page["funders"],
            "activities": page["activities"],
            "sessions": page["sessions"],
            "documents": page["documents"],
            "conclusions": [c.text for c in page["conclusions"]],
            "actions": page["actions"],
            "participants": page["published_participants"],
            "my_attendance": registration.attendance if registration else None,
            "can_register": permissions.can_register(user, meeting),
        }
        return Response(MeetingDetailOutput(meeting).data)
