import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
application = get_wsgi_application()


def warm_up() -> None:
    """Import every view module now, at the worker's start, instead of in its first request.

    Django imports the URL configuration (and with it every view module and what they
    import, openpyxl among them) lazily, on the first request a process serves, which then
    paid for them (docs/performance.md, *Template download*). It needs no database.
    ``PORTAL_WSGI_WARM_UP=0`` turns it off.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point


if os.environ.get("PORTAL_WSGI_WARM_UP", "1") != "0":
    warm_up()
