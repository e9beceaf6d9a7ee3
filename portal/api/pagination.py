"""Pagination that refuses abuse: page sizes from 1 to 1000, cursors for large lists."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination
from rest_framework.request import Request


class _SizeMixin:
    page_size: int | None = 100
    max_page_size: int | None = 1000
    page_size_query_param: str | None = "page_size"

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param or "page_size")
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError as exc:
            raise exceptions.ValidationError({"page_size": [_("Give a whole number.")]}) from exc
        if not 1 <= size <= (self.max_page_size or 1000):
            raise exceptions.ValidationError(
                {"page_size": [_("Must be between 1 and %(max)s.") % {"max": self.max_page_size}]}
            )
        return size


class CursorPage(_SizeMixin, pagination.CursorPagination):
    """Stable, constant-cost pages for large lists."""

    ordering = "pk"


class Page(_SizeMixin, pagination.PageNumberPagination):
    page_query_param = "page"
