from django.urls import include, path

from . import views
from .capacity import urls as capacity_urls
from .financing import urls as financing_urls

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.meeting_create, name="create"),
    path("calendar.ics", views.feed_ics, name="feed"),
    path("actions/", views.actions, name="actions"),
    path("actions/<int:action_pk>/update/", views.action_update, name="action_update"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics.csv", views.statistics_csv, name="statistics_csv"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("programme/", views.programme, name="programme"),
    path("programme/<int:pk>/", views.biennium_detail, name="biennium"),
    path("programme/<int:pk>/report/", views.biennium_report, name="biennium_report"),
    path("programme/<int:pk>/report.xlsx", views.biennium_xlsx, name="biennium_xlsx"),
    path("documents/<int:version_pk>/download/", views.document_download, name="document_download"),
    path("", include(capacity_urls)),
    path("", include(financing_urls)),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/meeting.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/unregister/", views.unregister, name="unregister"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/sessions/new/", views.session_add, name="session_add"),
    path("<int:pk>/sessions/<int:session_pk>/items/new/", views.item_add, name="item_add"),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("<int:pk>/outcomes/", views.outcomes, name="outcomes"),
]
