"""Root URLs. Each app mounts its own namespace."""

import importlib

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from portal import views
from portal.api import urls as api_urls

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says; one answer instead of a 404 each time.
    path("favicon.ico", RedirectView.as_view(url=static("portal/favicon.svg"), permanent=True)),
    # The admin's login goes through the portal's login throttle (coordinators are staff).
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
    path("api/", include((api_urls, "api"))),
    path("api/v1/", include((api_urls.v1, "api_v1"))),
    path("public/", include("indicators.public.urls")),
    path("secretariat/", include("portal.secretariat.urls")),
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

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
