from django.urls import path

from indicators.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.progress, name="progress"),
    path("countries/<str:iso3>/", views.country_profile, name="country"),
    path("indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("discrepancies/", views.discrepancy_report, name="discrepancies"),
    path("cases/", views.case_list, name="cases"),
    path("cases/statistics/", views.case_statistics, name="case_statistics"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("runs/", views.run_list, name="runs"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
]
