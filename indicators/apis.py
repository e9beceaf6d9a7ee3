"""The data API: indicators, data sheets (list, read, create, upload, submit), observations,
international series. Every check is the pages' own (indicators.permissions, the services)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from indicators import permissions, selectors, services
from indicators.models import (
    DataSheet,
    Indicator,
    InternationalObservation,
    Observation,
    ReportingRound,
)
from indicators.services.sheets.importing import outliers_message
from portal.api.errors import ERRORS
from portal.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from portal.api.inputs import StrictBodyMixin, StrictQueryMixin, user_of
from portal.api.pagination import CursorPage
from portal.models import Country


class IndicatorOutput(serializers.ModelSerializer):
    custodian = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    series_codes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "framework",
            "goal",
            "target",
            "name_en",
            "name_es",
            "unit",
            "value_min",
            "value_max",
            "target_kind",
            "target_value",
            "desired_direction",
            "cutoff",
            "baseline_year",
            "target_year",
            "min_span_years",
            "rel_tolerance",
            "abs_tolerance",
            "custodian",
            "series_codes",
        ]


class IndicatorListApi(StrictQueryMixin, generics.ListAPIView):
    """Indicators with their targets and the SDMX series that carry them."""

    serializer_class = IndicatorOutput
    queryset = (
        Indicator.objects.select_related("custodian")
        .prefetch_related("series_codes")
        .order_by("code")
    )


class IndicatorDetailApi(generics.RetrieveAPIView):
    serializer_class = IndicatorOutput
    queryset = Indicator.objects.select_related("custodian").prefetch_related("series_codes")
    lookup_field = "code"
    lookup_value_regex = "[^/]+"


class SheetOutput(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field="iso3", read_only=True)
    round = serializers.SlugRelatedField(slug_field="code", read_only=True)
    observations = serializers.IntegerField(source="observations.count", read_only=True)

    class Meta:
        model = DataSheet
        fields = [
            "id",
            "country",
            "round",
            "version",
            "status",
            "is_current",
            "lock_version",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "observations",
            "created_at",
            "updated_at",
        ]


class SheetCreateInput(serializers.Serializer):
    country = serializers.CharField(max_length=3, help_text="ISO 3166 alpha-3")
    round = serializers.CharField(max_length=20)


class SheetFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="country__iso3")
    round = django_filters.CharFilter(field_name="round__code")
    status = django_filters.ChoiceFilter(choices=DataSheet.Status.choices)

    class Meta:
        model = DataSheet
        fields = ["country", "round", "status", "is_current"]


class SheetListCreateApi(StrictQueryMixin, StrictBodyMixin, generics.ListCreateAPIView):
    """Data sheets you may see; POST opens a draft (country focal points only)."""

    serializer_class = SheetOutput
    filterset_class = SheetFilter

    def get_queryset(self) -> QuerySet[DataSheet]:
        return selectors.sheets_visible_to(user=self.request.user).order_by("pk")  # type: ignore[arg-type]

    @extend_schema(
        request=SheetCreateInput,
        responses={201: SheetOutput, **ERRORS},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent("sheets.create")
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        self.validate_body_fields(request, SheetCreateInput)
        data = SheetCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        country = Country.objects.filter(iso3=data.validated_data["country"].upper()).first()
        round = ReportingRound.objects.filter(code=data.validated_data["round"]).first()
        if country is None:
            raise ValidationError({"country": [_("Unknown ISO 3166 alpha-3 code.")]})
        if round is None:
            raise ValidationError({"round": [_("Unknown reporting round.")]})
        sheet = services.datasheet_create(country=country, round=round, user=user_of(request))
        return Response(SheetOutput(sheet).data, status=status.HTTP_201_CREATED)


def _visible_sheet(request: Request, pk: int) -> DataSheet:
    sheet = get_object_or_404(DataSheet.objects.select_related("country", "round"), pk=pk)
    if not permissions.can_view_sheet(request.user, sheet):
        raise NotFound()
    return sheet


class SheetDetailApi(APIView):
    @extend_schema(responses={200: SheetOutput, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(SheetOutput(_visible_sheet(request, pk)).data)


class UploadOutput(serializers.Serializer):
    added = serializers.IntegerField()
    changed = serializers.IntegerField()
    removed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    not_tracked = serializers.DictField(child=serializers.IntegerField())
    sheet = SheetOutput()


class UploadInput(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1)
    format = serializers.ChoiceField(choices=["xlsx", "csv", "opensdg", "sdmx"], required=False)
    indicator = serializers.CharField(required=False, max_length=32)
    confirm_outliers = serializers.BooleanField(required=False, default=False)
    lock_version = serializers.IntegerField(required=False)
    mode = serializers.ChoiceField(
        choices=list(services.IMPORT_MODES),
        required=False,
        default=services.MERGE,
        help_text="merge: only the rows in the files change, nothing is removed; replace: the "
        "indicators in the files are replaced (removals need confirm_removals=true).",
    )
    confirm_removals = serializers.BooleanField(required=False, default=False)


class SheetUploadApi(APIView):
    """Import files into a draft: all or nothing; every problem is listed with file, row and column."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadInput},
        responses={201: UploadOutput, **ERRORS},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent("sheets.upload")
    def post(self, request: Request, pk: int) -> Response:

        sheet = _visible_sheet(request, pk)
        if not permissions.can_edit_country_sheets(request.user, sheet.country):
            raise PermissionDenied(_("Only the country's focal point can change this data sheet."))
        fields = {
            key: request.data.get(key)
            for key in (
                "format",
                "indicator",
                "confirm_outliers",
                "lock_version",
                "mode",
                "confirm_removals",
            )
        }
        fields = {key: value for key, value in fields.items() if value is not None}
        data = UploadInput(data={**fields, "files": request.FILES.getlist("files")})
        data.is_valid(raise_exception=True)
        files = data.validated_data["files"]
        refusals = services.upload_refusals([(f.name, f.size) for f in files])
        if refusals:
            raise ValidationError({"files": refusals})
        result = services.datasheet_import(
            sheet=sheet,
            user=user_of(request),
            files=[(f.name, f.read()) for f in files],
            fmt=data.validated_data.get("format"),
            indicator=data.validated_data.get("indicator"),
            mode=data.validated_data["mode"],
            expected_lock_version=data.validated_data.get("lock_version", sheet.lock_version),
            confirm_outliers=data.validated_data["confirm_outliers"],
            confirm_removals=data.validated_data["confirm_removals"],
        )
        preview = result.preview
        if result.refused == services.PROBLEMS:
            return Response(
                {
                    "errors": [
                        {
                            "field": f"{p.file}:{p.place}:{p.column}",
                            "message": str(p.reason),
                            "code": "invalid",
                            "value": p.value,
                        }
                        for p in preview.problems
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        if result.refused == services.OUTLIERS:
            raise ValidationError(outliers_message())
        if result.refused == services.REMOVALS:
            return Response(
                {
                    "errors": [
                        {
                            "field": "confirm_removals",
                            "message": _(
                                "This upload would remove %(count)s values from the sheet: "
                                "send confirm_removals=true to remove them. Nothing was stored."
                            )
                            % {"count": len(preview.removed)},
                            "code": "removals_not_confirmed",
                        }
                    ],
                    "removed": result.removal_labels,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        sheet.refresh_from_db()
        return Response(
            {
                "added": len(preview.added),
                "changed": len(preview.changed),
                "removed": len(preview.removed),
                "unchanged": preview.unchanged,
                "not_tracked": preview.not_tracked,
                "sheet": SheetOutput(sheet).data,
            },
            status=status.HTTP_201_CREATED,
        )


class SheetSubmitApi(APIView):
    @extend_schema(
        request=None, responses={200: SheetOutput, **ERRORS}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    @idempotent("sheets.submit")
    def post(self, request: Request, pk: int) -> Response:
        sheet = _visible_sheet(request, pk)
        sheet = services.datasheet_submit(sheet=sheet, user=user_of(request))
        return Response(SheetOutput(sheet).data)


class ObservationOutput(serializers.ModelSerializer):
    country = serializers.CharField(source="sheet.country.iso3")
    round = serializers.CharField(source="sheet.round.code")
    sheet = serializers.IntegerField(source="sheet_id")
    sheet_version = serializers.IntegerField(source="sheet.version")
    indicator = serializers.CharField(source="indicator.code")
    area = serializers.CharField(source="area.code", default="")
    value = serializers.DecimalField(max_digits=30, decimal_places=10, coerce_to_string=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "country",
            "round",
            "sheet",
            "sheet_version",
            "indicator",
            "area",
            "disaggregation",
            "year",
            "value",
            "unit",
            "nature",
            "source",
            "footnote",
        ]


class ObservationFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="sheet__country__iso3")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    round = django_filters.CharFilter(field_name="sheet__round__code")
    sheet = django_filters.NumberFilter(field_name="sheet_id")
    series = django_filters.CharFilter(field_name="disaggregation")
    area = django_filters.CharFilter(field_name="area__code")
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = Observation
        fields = [
            "country",
            "indicator",
            "round",
            "sheet",
            "series",
            "area",
            "year_min",
            "year_max",
        ]


class ObservationListApi(StrictQueryMixin, generics.ListAPIView):
    """National observations: published (current accepted) sheets, or one sheet you may see (`sheet=`)."""

    serializer_class = ObservationOutput
    filterset_class = ObservationFilter
    pagination_class = CursorPage

    def get_queryset(self) -> QuerySet[Observation]:
        rows = Observation.objects.select_related(
            "sheet__country", "sheet__round", "indicator", "area"
        )
        sheet_id = self.request.query_params.get("sheet")
        if sheet_id and sheet_id.isdigit():
            visible = selectors.sheets_visible_to(user=user_of(self.request))
            return rows.filter(sheet__in=visible)
        return rows.filter(sheet__is_current=True)


class InternationalOutput(serializers.ModelSerializer):
    agency = serializers.CharField(source="release.agency.code")
    release = serializers.IntegerField(source="release.version")
    country = serializers.CharField(source="country.iso3")
    indicator = serializers.CharField(source="indicator.code")
    value = serializers.DecimalField(max_digits=30, decimal_places=10, coerce_to_string=True)

    class Meta:
        model = InternationalObservation
        fields = [
            "id",
            "agency",
            "release",
            "country",
            "indicator",
            "disaggregation",
            "year",
            "value",
            "unit",
            "nature",
            "footnote",
        ]


class InternationalFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="release__agency__code")
    country = django_filters.CharFilter(field_name="country__iso3")
    indicator = django_filters.CharFilter(field_name="indicator__code")
    series = django_filters.CharFilter(field_name="disaggregation")
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = InternationalObservation
        fields = ["agency", "country", "indicator", "series", "year_min", "year_max"]


class InternationalListApi(StrictQueryMixin, generics.ListAPIView):
    """Agencies' published figures (current releases)."""

    serializer_class = InternationalOutput
    filterset_class = InternationalFilter
    pagination_class = CursorPage

    def get_queryset(self) -> QuerySet[InternationalObservation]:
        return InternationalObservation.objects.filter(release__is_current=True).select_related(
            "release__agency", "country", "indicator"
        )


class ExportApi(StrictQueryMixin, APIView):
    """Published national observations as a streamed file: CSV, SDMX-CSV or SDMX-ML 2.1.

    Filters: `country` (ISO3), `indicator`, `round`. Memory stays flat whatever the size.
    """

    allowed_query_params = {"country", "indicator", "round"}
    formats = {
        "csv": ("text/csv; charset=utf-8", "observations.csv", "stream_csv"),
        "sdmx-csv": (
            "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8",
            "observations-sdmx.csv",
            "stream_sdmx_csv",
        ),
        "sdmx-ml": (
            "application/vnd.sdmx.structurespecificdata+xml; version=2.1",
            "observations.xml",
            "stream_sdmx_ml",
        ),
    }

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "fmt", str, OpenApiParameter.PATH, enum=["csv", "sdmx-csv", "sdmx-ml"]
            ),
            OpenApiParameter("country", str, description="ISO 3166 alpha-3"),
            OpenApiParameter("indicator", str),
            OpenApiParameter("round", str),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/vnd.sdmx.data+csv"): OpenApiTypes.STR,
            (200, "application/vnd.sdmx.structurespecificdata+xml"): OpenApiTypes.STR,
            **ERRORS,
        },
    )
    def get(self, request: Request, fmt: str) -> StreamingHttpResponse:
        from indicators import data_exports as exports

        if fmt not in self.formats:
            raise NotFound()
        content_type, filename, writer = self.formats[fmt]
        rows = exports.published_observations(
            country=request.query_params.get("country"),
            indicator=request.query_params.get("indicator"),
            round=request.query_params.get("round"),
        )
        response = StreamingHttpResponse(getattr(exports, writer)(rows), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
