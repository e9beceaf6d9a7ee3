"""Helpers shared by the meetings pages: the current user, form errors, the meeting a page shows."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from portal.models import User

from .. import permissions, selectors
from ..models import (
    Meeting,
)


def _me(request: HttpRequest) -> User:
    """The logged-in user (views that call it are behind login_required)."""
    return cast(User, request.user)


def _apply_errors(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    try:
        meeting = selectors.meeting_for_page(pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404(_("No such meeting.")) from exc
    if not permissions.can_view_meeting(request.user, meeting):
        raise Http404(_("No such meeting."))
    return meeting


def _visible_or_login(request: HttpRequest, pk: int) -> Meeting | HttpResponse:
    try:
        return _meeting_or_404(request, pk)
    except Http404:
        if not request.user.is_authenticated and Meeting.objects.filter(pk=pk).exists():
            return redirect_to_login(request.get_full_path())
        raise


def _manageable(request: HttpRequest, pk: int) -> Meeting:
    meeting = _meeting_or_404(request, pk)
    if not permissions.can_manage_participants(request.user, meeting):
        raise PermissionDenied(_("Only the meeting's organisers and the secretariat may do this."))
    return meeting
