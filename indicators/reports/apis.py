# mypy: disable-error-code="var-annotated"
# (DRF serializer fields are generic in the stubs, as for every *.apis module in pyproject.toml.)
"""The results API: engine runs, assessment and discrepancy results, discrepancy cases, and the
results export. Results are computed from published data only, so every member reads them, as
on the report pages (indicators.reports.views: portal.permissions.can_view_published)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators import data_exports
from indicators.engine.assess import ASSESS_COLUMNS
from indicators.engine.discrepancies import DISCREPANCY_COLUMNS
from indicators.models import (
    AggregateResult,
    CaseComment,
    DiscrepancyCase,
    DiscrepancyResult,
    EngineRun,
    SeriesResult,
)
from indicators.models.results import Category, DiscrepancyStatus, Source
from portal import permissions as base
from portal.api.errors import ERRORS
from portal.api.inputs import StrictQueryMixin, user_of
from portal.api.pagination import CursorPage
from portal.api.reference import BOOLEAN


class CanViewPublished(BasePermission):
    """The report pages' rule (portal.permissions.can_view_published): any active member."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return base.can_view_published(request.user)


MEMBERS = [IsAuthenticated, CanViewPublished]


def _flag(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    return queryset.filter(**{name: value == "true"})


# --- engine runs --------------------------------------------------------------------------


class EngineRunOutput(serializers.ModelSerializer):
    started_by = serializers.CharField(
        source="started_by.full_name",
        read_only=True,
        allow_null=True,
        help_text=_("The user who started the run; null for scheduled and automatic runs."),
    )
    duration = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("Seconds from start to finish.")
    )

    class Meta:
        model = EngineRun
        fields = [
            "id",
            "trigger",
            "started_by",
            "status",
            "indicator_codes",
            "country_codes",
            "region_codes",
            "parameters",
            "counts",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "duration",
        ]


class EngineRunDetailOutput(EngineRunOutput):
    class Meta(EngineRunOutput.Meta):
        fields = [*EngineRunOutput.Meta.fields, "inputs", "problems"]


class EngineRunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EngineRun.Status.choices)
    trigger = django_filters.ChoiceFilter(choices=EngineRun.Trigger.choices)

    class Meta:
        model = EngineRun
        fields = ["status", "trigger"]


class EngineRunListApi(StrictQueryMixin, generics.ListAPIView):
    """Runs of the indicator engine, newest first: trigger, who started it, status, counts."""

    serializer_class = EngineRunOutput
    filterset_class = EngineRunFilter
    permission_classes = MEMBERS

    def get_queryset(self) -> QuerySet[EngineRun]:
        return EngineRun.objects.select_related("started_by").order_by("-pk")


class EngineRunDetailApi(StrictQueryMixin, generics.RetrieveAPIView):
    """One run with its inputs (sheet and release versions) and every problem it met."""

    serializer_class = EngineRunDetailOutput
    permission_classes = MEMBERS
    pagination_class = None
    queryset = EngineRun.objects.select_related("started_by")


# --- assessment results -------------------------------------------------------------------


class SeriesResultOutput(serializers.ModelSerializer):
    run = serializers.IntegerField(source="run_id", read_only=True)
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sheet = serializers.IntegerField(source="sheet_id", read_only=True, allow_null=True)
    release = serializers.IntegerField(source="release_id", read_only=True, allow_null=True)

    class Meta:
        model = SeriesResult
        fields = [
            "id",
            "run",
            *ASSESS_COLUMNS,
            "is_headline",
            "t_star_never",
            "sheet",
            "sheet_version",
            "release",
            "agency",
        ]


class SeriesResultFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="country__iso3")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    source = django_filters.ChoiceFilter(choices=Source.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    region = django_filters.CharFilter(field_name="country__regions__code")
    series = django_filters.CharFilter(field_name="series")
    headline = django_filters.ChoiceFilter(
        choices=BOOLEAN, method="filter_flag", field_name="is_headline"
    )

    class Meta:
        model = SeriesResult
        fields = ["country", "indicator", "source", "category", "region", "series", "headline"]

    def filter_flag(
        self, queryset: QuerySet[SeriesResult], name: str, value: str
    ) -> QuerySet[SeriesResult]:
        return _flag(queryset, name, value)


class SeriesResultListApi(StrictQueryMixin, generics.ListAPIView):
    """The current classification of every series, national and international: first and latest
    values, baseline and target, trend model and rate, t* and the category."""

    serializer_class = SeriesResultOutput
    filterset_class = SeriesResultFilter
    pagination_class = CursorPage
    permission_classes = MEMBERS

    def get_queryset(self) -> QuerySet[SeriesResult]:
        return SeriesResult.objects.filter(is_current=True).select_related(
            "country", "indicator", "agency"
        )


class AggregateResultOutput(serializers.ModelSerializer):
    run = serializers.IntegerField(source="run_id", read_only=True)
    region = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("Null: every member country of the working group."),
    )
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AggregateResult
        fields = [
            "id",
            "run",
            "region",
            "indicator",
            "source",
            "category",
            "year0",
            "value0",
            "year1",
            "value1",
            "coverage",
            "without_population",
            "n_members",
            "n_imputed",
            "t_star",
            "t_star_never",
        ]


class AggregateResultFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code")
    group = django_filters.ChoiceFilter(
        choices=BOOLEAN,
        method="filter_group",
        label=_("true: only the whole group's aggregates; false: only regions'."),
    )
    indicator = django_filters.CharFilter(field_name="indicator__code")
    source = django_filters.ChoiceFilter(choices=Source.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)

    class Meta:
        model = AggregateResult
        fields = ["region", "group", "indicator", "source", "category"]

    def filter_group(
        self, queryset: QuerySet[AggregateResult], name: str, value: str
    ) -> QuerySet[AggregateResult]:
        return queryset.filter(region__isnull=value == "true")


class AggregateResultListApi(StrictQueryMixin, generics.ListAPIView):
    """The current population-weighted aggregates of regions and of the whole group."""

    serializer_class = AggregateResultOutput
    filterset_class = AggregateResultFilter
    pagination_class = CursorPage
    permission_classes = MEMBERS

    def get_queryset(self) -> QuerySet[AggregateResult]:
        return AggregateResult.objects.filter(is_current=True).select_related("region", "indicator")


# --- discrepancies ------------------------------------------------------------------------


class DiscrepancyResultOutput(serializers.ModelSerializer):
    run = serializers.IntegerField(source="run_id", read_only=True)
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = DiscrepancyResult
        fields = ["id", "run", *DISCREPANCY_COLUMNS]


class DiscrepancyResultFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="country__iso3")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    status = django_filters.ChoiceFilter(choices=DiscrepancyStatus.choices)
    region = django_filters.CharFilter(field_name="country__regions__code")
    series = django_filters.CharFilter(field_name="series")

    class Meta:
        model = DiscrepancyResult
        fields = ["country", "indicator", "status", "region", "series"]


class DiscrepancyResultListApi(StrictQueryMixin, generics.ListAPIView):
    """National against international figures of every series (the current comparison)."""

    serializer_class = DiscrepancyResultOutput
    filterset_class = DiscrepancyResultFilter
    pagination_class = CursorPage
    permission_classes = MEMBERS

    def get_queryset(self) -> QuerySet[DiscrepancyResult]:
        return DiscrepancyResult.objects.filter(is_current=True).select_related(
            "country", "indicator"
        )


# --- discrepancy cases --------------------------------------------------------------------


