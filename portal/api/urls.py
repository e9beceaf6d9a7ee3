"""/api/v1/ and the OpenAPI schema with its documentation page (assets served locally)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from forum import apis as forum_apis
from indicators import apis as indicator_apis
from indicators.public import apis as public_apis
from indicators.reports import apis as result_apis
from meetings import apis as meeting_apis
from meetings.capacity import apis as capacity_apis
from meetings.financing import apis as financing_apis
from portal.api import reference as portal_apis

v1 = [
    path("countries/", portal_apis.CountryListApi.as_view(), name="country_list"),
    path("countries/<str:iso3>/", portal_apis.CountryDetailApi.as_view(), name="country_detail"),
    path("regions/", portal_apis.RegionListApi.as_view(), name="region_list"),
    path("regions/<str:code>/", portal_apis.RegionDetailApi.as_view(), name="region_detail"),
    path("agencies/", portal_apis.AgencyListApi.as_view(), name="agency_list"),
    path("indicators/", indicator_apis.IndicatorListApi.as_view(), name="indicator_list"),
    path(
        "indicators/<str:code>/",
        indicator_apis.IndicatorDetailApi.as_view(),
        name="indicator_detail",
    ),
    path("sheets/", indicator_apis.SheetListCreateApi.as_view(), name="sheet_list"),
    path("sheets/<int:pk>/", indicator_apis.SheetDetailApi.as_view(), name="sheet_detail"),
    path("sheets/<int:pk>/upload/", indicator_apis.SheetUploadApi.as_view(), name="sheet_upload"),
    path("sheets/<int:pk>/submit/", indicator_apis.SheetSubmitApi.as_view(), name="sheet_submit"),
    path("observations/", indicator_apis.ObservationListApi.as_view(), name="observation_list"),
    path(
        "exports/observations.<str:fmt>",
        indicator_apis.ExportApi.as_view(),
        name="export_observations",
    ),
    path(
        "international-observations/",
        indicator_apis.InternationalListApi.as_view(),
        name="international_list",
    ),
    path("engine-runs/", result_apis.EngineRunListApi.as_view(), name="engine_run_list"),
    path(
        "engine-runs/<int:pk>/",
        result_apis.EngineRunDetailApi.as_view(),
        name="engine_run_detail",
    ),
    path("results/series/", result_apis.SeriesResultListApi.as_view(), name="series_result_list"),
    path(
        "results/aggregates/",
        result_apis.AggregateResultListApi.as_view(),
        name="aggregate_result_list",
    ),
    path(
        "results/discrepancies/",
        result_apis.DiscrepancyResultListApi.as_view(),
        name="discrepancy_result_list",
    ),
    path("cases/", result_apis.CaseListApi.as_view(), name="case_list"),
    path("cases/<int:pk>/", result_apis.CaseDetailApi.as_view(), name="case_detail"),
    path(
        "exports/results.<str:fmt>",
        result_apis.ResultsExportApi.as_view(),
        name="export_results",
    ),
    path("meetings/", meeting_apis.MeetingListApi.as_view(), name="meeting_list"),
    path("meetings/<int:pk>/", meeting_apis.MeetingDetailApi.as_view(), name="meeting_detail"),
    path(
        "public/countries/<str:iso3>/",
        public_apis.PublicCountryApi.as_view(),
        name="public_country",
    ),
    path("trainings/", capacity_apis.TrainingListApi.as_view(), name="training_list"),
    path("missions/", capacity_apis.MissionListApi.as_view(), name="mission_list"),
    path("experts/", capacity_apis.ExpertListApi.as_view(), name="expert_list"),
    path("grants/", capacity_apis.GrantListApi.as_view(), name="grant_list"),
    path(
        "consultations/",
        financing_apis.ConsultationListApi.as_view(),
        name="consultation_list",
    ),
    path(
        "forum/categories/",
        forum_apis.CategoryListApi.as_view(),
        name="forum_category_list",
    ),
    path("forum/topics/", forum_apis.TopicListApi.as_view(), name="forum_topic_list"),
    path(
        "forum/topics/<int:pk>/",
        forum_apis.TopicDetailApi.as_view(),
        name="forum_topic_detail",
    ),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
