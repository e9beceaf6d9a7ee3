"""Root URLs. Each app mounts its own namespace."""

import importlib

from django.contrib import admin
from django.urls import include, path

from portal import api_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include((api_urls, "api"))),
    path("api/v1/", include((api_urls.v1, "api_v1"))),
    path("", include("portal.site_urls")),
]

for _app, _prefix in (("indicators", "data/"), ("forum", "forum/"), ("meetings", "meetings/")):
    try:
        importlib.import_module(f"{_app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"{_app}.urls":
            raise
        continue
    urlpatterns.append(path(_prefix, include(f"{_app}.urls")))

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