class CaseOutput(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    opened_by_run = serializers.IntegerField(
        source="opened_by_run_id", read_only=True, allow_null=True
    )
    days_open = serializers.SerializerMethodField(
        help_text=_(
            "Whole days the case has been open: from opened_at to closed_at when it is "
            "closed, else to now."
        )
    )
    days_to_close = serializers.SerializerMethodField(
        help_text=_("Whole days from opened_at to closed_at; null while the case is open.")
    )

    class Meta:
        model = DiscrepancyCase
        fields = [
            "id",
            "country",
            "indicator",
            "series",
            "agency",
            "status",
            "reason",
            "kind",
            "forum_thread",
            "opened_at",
            "closed_at",
            "days_open",
            "days_to_close",
            "times_reopened",
            "opened_by_run",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def get_days_open(self, case: DiscrepancyCase) -> int:
        return ((case.closed_at or timezone.now()) - case.opened_at).days

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_days_to_close(self, case: DiscrepancyCase) -> int | None:
        return (case.closed_at - case.opened_at).days if case.closed_at else None


class CaseCommentOutput(serializers.ModelSerializer):
    author = serializers.CharField(source="author.full_name", read_only=True, allow_null=True)

    class Meta:
        model = CaseComment
        fields = ["id", "side", "author", "text", "created_at"]


class CaseDetailOutput(CaseOutput):
    comments = CaseCommentOutput(many=True, read_only=True)
    result = DiscrepancyResultOutput(
        read_only=True,
        allow_null=True,
        help_text=_("The current comparison of the case's series; null when there is none."),
    )
    can_answer = serializers.BooleanField(
        read_only=True, help_text=_("Whether you may answer the case (on its page).")
    )

    class Meta(CaseOutput.Meta):
        fields = [*CaseOutput.Meta.fields, "can_answer", "result", "comments"]


class CaseFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="country__iso3")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    status = django_filters.ChoiceFilter(choices=DiscrepancyCase.Status.choices)
    reason = django_filters.ChoiceFilter(choices=DiscrepancyCase.Reason.choices)
    agency = django_filters.CharFilter(field_name="agency__code")
    region = django_filters.CharFilter(field_name="country__regions__code")

    class Meta:
        model = DiscrepancyCase
        fields = ["country", "indicator", "status", "reason", "agency", "region"]


class CaseListApi(StrictQueryMixin, generics.ListAPIView):
    """Discrepancy cases of every country: every member follows them, as on the case pages."""

    serializer_class = CaseOutput
    filterset_class = CaseFilter
    pagination_class = CursorPage
    permission_classes = MEMBERS

    def get_queryset(self) -> QuerySet[DiscrepancyCase]:
        return DiscrepancyCase.objects.select_related("country", "indicator", "agency")


class CaseDetailApi(StrictQueryMixin, APIView):
    """One case with its comments, the current comparison of its series and whether you may
    answer it (on its page: portal.permissions.can_answer_case)."""

    permission_classes = MEMBERS

    @extend_schema(responses={200: CaseDetailOutput, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        case = get_object_or_404(
            DiscrepancyCase.objects.select_related(
                "country", "indicator", "agency"
            ).prefetch_related(
                Prefetch("comments", queryset=CaseComment.objects.select_related("author"))
            ),
            pk=pk,
        )
        case.result = (  # type: ignore[attr-defined]
            DiscrepancyResult.objects.filter(
                is_current=True, country=case.country, indicator=case.indicator, series=case.series
            )
            .select_related("country", "indicator")
            .first()
        )
        case.can_answer = base.can_answer_case(user_of(request), case.country, case.agency)  # type: ignore[attr-defined]
        return Response(CaseDetailOutput(case).data)


# --- the results export -------------------------------------------------------------------


class ResultsExportApi(StrictQueryMixin, APIView):
    """The current series results as one streamed CSV file (memory stays flat whatever the
    size). Filters: those of /results/series/."""

    permission_classes = MEMBERS
    filterset_class = SeriesResultFilter
    formats = {
        "csv": ("text/csv; charset=utf-8", "results.csv", data_exports.stream_results_csv),
        "sdmx-csv": (
            "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8",
            "results.sdmx.csv",
            data_exports.stream_results_sdmx_csv,
        ),
    }

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "fmt",
                str,
                OpenApiParameter.PATH,
                enum=["csv", "sdmx-csv"],
                description=_(
                    "csv: every column of the results; sdmx-csv: SDMX-CSV on the SDG "
                    "dimensions, the engine's figures as attributes (docs/api.md)."
                ),
            ),
            OpenApiParameter("country", str, description=_("ISO 3166 alpha-3")),
            OpenApiParameter("indicator", str),
            OpenApiParameter("region", str, description=_("Code of a region or country group.")),
            OpenApiParameter("source", str, enum=Source.values),
            OpenApiParameter("category", str, enum=Category.values),
            OpenApiParameter("series", str),
            OpenApiParameter("headline", str, enum=["true", "false"]),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/vnd.sdmx.data+csv"): OpenApiTypes.STR,
            **ERRORS,
        },
    )
    def get(self, request: Request, fmt: str) -> StreamingHttpResponse:
        if fmt not in self.formats:
            raise NotFound()
        content_type, filename, stream = self.formats[fmt]
        rows = SeriesResult.objects.filter(is_current=True).order_by(
            "country__iso3", "indicator__code", "source", "series", "pk"
        )
        filterset = SeriesResultFilter(request.query_params, queryset=rows)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        response = StreamingHttpResponse(stream(filterset.qs), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
