from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/<str:iso3>/", views.country, name="country"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
]
