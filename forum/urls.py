from django.urls import path

from forum import views

app_name = "forum"

urlpatterns = [
    path("", views.index, name="index"),
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("c/<slug:slug>/watch/", views.category_watch, name="category_watch"),
    path("new/", views.topic_create, name="topic_create"),
    path("t/<int:pk>/", views.topic_detail, name="topic"),
    path("t/<int:pk>/unread/", views.topic_unread, name="topic_unread"),
    path("t/<int:pk>/reply/", views.topic_reply, name="topic_reply"),
    path("t/<int:pk>/watch/", views.topic_watch, name="topic_watch"),
    path("t/<int:pk>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("p/<int:pk>/", views.post_permalink, name="post"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/report/", views.post_report, name="post_report"),
    path("p/<int:pk>/moderate/", views.post_moderate, name="post_moderate"),
    path("a/<int:pk>/<str:name>", views.attachment_download, name="attachment"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("search/", views.search, name="search"),
    path("profile/", views.profile, name="profile"),
    path("u/<str:handle>/", views.user_posts, name="user"),
    path("moderation/", views.moderation, name="moderation"),
    path("reports/<int:pk>/resolve/", views.report_resolve, name="report_resolve"),
]
