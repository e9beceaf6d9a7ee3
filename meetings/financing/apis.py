"""Fund-raising consultations over the API, read only, for members (the pages' check)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import generics, serializers

from meetings.capacity.apis import CanViewCapacity
from meetings.models import Consultation
from portal.api.inputs import StrictQueryMixin

from . import selectors


class ConsultationOutput(serializers.ModelSerializer):
    donor = serializers.CharField(source="donor_label")
    activity = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "date",
            "donor",
            "activity",
            "project",
            "amount_sought",
            "currency",
            "status",
            "outcome",
            "notes",
        ]


class ConsultationListApi(StrictQueryMixin, generics.ListAPIView):
    """Fund-raising consultations, the latest first: donor or organisation, activity and
    project, amount sought (a decimal string, blank when none was named), currency, status."""

    serializer_class = ConsultationOutput
    permission_classes = [CanViewCapacity]

    def get_queryset(self) -> QuerySet[Consultation]:
        return selectors.consultations()
