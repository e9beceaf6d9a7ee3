from django.contrib import admin

from indicators.models import (
    AreaCodeMapping,
    DataSheet,
    Indicator,
    InformationFlow,
    InternationalObservation,
    InternationalRelease,
    Observation,
    ReportingRound,
    SeriesCodeMapping,
    SheetEvent,
    StatisticalOperation,
    UnitSynonym,
    UploadedFile,
    UploadJob,
    ValueComment,
)


class SeriesCodeInline(admin.TabularInline):
    model = SeriesCodeMapping
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_en",
        "framework",
        "unit",
        "target_kind",
        "target_value",
        "cutoff",
        "target_year",
    ]
    list_filter = ["framework", "target_kind", "desired_direction"]
    search_fields = ["code", "name_en", "name_es"]
    inlines = [SeriesCodeInline]


@admin.register(SeriesCodeMapping)
class SeriesCodeMappingAdmin(admin.ModelAdmin):
    list_display = ["code", "indicator", "unit"]
    search_fields = ["code", "indicator__code"]


@admin.register(AreaCodeMapping)
class AreaCodeMappingAdmin(admin.ModelAdmin):
    list_display = ["country", "code", "area"]
    list_filter = ["country"]


@admin.register(UnitSynonym)
class UnitSynonymAdmin(admin.ModelAdmin):
    list_display = ["label", "unit"]
    search_fields = ["label", "unit"]


@admin.register(ReportingRound)
class ReportingRoundAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "opens_on", "closes_on", "is_open"]


class SheetEventInline(admin.TabularInline):
    model = SheetEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at", "address", "upload", "comment", "details"]


@admin.register(DataSheet)
class DataSheetAdmin(admin.ModelAdmin):
    list_display = [
        "country",
        "round",
        "version",
        "status",
        "is_current",
        "submitted_at",
        "reviewed_at",
    ]
    list_filter = ["status", "round", "is_current"]
    search_fields = ["country__name_en", "country__iso3"]
    readonly_fields = ["lock_version"]
    inlines = [SheetEventInline]

    def has_change_permission(self, request, obj=None):
        """Accepted sheets are never edited, not even here: corrections are new versions."""
        if obj is not None and obj.status == DataSheet.Status.ACCEPTED:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["sheet", "indicator", "area", "disaggregation", "year", "value", "nature"]
    list_filter = ["indicator"]
    list_select_related = ["sheet__country", "sheet__round", "indicator", "area"]
    raw_id_fields = ["sheet", "upload", "operation", "area"]


@admin.register(UploadJob)
class UploadJobAdmin(admin.ModelAdmin):
    list_display = ["sheet", "owner", "status", "stage", "percent", "created_at"]
    list_filter = ["status"]
    list_select_related = ["sheet__country", "sheet__round", "owner"]
    raw_id_fields = ["sheet", "owner"]
    readonly_fields = ["token"]


@admin.register(StatisticalOperation)
class StatisticalOperationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "country",
        "kind",
        "institution",
        "periodicity",
        "last_round",
        "next_round",
    ]
    list_filter = ["kind", "country"]
    filter_horizontal = ["indicators"]


@admin.register(InformationFlow)
class InformationFlowAdmin(admin.ModelAdmin):
    list_display = ["country", "indicator", "national_producer", "custodian", "method"]
    list_filter = ["method", "custodian"]


@admin.register(InternationalRelease)
class InternationalReleaseAdmin(admin.ModelAdmin):
    list_display = ["agency", "version", "is_current", "loaded_by", "loaded_at"]


@admin.register(InternationalObservation)
class InternationalObservationAdmin(admin.ModelAdmin):
    list_display = ["release", "country", "indicator", "disaggregation", "year", "value", "nature"]
    list_filter = ["indicator"]
    raw_id_fields = ["release"]


admin.site.register(UploadedFile)
admin.site.register(ValueComment)
admin.site.register(SheetEvent)


from indicators.models import (  # noqa: E402 - the engine's results, appended by the reports
    AggregateResult,
    CaseComment,
    DiscrepancyCase,
    DiscrepancyResult,
    EngineRun,
    Population,
    SeriesResult,
)


class ReadOnlyResultAdmin(admin.ModelAdmin):
    """Results are written only by engine runs."""

    list_select_related = True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SeriesResult)
class SeriesResultAdmin(ReadOnlyResultAdmin):
    list_display = ["run", "country", "indicator", "source", "series", "category", "t_star"]
    list_filter = ["source", "category"]


@admin.register(DiscrepancyResult)
class DiscrepancyResultAdmin(ReadOnlyResultAdmin):
    list_display = ["run", "country", "indicator", "series", "status", "classification_differs"]
    list_filter = ["status"]


@admin.register(AggregateResult)
class AggregateResultAdmin(ReadOnlyResultAdmin):
    list_display = ["run", "region", "indicator", "source", "category", "coverage"]


@admin.register(EngineRun)
class EngineRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "trigger", "status", "started_by", "created_at", "finished_at"]
    list_filter = ["status", "trigger"]
    readonly_fields = ["inputs", "parameters", "counts", "problems", "error"]


class CaseCommentInline(admin.TabularInline):
    model = CaseComment
    extra = 0


@admin.register(DiscrepancyCase)
class DiscrepancyCaseAdmin(admin.ModelAdmin):
    list_display = ["country", "indicator", "series", "status", "reason", "opened_at"]
    list_filter = ["status", "reason", "country"]
    inlines = [CaseCommentInline]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["country", "indicator", "year", "value", "is_demo"]
    list_filter = ["is_demo", "country"]


admin.site.register(CaseComment)
