"""Pages of the portal app: dashboard, accounts, countries, health."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import permissions, selectors, services
from portal.forms import EmailAuthenticationForm, ProfileForm
from portal.models import Country
from portal.redirects import is_safe_url, safe_next_url
from portal.throttling import client_address
from portal.typing import AuthedRequest


def _throttled_login_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/login.html",
        {"form": EmailAuthenticationForm(request), "throttled": True},
        status=429,
    )


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """The language cookie, with the flags of the settings (Secure in production)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )


def throttle_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A login POST from a throttled username or address gets the 429 page.

    The authentication backend refuses it anyway (portal/backends.py); this only answers
    with the right status and message, for the portal's login and the admin's alike.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method == "POST" and services.login_throttle_check(
            username=request.POST.get("username", ""), address=client_address(request)
        ):
            return _throttled_login_page(request)
        return view(request, *args, **kwargs)

    return wrapped


@method_decorator(throttle_login, name="post")
class LoginView(auth_views.LoginView):
    """Django's login, by e-mail, throttled per e-mail and per address."""

    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if getattr(self.request, "_portal_login_throttled", False):
            return _throttled_login_page(self.request)
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        set_language_cookie(response, user.language)
        return response

    def get_redirect_url(self) -> str:
        """`next` through the portal's one safe-redirect check; empty: the dashboard."""
        field = self.redirect_field_name
        target = self.request.POST.get(field) or self.request.GET.get(field) or ""
        return target if is_safe_url(self.request, target) else ""


admin_login = throttle_login(admin.site.login)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, throttled per address and per e-mail.

    Beyond the limit the answer is the same "sent" page, and no e-mail goes out, so the
    throttle tells nothing about which addresses have an account.
    """

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if services.password_reset_allowed(
            email=form.cleaned_data["email"], address=client_address(self.request)
        ):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html", {"countries": selectors.member_countries()})
    context = {
        "attention": selectors.dashboard_attention(user=request.user),
        "member_countries": selectors.member_countries(),
    }
    return render(request, "portal/dashboard.html", context)


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your profile was saved."))
        response = redirect("portal:profile")
        set_language_cookie(response, user.language)
        return response

    tokens = request.user.tokens.all()
    context = {"form": form, "tokens": tokens}
    return render(request, "portal/profile.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    try:
        token, key = services.token_create(user=request.user, name=request.POST.get("name", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("portal:profile")
    context = {
        "form": ProfileForm(instance=request.user),
        "tokens": request.user.tokens.all(),
        "new_key": key,
        "new_token": token,
    }
    return render(request, "portal/profile.html", context)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    if services.token_revoke(user=request.user, token_id=pk):
        messages.success(request, _("The token was revoked: scripts using it stop working now."))
    else:
        messages.error(request, _("There is no active token of yours with that number."))
    return redirect("portal:profile")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; a logged-in user's preference is saved too."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(safe_next_url(request, "portal:home"))
    if language not in ("en", "es"):
        messages.error(request, _("That language is not available."))
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    set_language_cookie(response, language)
    return response


@login_required
def country_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/country_list.html", {"countries": selectors.member_countries()})


@login_required
def country_detail(request: HttpRequest, iso3: str) -> HttpResponse:
    country = get_object_or_404(Country, iso3=iso3.upper())
    context = {
        "country": country,
        "regions": selectors.country_regions(country=country),
        "can_view_unpublished": permissions.can_view_unpublished(request.user, country),
        "can_edit": permissions.can_edit_sheet(request.user, country),
    }
    return render(request, "portal/country_detail.html", context)


@login_required
def country_workspace(request: HttpRequest, iso3: str) -> HttpResponse:
    """The country's own working area: unpublished sheets; only its offices and the coordinator."""
    country = get_object_or_404(Country, iso3=iso3.upper())
    if not permissions.can_view_unpublished(request.user, country):
        raise PermissionDenied(_("This is another country's working area."))
    return render(request, "portal/country_workspace.html", {"country": country})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    ok, body = selectors.health_status()
    body["status"] = "ok" if ok else "error"
    return JsonResponse(body, status=200 if ok else 503)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def _api_error(request: HttpRequest, status: int, message: str, code: str) -> JsonResponse | None:
    """Under /api/ every error is the API's JSON error body, never an HTML page."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse(
        {"errors": [{"field": "", "message": message, "code": code}]}, status=status
    )


def _bad_request_reason(exception: Exception | None) -> str:
    from django.core.exceptions import (
        RequestDataTooBig,
        TooManyFieldsSent,
        TooManyFilesSent,
    )

    from portal.middleware import MalformedInput

    if isinstance(exception, MalformedInput):
        return str(exception)
    if isinstance(exception, RequestDataTooBig):
        return _("The request is larger than the portal accepts.")
    if isinstance(exception, TooManyFilesSent):
        return _("The request carries more files than the portal accepts at once.")
    if isinstance(exception, TooManyFieldsSent):
        return _("The request carries more fields than the portal accepts.")
    return _("The request could not be read. Check what was sent and try again.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 400 handler (malformed multipart bodies, too many files or fields, bad host): the
    API's JSON error body under /api/, the portal's page elsewhere."""
    reason = _bad_request_reason(exception)
    return _api_error(request, 400, reason, "bad_request") or render(
        request, "400.html", {"reason": reason}, status=400
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    api = _api_error(
        request, 403, _("You do not have permission to perform this action."), "permission_denied"
    )
    return api or render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404, _("Not found."), "not_found") or render(
        request, "404.html", status=404
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: never touches the database (it may be what failed)."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template import loader

    from portal.middleware import database_unavailable_response

    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable_response()
    api = _api_error(
        request, 500, "Server error; nothing was half-saved. Try again.", "server_error"
    )
    return api or HttpResponse(loader.get_template("500.html").render(), status=500)


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    """The audit trail, for the coordinator: filter by action or person; CSV export."""
    from portal.models import AuditEvent
    from portal.spreadsheets import SafeWriter

    if not permissions.is_coordinator(request.user):
        raise PermissionDenied(_("Only the secretariat can read the audit trail."))
    events = AuditEvent.objects.select_related("actor")
    action, who = request.GET.get("action", ""), request.GET.get("who", "")
    if action:
        events = events.filter(action__startswith=action)
    if who:
        events = events.filter(actor__email__icontains=who)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        writer = SafeWriter(response)
        writer.writerow(
            ["at", "who", "address", "action", "object_type", "object_id", "summary", "details"]
        )
        for event in events.iterator(chunk_size=2000):
            writer.writerow(
                [
                    event.at.isoformat(),
                    event.actor.email if event.actor else "",
                    event.address or "",
                    event.action,
                    event.object_type,
                    event.object_id,
                    event.summary,
                    event.details,
                ]
            )
        return response
    actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    context = {"events": events[:500], "actions": actions, "action": action, "who": who}
    return render(request, "portal/audit_log.html", context)
