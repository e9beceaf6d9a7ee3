from django.urls import path

from . import views

urlpatterns = [
    path("capacity/", views.index, name="capacity"),
    path("capacity/trainings/<int:pk>/", views.training_detail, name="training"),
    path("capacity/<slug:kind>/new/", views.record_form, name="capacity_new"),
    path("capacity/<slug:kind>/<int:pk>/edit/", views.record_form, name="capacity_edit"),
    path("financing/", views.financing, name="financing"),
]
