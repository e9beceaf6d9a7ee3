"""What the data-sheet pages share: the visible sheet, the address, messages, the way back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from indicators import permissions
from indicators.models import DataSheet
from portal.redirects import safe_next_url
from portal.typing import AuthedRequest


def _address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _visible_sheet(request: HttpRequest, pk: int) -> DataSheet:
    """A sheet the user may see, else 404: other countries' drafts do not even exist for them."""
    sheet = get_object_or_404(
        DataSheet.objects.select_related("country", "round", "supersedes"), pk=pk
    )
    if not permissions.can_view_sheet(request.user, sheet):
        raise Http404
    return sheet


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _next_url(request: AuthedRequest, sheet: DataSheet) -> str:
    """Where to go back after saving: only a page of this site, never an outside address."""
    return safe_next_url(request, sheet_url(sheet))


def sheet_url(sheet: DataSheet) -> str:

    return reverse("indicators:sheet_detail", args=[sheet.pk])


def _int_or_none(raw: str | None) -> int | None:
    """A posted lock version: None when absent, -1 (never current) when not a number."""
    try:
        return int(raw) if raw else None
    except ValueError:
        return -1
