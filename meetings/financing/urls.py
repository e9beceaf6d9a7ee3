from django.urls import path

from . import views

urlpatterns = [
    path("financing/consultations/", views.consultation_list, name="consultations"),
    path("financing/consultations/new/", views.consultation_form, name="consultation_new"),
    path("financing/consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path(
        "financing/consultations/<int:pk>/edit/",
        views.consultation_form,
        name="consultation_edit",
    ),
]
