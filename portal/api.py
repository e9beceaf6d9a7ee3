"""Shared API machinery: error bodies, strict query parameters, pagination that refuses abuse."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.models import User

PAGINATION_PARAMS = {"page_size", "format"}


def _flatten(detail: Any, field: str | None = None) -> list[dict[str, str]]:
    if isinstance(detail, dict):
        return [
            e
            for key, value in detail.items()
            for e in _flatten(
                value,
                None if key == "non_field_errors" else (f"{field}.{key}" if field else str(key)),
            )
        ]
    if isinstance(detail, list):
        return [e for item in detail for e in _flatten(item, field)]
    code = getattr(detail, "code", "invalid")
    return [{"field": field or "", "message": str(detail), "code": str(code)}]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error as {"errors": [{"field", "message", "code"}]} with the right 4xx status."""
    if isinstance(exc, DjangoValidationError):
        messages = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(messages)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    is_validation = isinstance(exc, exceptions.ValidationError)
    body: Any = response.data if is_validation else getattr(exc, "detail", None) or str(exc)
    response.data = {"errors": _flatten(body)}
    return response


class StrictQueryMixin:
    """Refuse query parameters the endpoint does not know: a typo is an error, not a silent no-op."""

    allowed_query_params: set[str] = set()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        filterset = getattr(self, "filterset_class", None)
        allowed = set(self.allowed_query_params) | PAGINATION_PARAMS
        paginator = getattr(self, "pagination_class", None)
        if paginator is not None:
            allowed.add("cursor" if issubclass(paginator, pagination.CursorPagination) else "page")
        if filterset is not None:
            allowed |= set(filterset.base_filters)
        bad = sorted(
            k
            for k, values in request.query_params.lists()
            for v in values
            if "\x00" in v or len(v) > 200
        )
        if bad:
            raise exceptions.ValidationError(
                {name: [_("The value holds a NUL byte or is too long.")] for name in bad}
            )
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise exceptions.ValidationError(
                {
                    name: [
                        _("Unknown query parameter. Allowed: %(allowed)s.")
                        % {"allowed": ", ".join(sorted(allowed))}
                    ]
                    for name in unknown
                }
            )


class StrictBodyMixin:
    """Refuse unknown fields in a JSON body instead of ignoring them."""

    def validate_body_fields(self, request: Request, serializer_class: type) -> None:
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        known = set(serializer_class().fields)
        unknown = sorted(set(request.data) - known)
        if unknown:
            raise exceptions.ValidationError({name: [_("Unknown field.")] for name in unknown})


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


ERROR_STATUSES = [
    status.HTTP_400_BAD_REQUEST,
    status.HTTP_401_UNAUTHORIZED,
    status.HTTP_403_FORBIDDEN,
    status.HTTP_404_NOT_FOUND,
]


def user_of(request: Request) -> User:
    """The authenticated user of an API request (every endpoint requires authentication)."""
    return cast(User, request.user)


ERROR_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message", "code"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                    "value": {"type": "string"},
                },
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Bad input: every problem with its field, message and code.",
    "401": "Not authenticated, or the token is invalid or revoked.",
    "403": "Authenticated, but not allowed.",
    "404": "Not found, or not visible to you.",
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular hook: every operation documents the error body for 400/401/403/404."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/ErrorBody"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_DESCRIPTIONS.items():
                responses[code] = {
                    "description": description,
                    "content": {"application/json": {"schema": reference}},
                }
    return result
