"""Training, missions, expert profiles and grants over the API, read only, for members (the
pages' own check: ``meetings.permissions.can_view_capacity``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission

from meetings import permissions
from meetings.models import ExpertProfile, Grant, Mission, TraineeCount, Training
from portal.api.inputs import StrictQueryMixin

from . import selectors


class CanViewCapacity(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return permissions.can_view_capacity(request.user)


class TraineeOutput(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True)

    class Meta:
        model = TraineeCount
        fields = ["country", "women", "men"]


class TrainingOutput(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True, allow_null=True)
    organiser = serializers.StringRelatedField()
    activity = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    trainees = TraineeOutput(many=True, read_only=True)
    average_score = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "kind",
            "topic",
            "organiser",
            "activity",
            "meeting",
            "start_date",
            "end_date",
            "city",
            "country",
            "materials_url",
            "trainees",
            "average_score",
        ]

    def get_average_score(self, training: Training) -> str | None:
        evaluation = getattr(training, "evaluation", None)
        return None if evaluation is None else str(evaluation.average_score)


class MissionOutput(serializers.ModelSerializer):
    sending = serializers.StringRelatedField()
    host_country = serializers.SlugRelatedField(slug_field="iso3", read_only=True)
    activity = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    experts = serializers.StringRelatedField(many=True)

    class Meta:
        model = Mission
        fields = [
            "id",
            "kind",
            "topic",
            "sending",
            "host_country",
            "experts",
            "activity",
            "start_date",
            "end_date",
            "outputs",
        ]


class ExpertOutput(serializers.ModelSerializer):
    organisation = serializers.StringRelatedField()
    topics = serializers.ListField(source="topic_list", child=serializers.CharField())

    class Meta:
        model = ExpertProfile
        fields = ["id", "name", "organisation", "topics", "languages", "available"]


class GrantOutput(serializers.ModelSerializer):
    donor = serializers.CharField(source="donor_label")
    activities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id",
            "title",
            "donor",
            "amount",
            "currency",
            "status",
            "start_date",
            "end_date",
            "activities",
            "meetings",
        ]


class TrainingListApi(StrictQueryMixin, generics.ListAPIView):
    """Trainings, the latest first, with their trainees by country and sex."""

    serializer_class = TrainingOutput
    permission_classes = [CanViewCapacity]

    def get_queryset(self) -> QuerySet[Training]:
        return (
            selectors.trainings()
            .prefetch_related("trainees__country")
            .order_by("-start_date", "pk")
        )


class MissionListApi(StrictQueryMixin, generics.ListAPIView):
    """Technical-assistance and horizontal-cooperation missions, the latest first."""

    serializer_class = MissionOutput
    permission_classes = [CanViewCapacity]

    def get_queryset(self) -> QuerySet[Mission]:
        return selectors.missions().order_by("-start_date", "pk")


class ExpertListApi(StrictQueryMixin, generics.ListAPIView):
    """Experts' profiles by topic, for horizontal cooperation."""

    serializer_class = ExpertOutput
    permission_classes = [CanViewCapacity]

    def get_queryset(self) -> QuerySet[ExpertProfile]:
        return selectors.experts().order_by("name", "pk")


class GrantListApi(StrictQueryMixin, generics.ListAPIView):
    """Grants and projects with donor, amount (a decimal string, blank when not stated),
    currency and the programme activities they pay for."""

    serializer_class = GrantOutput
    permission_classes = [CanViewCapacity]

    def get_queryset(self) -> QuerySet[Grant]:
        return selectors.grants().order_by("-start_date", "pk")
