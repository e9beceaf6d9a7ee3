"""Middleware: the user's language, security headers, and a clean 503 when the DB is away."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class UserLanguageMiddleware:
    """A logged-in user's saved language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language() or "en")
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


def database_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without a request context: nothing here may touch the database."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response.headers["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """A request that finds the database gone gets a clean 503 page, not a traceback.

    Errors raised by a view arrive in `process_exception`; errors raised earlier (loading the
    session or the user in another middleware) reach the 500 handler, which answers the same
    503 (see portal.views.server_error).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error("database unavailable: %s", exception)
            return database_unavailable_response()
        return None


class MalformedInput(SuspiciousOperation):
    """Input no view can store or look up; its message is shown on the 400 page."""


def _nul_field(request: HttpRequest) -> str | None:
    """The first parameter (or the path, or an uploaded file's name) holding a NUL byte."""
    if "\x00" in request.path:
        return _("the address")
    sources = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "")
    if sources[-1] is request.POST:
        for key, files in request.FILES.lists():
            if any("\x00" in (f.name or "") for f in files):
                return key
    return None


class RejectNulBytesMiddleware:
    """A NUL byte in the path, a query or form parameter or a file name answers 400.

    PostgreSQL cannot store or compare text holding NUL (0x00): any view that passed one to
    a query answered 500. No legitimate input carries one. The API's JSON bodies go through
    its own parsers and serializers (Django REST framework refuses NUL in CharFields).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = _nul_field(request)
        if field is not None:
            raise MalformedInput(
                _("The field “%(field)s” contains a NUL character (0x00); remove it and try again.")
                % {"field": field}
            )
        return self.get_response(request)
