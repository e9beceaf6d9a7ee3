"""What every secretariat page shares: the permission decorator, the request's address,
a service's errors on a form."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portal.typing import AuthedRequest

View = Callable[..., HttpResponse]


def request_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def secretariat_only(check: Callable[[Any], bool]) -> Callable[[View], View]:
    """Log in first; then 403 unless ``check(user)``."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(_("Only the secretariat can use this page."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def form_errors(form: Form, error: ValidationError) -> None:
    """Put a service's errors on the form's fields (or on the form when they name none)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def toggle_active(
    request: AuthedRequest,
    set_active: Callable[[bool], object],
    *,
    activated: str,
    deactivated: str,
    back: str,
) -> HttpResponse:
    """An activate/deactivate button: POST ``active=1`` activates, anything else deactivates;
    ``set_active`` calls the service, the message says what happened, then back to the list."""
    active = request.POST.get("active") == "1"
    set_active(active)
    messages.success(request, activated if active else deactivated)
    return redirect(back)
