"""/api/v1/ and the OpenAPI schema with its documentation page (assets served locally)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from indicators import apis as indicator_apis
from portal import apis as portal_apis

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
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
