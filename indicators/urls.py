from django.urls import include, path

from indicators import views
from indicators.catalogue import views as catalogue_views
from indicators.international import views as international_views

app_name = "indicators"

urlpatterns = [
    path("", views.index, name="index"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("sheets/new/", views.sheet_create, name="sheet_create"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("sheets/<int:pk>/grid/", views.sheet_grid_save, name="sheet_grid_save"),
    path(
        "sheets/<int:pk>/values/<int:observation>/history/",
        views.value_history,
        name="value_history",
    ),
    path("sheets/<int:pk>/upload/", views.sheet_upload, name="sheet_upload"),
    path(
        "sheets/<int:pk>/upload/confirm/", views.sheet_import_confirm, name="sheet_import_confirm"
    ),
    path("sheets/<int:pk>/uploads/<int:job>/", views.upload_job, name="upload_job"),
    path("sheets/<int:pk>/submit/", views.sheet_submit, name="sheet_submit"),
    path("sheets/<int:pk>/review/", views.sheet_review, name="sheet_review"),
    path("sheets/<int:pk>/diff/<int:other>/", views.sheet_diff, name="sheet_diff"),
    path("sheets/<int:pk>/template.xlsx", views.sheet_template, name="sheet_template"),
    path("international/", international_views.international_upload, name="international_upload"),
    path("countries/<str:iso3>/operations/", catalogue_views.catalogue, name="catalogue"),
    path("reports/", include("indicators.reports.urls")),
]
